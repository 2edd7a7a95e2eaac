"""What a channel declares: one :class:`Channel` value in one module of this package.

A channel delivers a mailing's prepared messages to their recipients: e-mail through the
organisation's SMTP server today, another way tomorrow (a web portal's upload, a fax
gateway). Everything a send does that is not about the way of delivery lives below the
channels and is shared by all of them: the letters and their checks (``mail/``), the
consent rule (:mod:`briefpress.channels.consent`), the drafts and the plan
(:mod:`briefpress.channels.drafts`), the send log that makes a send resumable and never
double-sent (:mod:`briefpress.channels.log`), the provider's limits
(:mod:`briefpress.channels.limits`) and the send loop (:mod:`briefpress.channels.send`).
A channel says only what differs: its settings, how a recipient's message is prepared
(the draft a person can open), and the transport that hands a prepared message over.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from briefpress.channels.limits import Limits
from briefpress.core.errors import Problem
from briefpress.data.load import Project
from briefpress.data.model import Brand, BriefSpec
from briefpress.mail.recipients import Recipient

DEFAULT_CHANNEL = "email"


class Outcome(enum.Enum):
    """What became of one attempt to hand a message over."""

    SENT = "sent"
    TEMPORARY = "temporary"  # refused for now, or nothing handed over: try again
    PERMANENT = "permanent"  # refused for good
    UNKNOWN = "unknown"  # the connection broke after the hand-over: it may have arrived


@dataclass(frozen=True)
class Attempt:
    """What became of one attempt, with the other side's own words."""

    outcome: Outcome
    answer: str
    reconnect: bool = False  # the connection is gone: open a new one for the next
    no_answer: bool = False  # nothing could be reached, or it went away, before hand-over
    sender_refused: bool = False  # the sender is refused for good: no message can go


class Undeliverable(Exception):
    """Nothing can be delivered until a person changes something (a refused login, a
    connection that cannot be secured): trying again would meet the same refusal."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class Transport(Protocol):
    """Hands prepared messages over, one at a time; tests and other channels give their
    own (``Send(..., transport=...)``)."""

    def deliver(
        self, addresses: Sequence[str], prepared: bytes, on_handover: Callable[[], None]
    ) -> Attempt:
        """Hand ``prepared`` (a draft, as written) over for ``addresses``; call
        ``on_handover`` just before the message itself leaves, so that the log records
        ``sending`` first. Raise :class:`Undeliverable` when nothing can go."""
        ...

    def drop(self) -> None:
        """Forget the connection at once (a stop signal: no goodbye)."""
        ...

    def close(self) -> None:
        """End the connection politely, waiting a few seconds at most."""
        ...


class DeliverySettings(Protocol):
    """What the shared send loop reads of a channel's settings."""

    @property
    def limits(self) -> Limits: ...
    @property
    def retries(self) -> int: ...
    @property
    def retry_delay(self) -> float: ...
    @property
    def max_attachment_bytes(self) -> int: ...
    @property
    def destination(self) -> str: ...  # where messages go, as messages name it
    @property
    def identity(self) -> str: ...  # who sends, as messages name it


@dataclass(frozen=True)
class Prepared:
    """One recipient's message as its draft file holds it, and its id for the log."""

    draft: bytes
    message_id: str


class Composer(Protocol):
    """Prepares each recipient's message; holds nothing of one after returning it."""

    def prepare(
        self, recipient: Recipient, pdf: bytes, attachment_sha256: str, when: float
    ) -> tuple[Prepared | None, list[Problem]]: ...


@dataclass(frozen=True)
class Letter:
    """What a channel's composer is given about the mailing."""

    project: Project
    brief: BriefSpec  # the letter brief
    # The title of the brief behind the letter, by the readers' language: the brief's
    # edition in their language where the project has one (mail/accompany.py).
    brief_titles: Mapping[str, str]
    brand: Brand


Ask = Callable[[str], str]


@dataclass(frozen=True)
class Channel:
    """One way of delivering a mailing's letters."""

    name: str
    summary: str  # one line: what it delivers, and through what
    draft_suffix: str  # the drafts' file ending (".eml")
    # The channel's settings in briefpress.yaml: their problems for ``check``, and the
    # checked settings (``sending``: all a real send needs, not only what drafts need).
    config_problems: Callable[[Project], list[Problem]]
    settings: Callable[[Project, bool], tuple[DeliverySettings | None, list[Problem]]]
    composer: Callable[[Letter, DeliverySettings], Composer]
    addresses: Callable[[Recipient], tuple[str, ...]]  # where a recipient's message goes
    # The secret a transport needs (from the environment, or asked for), or None.
    credentials: Callable[[DeliverySettings, Mapping[str, str], Ask | None], str | None]
    transport: Callable[[DeliverySettings, str | None], Transport]
    describe: Callable[[DeliverySettings], str]  # "server: host:port (starttls), from ..."

"""What a send tells its caller as it goes, and why it stopped: typed, not words.

The command line turns these into a progress bar and lines for a script's log, the studio
into its page; neither parses text, and a new kind of event is a new member here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefpress.channels.drafts import Item


class EventKind(enum.Enum):
    SENT = "sent"  # the other side took the message
    FAILED = "failed"  # refused for good
    DEFERRED = "deferred"  # refused for now, every try: the next run tries again
    UNKNOWN = "unknown"  # may or may not have arrived: never sent again by itself
    RETRY = "retry"  # refused for now: offered again later in this run
    RECONNECT = "reconnect"  # nothing could be reached: trying again
    WAIT = "wait"  # waiting for the per-minute limit

    @property
    def settles(self) -> bool:
        """Whether the event is the last word on its message in this run."""
        return self in (EventKind.SENT, EventKind.FAILED, EventKind.DEFERRED, EventKind.UNKNOWN)


@dataclass(frozen=True)
class SendEvent:
    """One thing that happened to one message."""

    kind: EventKind
    item: Item
    answer: str  # the other side's words, or how long a wait is


OnEvent = Callable[[SendEvent], None]


class StopReason(enum.Enum):
    """Why a run stopped before every message was taken."""

    LIMIT = "limit"  # a provider's limit: the next run, later, goes on (not a failure)
    UNREACHABLE = "unreachable"  # the other side could not be reached, after every retry
    SENDER_REFUSED = "sender refused"  # the sender is refused: no message can go

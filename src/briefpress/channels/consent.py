"""The consent rule: nothing is sent without a yes; without one, a send is a dry run.

A first look must never mail anyone, and a script must never be stopped by a question it
cannot answer. So a send that was not told ``yes`` asks when a person is there to answer
(a terminal, the studio's button) and is otherwise a dry run: the drafts and the plan are
written, nothing leaves. The rule lives here, below every channel and every caller, and
:meth:`briefpress.channels.send.Send.send` refuses to send without :attr:`Consent.GIVEN`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from briefpress.core.errors import BriefpressError, Location, Problem


class Consent(enum.Enum):
    DRY_RUN = "dry run"  # drafts and plan only
    ASK = "ask"  # a person is there: ask them, once the plan is known
    GIVEN = "given"  # told yes (--yes, or the person answered yes)


def consent(dry_run: bool, yes: bool, can_ask: bool) -> Consent:
    """What the caller's flags allow: a dry run wins, then a yes, then asking a person who
    is there; no yes and no one to ask is a dry run."""
    if dry_run:
        return Consent.DRY_RUN
    if yes:
        return Consent.GIVEN
    return Consent.ASK if can_ask else Consent.DRY_RUN


def answered(given: Consent, ask: Callable[[], bool]) -> Consent:
    """The consent once the person was asked (``ask`` shows the plan's question)."""
    if given is not Consent.ASK:
        return given
    return Consent.GIVEN if ask() else Consent.DRY_RUN


def require(given: Consent) -> None:
    """Stop a send that was not given a yes."""
    if given is not Consent.GIVEN:
        where = Location("briefpress")
        raise BriefpressError([Problem(where, "nothing sent: sending needs a yes (--yes)")])

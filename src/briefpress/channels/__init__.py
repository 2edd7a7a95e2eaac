"""The channel registry: every module (or package) here that declares ``CHANNEL`` is one.

Adding a channel is adding one module that declares a :class:`Channel` (and its
templates): ``briefpress send --channel``, ``check`` and the studio find it here, and the
shared send machinery (consent, drafts, the send log, limits, the send loop) drives it
through what it declares, never by its name.
"""

from __future__ import annotations

import functools

from briefpress.channels.base import DEFAULT_CHANNEL, Channel
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.registry import declared

__all__ = ["DEFAULT", "Channel", "get", "names", "registry"]

DEFAULT = DEFAULT_CHANNEL


@functools.cache
def registry() -> dict[str, Channel]:
    """Every channel, by name, sorted by name."""
    found = declared(__name__, __path__, "CHANNEL", Channel)
    return {c.name: c for c in sorted(found, key=lambda c: c.name)}


def names() -> tuple[str, ...]:
    return tuple(registry())


def get(name: str = DEFAULT) -> Channel:
    """The channel called ``name``; a plain error naming the others when there is none."""
    found = registry().get(name)
    if found is None:
        known = ", ".join(names())
        raise BriefpressError([Problem(Location("--channel"), f"no channel {name!r}", known)])
    return found

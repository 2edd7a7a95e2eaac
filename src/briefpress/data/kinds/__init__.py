"""The kind registry: every module in this package that declares ``KIND`` is one.

Adding a kind of brief is adding a module here, a template ``<kind>.html.j2`` and a
stylesheet ``<kind>.css`` in the theme: selection, validation, rendering, the page
budget, ``briefpress new`` and the gallery look the kind up here.
"""

from __future__ import annotations

import functools

from briefpress.core.registry import declared
from briefpress.data.kinds.base import Kind
from briefpress.data.model import BriefSpec

__all__ = ["Kind", "get", "is_mailed", "names", "page_budget", "registry"]


@functools.cache
def registry() -> dict[str, Kind]:
    """Every kind, by name, in the order ``briefpress new`` offers them."""
    found = declared(__name__, __path__, "KIND", Kind)
    return {k.name: k for k in sorted(found, key=lambda k: (k.order, k.name))}


def names() -> tuple[str, ...]:
    return tuple(registry())


def get(name: str) -> Kind | None:
    """The kind called ``name``; None for an unknown one (validation reports it)."""
    return registry().get(name)


def is_mailed(brief: BriefSpec) -> bool:
    """Whether a brief is of a kind a mailing sends, one per recipient (a letter)."""
    kind = get(brief.kind)
    return kind is not None and kind.mailed


def page_budget(brief: BriefSpec) -> int | None:
    """The pages a brief may take: its spec's max_pages, else its kind's budget."""
    kind = get(brief.kind)
    return brief.max_pages or (kind.page_budget if kind else None)

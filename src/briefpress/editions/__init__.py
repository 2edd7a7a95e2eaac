"""The edition registry: every module in this package that declares ``EDITION`` is one.

Adding an edition is adding a module here (and its templates in the theme): the builder,
the cache, the gallery, the live preview, ``build --edition``, ``list`` and
``check --preflight`` find it by looking the registry up, never by its name in code.
"""

from __future__ import annotations

import functools
from pathlib import Path

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.registry import declared
from briefpress.data.load import Project
from briefpress.editions.base import Edition, Finishing, Outcome
from briefpress.render.medium import Medium

__all__ = [
    "Edition",
    "Finishing",
    "Outcome",
    "default",
    "expand",
    "get",
    "medium",
    "names",
    "registry",
]


@functools.cache
def registry() -> dict[str, Edition]:
    """Every edition, by name, in its declared order."""
    found = declared(__name__, __path__, "EDITION", Edition)
    return {e.name: e for e in sorted(found, key=lambda e: (e.order, e.name))}


def names() -> tuple[str, ...]:
    return tuple(registry())


def pdf_editions() -> tuple[Edition, ...]:
    """The editions that make a PDF of each brief, in order."""
    return tuple(e for e in registry().values() if e.is_pdf)


def default() -> Edition:
    """The edition made when none is named (the one read on screen)."""
    return next(e for e in registry().values() if e.default)


def get(name: str) -> Edition:
    """The edition called ``name``; a plain error naming the others when there is none."""
    found = registry().get(name)
    if found is None:
        known = ", ".join(names())
        raise BriefpressError([Problem(Location("--edition"), f"no edition {name!r}", known)])
    return found


def expand(wanted: tuple[str, ...]) -> tuple[str, ...]:
    """``wanted`` with the editions they need, in the registry's order (``all``: every one)."""
    if "all" in wanted:
        return names()
    chosen: set[str] = set()
    pending = list(wanted)
    while pending:
        name = pending.pop()
        if name not in chosen:
            chosen.add(name)
            pending.extend(get(name).needs)
    return tuple(n for n in names() if n in chosen)


def output_path(project: Project, brief_id: str, edition: str, suffix: str | None = None) -> Path:
    """Where ``edition`` writes brief ``brief_id`` (``suffix`` ``.html``: its HTML)."""
    return get(edition).output(project.out_dir, brief_id, suffix)


def medium(name: str) -> Medium:
    """How edition ``name`` renders (what render_brief and the PDF stage take)."""
    return get(name).medium

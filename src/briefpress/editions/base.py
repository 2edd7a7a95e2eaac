"""What an edition declares: one :class:`Edition` value in one module of this package.

An edition is a way of publishing every brief: a PDF read on screen, a PDF for the print
shop, a web site. Its module says where its files go under ``out/``, how the render stage
renders for it (its :class:`~briefpress.render.medium.Medium`), what turns the rendered
HTML into its file (the PDF stage in warm workers, or a function), what checks its files
(``check --preflight``), and what runs once after a build (a web site's index). The
builder, the cache, the gallery, the live preview, ``list`` and ``check`` read these
values and never an edition's name, as Sphinx's builders or WeasyPrint's PDF variants
are looked up by name in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from briefpress.core.errors import Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec
from briefpress.pdf.preflight import Preflight
from briefpress.render.html import Rendered
from briefpress.render.medium import Medium


class Outcome(Protocol):
    """What a finisher reads of one brief's build in one edition (a build's result)."""

    @property
    def brief(self) -> BriefSpec: ...
    @property
    def edition(self) -> str: ...
    @property
    def output(self) -> Path: ...
    @property
    def written(self) -> bool: ...


@dataclass(frozen=True)
class Finishing:
    """What an edition's finisher is given once the briefs are built."""

    project: Project
    outcomes: Sequence[Outcome]  # every edition's, this run
    full: bool  # every brief of the project was built (not only some named ones)


Renderer = Callable[[Rendered], bytes]
Finisher = Callable[[Finishing], list[Problem]]


@dataclass(frozen=True)
class Edition:
    """One edition: how every brief is published in it."""

    medium: Medium  # what the render and PDF stages need; medium.name is the edition's
    summary: str  # one line for ``--help``: what it makes and where
    label: str  # a download's label in the gallery ("Screen PDF")
    order: int  # its place in listings and in a build (lower first)
    suffix: str = ".pdf"  # its file per brief: out/<folder>/<id><suffix>
    default: bool = False  # what build, serve, letters and send make when not told
    renderer: Renderer | None = None  # rendered HTML to the file; None: the PDF stage
    preflight: Preflight | None = None  # checks of a built file (check --preflight)
    finisher: Finisher | None = None  # once after a build: an index, copied assets
    needs: tuple[str, ...] = ()  # editions built with it (a web page links the PDFs)
    thumbnails: bool = False  # the first page of each brief's PDF as a picture, first

    @property
    def name(self) -> str:
        return self.medium.name

    @property
    def is_pdf(self) -> bool:
        return self.renderer is None

    def output(self, out_dir: Path, brief_id: str, suffix: str | None = None) -> Path:
        """Where this edition writes a brief (``suffix`` ``.html`` for its HTML)."""
        return out_dir / self.medium.folder / f"{brief_id}{suffix or self.suffix}"

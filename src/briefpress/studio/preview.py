"""Previews: one brief built on request with the live preview's warm builder.

The builder keeps the Jinja environment and WeasyPrint's renderer (fonts loaded) for
as long as the studio runs, and the content-hash cache skips a brief whose HTML did
not change; only the brief asked for is built, never the project's others first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from briefpress import editions
from briefpress.build.gallery import BriefCard
from briefpress.core.errors import Problem
from briefpress.live.watch import Affected, LiveBuilder


@dataclass
class Preview:
    """The outcome of building one brief for its preview."""

    card: BriefCard | None
    pdf: Path | None  # None: no current PDF to show (the brief failed)
    problems: list[Problem] = field(default_factory=list)


class Previewer:
    """One builder for the whole project ("Build all briefs") and one per brief previewed,
    which loads and checks only that brief and leaves the gallery alone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builder = LiveBuilder(root, (editions.default().name,), strict=False, only=None)
        self.single: dict[str, LiveBuilder] = {}
        self.lock = threading.Lock()
        self.writing = threading.Lock()
        self.warmed = threading.Event()

    def warm(self) -> None:
        """Fonts and WeasyPrint loaded before the first preview is asked for."""
        self.builder.warm()
        self.warmed.set()

    def of(self, brief_id: str) -> LiveBuilder:
        with self.lock:
            if brief_id not in self.single:
                if not (self.root / "briefs" / f"{brief_id}.yaml").is_file():
                    return self.builder
                self.single[brief_id] = LiveBuilder(
                    self.root, (editions.default().name,), only=[brief_id]
                )
            return self.single[brief_id]

    def pdf(self, brief_id: str) -> Path:
        return self.builder.pdf(brief_id)

    def build(self, brief_id: str) -> Preview:
        """Build ``brief_id`` now (a no-op when nothing it shows changed)."""
        builder = self.of(brief_id)
        with self.writing:  # never while "Build all" writes the same files
            builder.rebuild(Affected(briefs={brief_id}))
        card = builder.card(brief_id)
        if card is None:
            return Preview(None, None)
        pdf = builder.pdf(brief_id)
        current = card.status == "built" and pdf.is_file()
        return Preview(card, pdf if current else None, list(card.problems))

    def build_all(self) -> dict[str, object]:
        """``briefpress build`` from the page: every brief, each fresh one skipped."""
        with self.writing:
            outcome = self.builder.rebuild(Affected.all())
        cards, shared = self.builder.snapshot()
        return {
            "seconds": round(outcome.seconds, 2),
            "briefs": [
                {
                    "id": c.id,
                    "status": c.status,
                    "pages": c.pages,
                    "problems": [str(p) for p in c.problems],
                }
                for c in cards
            ],
            "problems": [str(p) for p in shared],
        }

"""What a build produced for one brief and edition, and where its files go.

Kept apart from the builder so that the gallery, the watcher and the CLI can read results
without importing the build machinery (and the builder can publish the gallery).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefpress import editions
from briefpress.core.errors import Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec


@dataclass
class BriefResult:
    brief: BriefSpec
    edition: str
    output: Path
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    fresh: bool = False  # skipped: nothing it depends on changed
    # Problems outside its own rendering (shared report data, its spec) that kept it from
    # being rendered at all; told once for every brief they stop, so kept apart.
    stopped_by: list[Problem] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        return (
            bool(self.stopped_by)
            or any(p.is_error or strict for p in self.problems)
            or (not self.written)
        )


def output_path(project: Project, brief_id: str, edition: str, suffix: str | None = None) -> Path:
    """Where ``edition`` writes a brief (``suffix`` ``.html``: the HTML beside its PDF)."""
    return editions.output_path(project, brief_id, edition, suffix)

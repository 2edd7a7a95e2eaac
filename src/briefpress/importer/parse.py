"""From a report file to a :class:`~briefpress.importer.draft.Draft`."""

from __future__ import annotations

from pathlib import Path

from briefpress.core.errors import Problem
from briefpress.importer.draft import Draft
from briefpress.importer.quotes import collect_places, find_quotes, load_patterns
from briefpress.importer.source import Source, read
from briefpress.importer.structure import find_footnotes, find_recommendations, find_sections
from briefpress.source.text import fold_space

RECOMMENDATIONS_TITLE = "recommendation"


def parse(path: Path, project_root: Path, report_id: str) -> tuple[Draft, list[Problem]]:
    """Read ``path`` and find every record; problems are the project's patterns'."""
    patterns, problems = load_patterns(project_root)
    source = read(path)
    draft = Draft(report_id, path.name, _title(source))
    subsections = find_sections(source, draft)
    find_footnotes(source, draft)
    find_quotes(source, draft, patterns, subsections)
    collect_places(draft)
    find_recommendations(source, draft, RECOMMENDATIONS_TITLE)
    if not draft.sections:
        draft.note(path.name, "no numbered sections found: every record is in section ''")
    return draft, problems


def _title(source: Source) -> str | None:
    """The report's title: a Word "Title" paragraph, or the running title."""
    for line in source.lines:
        if line.style == "Title":
            return fold_space(line.raw)
    titles = sorted(source.split.running_titles, key=len, reverse=True)
    return titles[0] if titles else None

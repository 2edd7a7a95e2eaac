"""From a report file to a :class:`~briefpress.importer.draft.Draft`."""

from __future__ import annotations

from pathlib import Path

from briefpress.core.errors import Problem
from briefpress.importer.draft import TO_WRITE, Draft, Footnote, Literature, Quote, Section
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
    _front_section(source, draft)
    return draft, problems


def _front_section(source: Source, draft: Draft) -> None:
    """Give records before the first numbered section (or in a report with
    none) a section of their own, "0", titled as its heading if it has one:
    a record's section is never empty."""
    records: list[Quote | Literature | Footnote] = [
        *draft.quotes,
        *draft.literature,
        *draft.footnotes,
    ]
    front = [record for record in records if not record.section]
    if not front:
        return
    title = _front_title(source, draft)
    draft.sections.insert(0, Section("0", title or TO_WRITE, 0))
    for record in front:
        record.section = "0"
    for quote in draft.quotes:
        if quote.section == "0":
            quote.id = "q0-" + quote.id.split("-", 1)[1]
    what = "no numbered sections" if len(draft.sections) == 1 else "text before section 1"
    draft.note(
        "report.yaml (sections)",
        f"{what}: {len(front)} record(s) are in section 0"
        + ("" if title else ", whose title is for you to write"),
    )


def _front_title(source: Source, draft: Draft) -> str | None:
    """The heading the report prints before its first record, if any."""
    for line in source.lines[:3]:
        text = fold_space(line.raw)
        if line.style.startswith("Heading") or (
            not source.styled and 0 < len(text) <= 60 and not text.endswith((".", ":", ","))
        ):
            return text if text != draft.title else None
    return None


def _title(source: Source) -> str | None:
    """The report's title: a Word "Title" paragraph, or the running title."""
    for line in source.lines:
        if line.style == "Title":
            return fold_space(line.raw)
    titles = sorted([*source.running, *source.split.running_titles], key=len, reverse=True)
    return titles[0] if titles else None

"""From a report file to a :class:`~briefpress.importer.draft.Draft`."""

from __future__ import annotations

import re
from pathlib import Path

from briefpress.core.errors import Problem
from briefpress.importer.draft import TO_WRITE, Draft, Footnote, Literature, Quote, Section
from briefpress.importer.organisations import collect_places
from briefpress.importer.patterns import load_patterns
from briefpress.importer.quotes import find_quotes
from briefpress.importer.source import Source, read
from briefpress.importer.structure import find_footnotes, find_recommendations, find_sections
from briefpress.source.text import fold_space

# The start of the word a recommendations section's title has, in common languages.
RECOMMENDATIONS_TITLE = ("recom", "empfehlung", "raccomand", "aanbevel")
# A few of each language's commonest words: enough to tell a report's language.
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "que", "pour", "dans"},
    "es": {"el", "la", "los", "las", "y", "que", "en", "por", "una", "con"},
    "pt": {"o", "os", "as", "e", "que", "não", "uma", "com", "para", "em"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "zu"},
    "it": {"il", "gli", "e", "che", "di", "non", "una", "per", "con", "della"},
}


def parse(path: Path, project_root: Path, report_id: str) -> tuple[Draft, list[Problem]]:
    """Read ``path`` and find every record; problems are the project's patterns'."""
    patterns, problems = load_patterns(project_root)
    source = read(path)
    draft = Draft(report_id, path.name, _title(source), language=language_of(source.plain))
    subsections = find_sections(source, draft)
    find_footnotes(source, draft)
    find_quotes(source, draft, patterns, subsections)
    collect_places(draft)
    find_recommendations(source, draft, RECOMMENDATIONS_TITLE)
    _front_section(source, draft)
    draft.text = source.reading()
    return draft, problems


def language_of(text: str) -> str:
    """The language most of the text's commonest words belong to (English if unsure)."""
    words = re.findall(r"[^\W\d_]+", text[:200_000].lower())
    counts = {
        language: sum(1 for word in words if word in common)
        for language, common in _STOPWORDS.items()
    }
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > counts["en"] * 1.2 else "en"


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
    """The heading the report prints before its first record, if any (not its title)."""
    for line in source.lines[:3]:
        text = fold_space(line.raw)
        if text == draft.title or line.style == "Title":
            continue
        if line.style.startswith("Heading") or (
            not source.styled and 0 < len(text) <= 60 and not text.endswith((".", ":", ","))
        ):
            return text
    return None


def _title(source: Source) -> str | None:
    """The report's title: a "Title" paragraph (Word's, or a PDF's largest first
    lines), the running title, or a text file's first line if it reads as one."""
    printed = [fold_space(line.raw) for line in source.lines if line.style == "Title"]
    if printed:
        return " ".join(printed)
    titles = sorted([*source.running, *source.split.running_titles], key=len, reverse=True)
    if titles:
        return titles[0]
    first = fold_space(source.lines[0].raw) if source.lines and not source.styled else ""
    if 0 < len(first) <= 150 and not first.endswith((".", ",", ";")) and first[:1].isupper():
        return first
    return None

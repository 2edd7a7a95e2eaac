"""Sections, subsections, footnotes and recommendations of a report.

Reports number their sections ("4.1 Stigma and Discrimination", "Section 2.
Methodology"); the numbers only grow, which tells a heading from a numbered
list item or a year at a line start.  Subsection headings are short lines
ending in a colon ("Policing practices:") or, in a Word document, headings
without a number.  Recommendations are the numbered items, with lettered
parts, of the section whose title says so.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from briefpress.importer.draft import Draft, Footnote, Part, Recommendation, Section, Subsection
from briefpress.importer.source import Source
from briefpress.source.clean import unmark
from briefpress.source.text import fold_space

_HEADING = re.compile(r"(?:Section\s+|Chapter\s+)?(\d{1,2}(?:\.\d{1,2})?)[.:]?\s+(\S.*)")
_HEADING_MAX_CHARS = 80
_HEADING_CONTINUES = ("-", "–", "—", "&", ",")
_SUBSECTION_MAX_WORDS = 8
_SUBSECTION_MAX_CHARS = 60
# The heading of a report's endnotes or references, which ends its last section.
_NOTES_HEADING = re.compile(
    r"(?:end)?notes|notas|références|references|referencias|bibliograph(?:y|ie)|sources",
    re.IGNORECASE,
)
_ITEM = re.compile(r"\s*(\d{1,2})[.)]\s+")
_PART = re.compile(r"\s*([a-z])[.)]\s+")
_NOTE_START = re.compile(r"(\d{1,3})\.\s+")
_MARKED_URL = re.compile("(?:https?://|www\\.)[^\\s()<>]*[^\\s()<>.,;:'\"”’]")
# The rest of a web address that a text dump split with a space inside its host name
# ("https://www.hr dp.org/files/..."): a host-name tail, then a path.
_URL_REST = re.compile("[ ]([a-z0-9-]+\\.[a-z]{2,}/[^\\s()<>]*[^\\s()<>.,;:'\"”’])")


def _is_heading_style(style: str) -> bool:
    return style.startswith("Heading") or style == "Title"


def _section_candidate(text: str) -> tuple[str, str] | None:
    """(number, title) if a line reads like a numbered heading."""
    match = _HEADING.fullmatch(fold_space(text))
    if match is None or len(text.strip()) > _HEADING_MAX_CHARS:
        return None
    title = match.group(2).strip()
    if not title[:1].isupper() or title.endswith((".", ";", ":", ",")):
        return None
    return match.group(1), title


def _follows(number: str, last: list[int]) -> bool:
    """Whether section ``number`` may come after the sections so far."""
    parts = [int(p) for p in number.split(".")]
    if len(parts) == 1:
        top = last[0] if last else 0
        return top < parts[0] <= top + 2
    if not last or parts[0] != last[0]:
        return False
    sub = last[1] if len(last) > 1 else 0
    return sub < parts[1] <= sub + 2


def find_sections(source: Source, draft: Draft) -> list[Subsection]:
    """Fill ``draft.sections``; return the subsection headings found."""
    subsections: list[Subsection] = []
    last: list[int] = []
    skip = heading_line = -1
    for index, line in enumerate(source.lines):
        if index <= skip:
            continue
        text = source.line_text(index)
        start, _ = source.line_span(index)
        candidate = _section_candidate(line.raw)
        if (
            candidate is not None
            and _follows(candidate[0], last)
            and (not source.styled or _is_heading_style(line.style))
        ):
            number, title = candidate
            while title.endswith(_HEADING_CONTINUES) and index + 1 < len(source.lines):
                index += 1
                skip = index
                title = f"{title} {fold_space(source.lines[index].raw)}"
            draft.sections.append(Section(number, fold_space(title), start))
            last = [int(p) for p in number.split(".")]
            heading_line = index
            continue
        if source.styled and _is_heading_style(line.style) and line.style != "Title":
            if last:
                subsections.append(Subsection(fold_space(text).rstrip(":"), start))
            continue
        if _is_subsection(source, index, text, index - 1 == heading_line):
            subsections.append(Subsection(fold_space(text)[:-1].rstrip(), start))
    return subsections


def _is_subsection(source: Source, index: int, text: str, after_heading: bool) -> bool:
    """A short line ending in a colon, after a heading or a sentence's end.

    A line introducing a quote ("As one respondent put it:") is short too,
    but rarely without a comma.
    """
    text = text.strip()
    if not text.endswith(":") or len(text) > _SUBSECTION_MAX_CHARS or "," in text:
        return False
    if len(text.split()) > _SUBSECTION_MAX_WORDS or not text[:1].isupper():
        return False
    previous = source.line_text(index - 1).rstrip() if index else ""
    return after_heading or not previous or previous.endswith((".", "!", "?", ")"))


def section_at(sections: list[Section], offset: int) -> str:
    """The id of the section holding a plain offset ("" before the first)."""
    starts = [s.start for s in sections]
    index = bisect.bisect_right(starts, offset) - 1
    return sections[index].id if index >= 0 else ""


def subsection_at(
    subsections: list[Subsection], sections: list[Section], offset: int
) -> str | None:
    """The subsection heading holding an offset, within its section."""
    index = bisect.bisect_right([s.start for s in subsections], offset) - 1
    if index < 0:
        return None
    heading = subsections[index]
    section_starts = [s.start for s in sections if s.start <= offset]
    if section_starts and section_starts[-1] > heading.start:
        return None
    return heading.title


def find_footnotes(source: Source, draft: Draft) -> None:
    """Fill ``draft.footnotes`` from the normaliser's footnote blocks.

    A footnote's section is the one its reference sits in, or where the
    block is printed when no reference is found.
    """
    references = _references(source)
    raw_to_body = {raw: index for index, raw in enumerate(source.split.body)}
    for raw_index, marked in source.footnotes():
        match = _NOTE_START.match(marked)
        if match is None:
            continue
        number = int(match.group(1))
        citation = unmark(marked[match.end() :], source.words)
        url = _footnote_url(marked, source, draft, number)
        if number in references:
            section = section_at(draft.sections, references[number])
        else:
            before = [b for raw, b in raw_to_body.items() if raw < raw_index]
            start = source.line_span(max(before))[0] if before else 0
            section = section_at(draft.sections, start)
            draft.note("sources.yaml", f"footnote {number} is printed but no reference to it found")
        draft.footnotes.append(Footnote(number, citation, url, section or _first(draft)))
    found = {f.number for f in draft.footnotes}
    for number in sorted(set(references) - found):
        draft.note(
            "sources.yaml",
            f"footnote {number} is referenced in section "
            f"{section_at(draft.sections, references[number]) or '?'} but not found in the text",
        )


def _footnote_url(marked: str, source: Source, draft: Draft, number: int) -> str | None:
    """A footnote's first web address; one split by a space inside its host name is joined
    again and put on the review list (the citation keeps the text as printed)."""
    match = _MARKED_URL.search(marked)
    if match is None:
        return None
    url = match.group(0)
    rest = _URL_REST.match(marked, match.end())
    if rest is not None and "/" not in url.split("://", 1)[-1]:
        url += rest.group(1)
        draft.note(
            "sources.yaml",
            f"footnote {number}: its web address is printed with a space in the host name; "
            "the url joins the two parts: check it",
        )
    return unmark(url, source.words).replace(" ", "")


def _first(draft: Draft) -> str:
    return draft.sections[0].id if draft.sections else ""


def _references(source: Source) -> dict[int, int]:
    """Footnote numbers referenced in the body, with the plain offset of the first."""
    found: dict[int, int] = {}
    for match in re.finditer("\x03(\\d+)\x04", source.plain):
        found.setdefault(int(match.group(1)), match.start())
    return found


def find_recommendations(source: Source, draft: Draft, title_words: tuple[str, ...]) -> None:
    """Fill ``draft.recommendations`` from the numbered items of the section whose
    title has one of ``title_words`` ("recom" finds "Recommandations")."""
    wanted = [s for s in draft.sections if any(w in s.title.lower() for w in title_words)]
    if not wanted:
        return
    section = wanted[-1]
    after = [s.start for s in draft.sections if s.start > section.start]
    after += [
        source.line_span(index)[0]
        for index in range(source.line_at(section.start) + 1, len(source.lines))
        if _NOTES_HEADING.fullmatch(source.line_text(index).strip())
    ]
    end = min(after) if after else len(source.plain)
    current: Recommendation | None = None
    for kind, key, start, stop in _items(source, section.start, end):
        text = source.cut(start, stop)
        if kind == "item":
            current = Recommendation(key, text)
            draft.recommendations.append(current)
        elif current is not None:
            current.parts.append(Part(key, text))


def _items(source: Source, start: int, end: int) -> Iterator[tuple[str, str, int, int]]:
    """(kind, number or letter, text start, text end) for each item and part."""
    heads: list[tuple[str, str, int, int]] = []  # kind, key, line index, text start
    number, letter = 0, ""
    for index in range(source.line_at(start) + 1, len(source.lines)):
        line_start, _ = source.line_span(index)
        if line_start >= end:
            break
        text = source.line_text(index)
        item, part = _ITEM.match(text), _PART.match(text)
        if item and int(item.group(1)) == number + 1:
            number, letter = number + 1, ""
            heads.append(("item", item.group(1), index, line_start + item.end()))
        elif part and number and part.group(1) == (chr(ord(letter) + 1) if letter else "a"):
            letter = part.group(1)
            heads.append(("part", letter, index, line_start + part.end()))
    for position, (kind, key, index, text_start) in enumerate(heads):
        last = heads[position + 1][2] - 1 if position + 1 < len(heads) else None
        yield kind, key, text_start, _item_end(source, index, last, end)


def _item_end(source: Source, index: int, last: int | None, end: int) -> int:
    """Where an item's text ends: before the next item, at the section end, or
    at the end of a paragraph that the item's own lines close."""
    cursor = index
    while True:
        _, line_end = source.line_span(cursor)
        if last is not None and cursor >= last:
            return line_end
        if cursor + 1 >= len(source.lines) or source.line_span(cursor + 1)[0] >= end:
            return min(line_end, end)
        if (
            last is None
            and source.line_text(cursor).rstrip().endswith((".", "!"))
            and (source.ends_paragraph(cursor))
        ):
            return line_end
        cursor += 1

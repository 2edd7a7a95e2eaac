"""Attributions found by how they are set, not by their words.

Other organisations do not write "(Respondent from X [Country])".  What their reports
share is the setting: a quotation set apart (Word's Quote styles, an indented or italic
block in a PDF, a paragraph in quotation marks in a text file) followed by a short line
that starts with a dash ("— Woman wheelchair user, 34, Amman"), stands in parentheses
("(Interview, disabled persons' organisation, Tunis)") or is set flush right.  That line
is the attribution; the quotation's paragraphs above it, each perhaps reopening with a
quotation mark, are the quote.  The attribution's parts are told apart: a descriptor
of the respondent, an age, an organisation, a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefpress.importer.source import Source

__all__ = ["Parts", "SetApart", "is_kind", "parts", "set_apart"]

_DASH = re.compile(r"[—–―-]\s*(?P<text>[^\s—–].{1,150})", re.DOTALL)
# A short line set flush right under a quote, with neither dash nor parentheses.
_RIGHT = re.compile(r"(?P<text>[^\s“”«»\"].{1,120})", re.DOTALL)
_PAREN = re.compile(r"\((?P<text>[^()]{3,150})\)")
_AGE = re.compile(
    r"(?:aged?\s+)?\d{1,3}(?:\s*(?:ans|years?(?:\s+old)?|yrs?|años|anos|jahre|anni))?",
    re.IGNORECASE,
)
_KINDS = re.compile(
    r"(?:interview|entretien|entrevista|interview with|focus group|group discussion|"
    r"respondent|participant|interviewee|répondant|participante?|"
    r"groupe de discussion|testimony|témoignage|survey response)s?",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"\b(?:organi[sz]ation|association|network|collective|federation|union|council|"
    r"committee|coalition|alliance|foundation|society|group|NGO|réseau|collectif|"
    r"fédération|syndicat|comité|asociación|organización|red|colectivo)s?\b",
    re.IGNORECASE,
)
OPENING = ("“", "«", '"', "„", "‘", "‹")
CLOSING = ("”", "»", '"', "“", "’", "›")
QUOTE_STYLES = ("Quote", "Intense Quote", "Block Quote", "Block Text")
_MAX_PARAGRAPHS = 6
_MAX_LINES = 2  # an attribution wraps onto at most this many more lines (narrow columns)


def is_kind(text: str) -> bool:
    """Whether a part says how words were gathered ("Interview", "Entretien")."""
    return bool(_KINDS.fullmatch(text.strip()))


@dataclass(frozen=True)
class Parts:
    """What an attribution says, part by part (None where it says nothing)."""

    descriptor: str | None
    age: int | None
    organisation: str | None
    place: str | None


def parts(text: str) -> Parts:
    """Tell the comma-separated parts of an attribution apart.

    The last part is the place when it is capitalised; a part naming a kind of
    organisation is the organisation; a number (with "years", "ans") is the
    age; "Interview" and its kin say how the words were gathered and are
    skipped; what remains first is the descriptor of the respondent.
    """
    pieces = [piece.strip() for piece in text.split(",") if piece.strip()]
    age = organisation = place = descriptor = None
    if len(pieces) > 1 and pieces[-1][:1].isupper() and not _AGE.fullmatch(pieces[-1]):
        place = pieces.pop()
    for piece in pieces:
        if _AGE.fullmatch(piece) and age is None:
            age = int(re.search(r"\d+", piece).group(0))  # type: ignore[union-attr]
        elif _KINDS.fullmatch(piece):
            continue
        elif organisation is None and _ORGANISATION.search(piece):
            organisation = piece
        elif descriptor is None:
            descriptor = piece
    return Parts(descriptor, age, organisation, place)


@dataclass(frozen=True)
class SetApart:
    """A quotation set apart and the attribution line under it (plain offsets)."""

    start: int  # the attribution line
    end: int
    text: str  # the attribution's words, without the dash or parentheses
    text_span: tuple[int, int]
    paragraphs: tuple[tuple[int, int], ...]  # the quote's paragraphs, marks trimmed


def _paragraph_starts(source: Source) -> list[int]:
    """The index of the first line of each paragraph, for every line."""
    starts: list[int] = []
    for index in range(len(source.lines)):
        new = index == 0 or not source.styled or source.lines[index - 1].last
        starts.append(index if new else starts[-1])
    return starts


def _is_quoted(source: Source, first: int) -> bool:
    """Whether the paragraph starting at line ``first`` is a quotation set apart."""
    text = source.line_text(first).lstrip()
    return source.lines[first].style in QUOTE_STYLES or text.startswith(OPENING)


def set_apart(source: Source, floor_of: list[int]) -> list[SetApart]:
    """Every attribution line under a quotation set apart, with the quote's paragraphs.

    ``floor_of`` gives, for each line, the plain offset no quote may start
    before (its section's or subsection's heading).
    """
    starts = _paragraph_starts(source)
    found: list[SetApart] = []
    previous_end = 0
    for index in range(1, len(source.lines)):
        if starts[index] != index:
            continue  # an attribution is a paragraph of its own, of a line or three
        last = index
        while source.styled and not source.lines[last].last and last - index < _MAX_LINES:
            last += 1
        if source.styled and not source.lines[last].last:
            continue
        line_start, line_end = source.line_span(index)[0], source.line_span(last)[1]
        text = source.plain[line_start:line_end]
        match = (
            _DASH.fullmatch(text.strip())
            or _PAREN.fullmatch(text.strip())
            or (_RIGHT.fullmatch(text.strip()) if source.lines[index].style == "right" else None)
        )
        if match is None or not _is_quoted(source, starts[index - 1]):
            continue
        offset = line_start + len(text) - len(text.lstrip())
        span = (offset + match.start("text"), offset + match.end("text"))
        floor = max(previous_end, floor_of[index])
        paragraphs = _quote_paragraphs(source, starts, index, floor)
        if not paragraphs:
            continue
        words = source.cut(*span)
        found.append(SetApart(line_start, line_end, words, span, paragraphs))
        previous_end = line_end
    return found


def _quote_paragraphs(
    source: Source, starts: list[int], index: int, floor: int
) -> tuple[tuple[int, int], ...]:
    """The quote's paragraphs above the attribution line ``index``: back while they
    are set apart and above ``floor`` and each reopens with a quotation mark (as
    the paragraphs of a quotation do), stopping at one that closes a quotation."""
    spans: list[tuple[int, int]] = []
    last = index - 1
    while last >= 0 and len(spans) < _MAX_PARAGRAPHS:
        first = starts[last]
        start, end = source.line_span(first)[0], source.line_span(last)[1]
        if start < floor or not _is_quoted(source, first):
            break
        if spans and source.plain[start:end].rstrip().endswith((*CLOSING[:2], ")")):
            break  # a quotation closed, or attributed: not the start of this one
        spans.insert(0, (start, end))
        if not source.line_text(first).lstrip().startswith(OPENING):
            break  # only a paragraph that opens with a mark may continue an earlier one
        last = first - 1
    count = len(spans)
    return tuple(_trim_marks(source.plain, span, i == count - 1) for i, span in enumerate(spans))


def _trim_marks(plain: str, span: tuple[int, int], last: bool) -> tuple[int, int]:
    """A paragraph's span without its opening mark, and the last one's closing mark."""
    start, end = span
    while start < end and plain[start] in " \t\n\u00a0\u202f":
        start += 1
    while end > start and plain[end - 1] in " \t\n\u00a0\u202f":
        end -= 1
    if plain[start : start + 1] in OPENING:
        start += 1
        while start < end and plain[start] in " \u00a0\u202f":
            start += 1
    if end > start and plain[end - 1] in CLOSING and (last or plain[end - 1] != "“"):
        end -= 1
        while end > start and plain[end - 1] in " \u00a0\u202f":
            end -= 1
    return start, end

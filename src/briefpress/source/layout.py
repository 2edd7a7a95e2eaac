"""A PDF's text as paragraphs with styles, read from its characters' boxes and fonts.

A PDF has no paragraphs, headings or footnotes, only characters placed on pages.  A
plain text extraction loses what a reader sees at once: that a line in a larger, bold
font is a heading ("1. Introduction and methodology", not the first of a numbered list),
that the line repeated at the top of every page is a running header (not the title),
that a small-print numbered line at the foot of a page or in the notes is a footnote,
that an indented italic block is a quotation, that a line set flush right under it is
its attribution, and that a line ending without a space still ends a word.

Here pdfium gives each character's box, size and font; characters become lines (a
baseline each, or a new column when the text goes back up the page), lines become
paragraphs (by the space between them, their indent and their font), and each
paragraph gets a style named as Word names them ("Heading 1", "Quote", "footnote"),
so the importer reads a PDF as it reads a Word document.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Line", "layout_paragraphs"]

# A paragraph break: more space above a line than this many usual line pitches.
_GAP = 1.2
# A line this much larger than body text is a heading (or a pull quote if not bold).
_HEADING_SIZE = 1.12
# A line this much smaller than body text is small print: a note.
_SMALL_SIZE = 0.92
# Indented this much (points) from the body's left edge: a block set apart.
_INDENT = 12.0
# A furniture line (header, footer) repeats on at least this share of pages.
_REPEATS = 0.5
_DIGITS = re.compile(r"\d+")
_NOTE_START = re.compile(r"(\d{1,3})[.)]?\s+\S")
_SOFT_HYPHENS = ("\x02", "\u00ad")


@dataclass
class Line:
    """One printed line: its text and where and how it is set."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    chars: list[str] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)
    bottoms: list[float] = field(default_factory=list)
    baseline: float = 0.0  # most letters sit on it; descenders and dashes do not

    @property
    def text(self) -> str:
        return "".join(self.chars).strip()


def _page_lines(page: Any, number: int) -> list[Line]:
    """The lines of one page, in pdfium's reading order."""
    import pypdfium2.raw as pdfium

    textpage = page.get_textpage()
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    lines: list[Line] = []
    current: Line | None = None
    fonts: list[tuple[bool, bool]] = []
    for index in range(textpage.count_chars()):
        char = chr(pdfium.FPDFText_GetUnicode(textpage.raw, index))
        if char in "\r\n" or (pdfium.FPDFText_IsGenerated(textpage.raw, index) and char != " "):
            continue  # pdfium breaks lines where a superscript shifts the baseline too
        if char.isspace():  # a space's box is a point: it never starts a line
            if current is not None:
                current.chars.append(" ")
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        size = float(pdfium.FPDFText_GetFontSize(textpage.raw, index))
        if current is None or not _same_line(current, left, bottom, top):
            current = Line(number, left, right, top, bottom)
            lines.append(current)
            fonts = []
        current.chars.append("-" if char in _SOFT_HYPHENS else char)
        pdfium.FPDFText_GetFontInfo(textpage.raw, index, buffer, 128, ctypes.byref(flags))
        name = buffer.value.decode("latin-1").lower()
        current.sizes.append(size)
        current.bottoms.append(bottom)
        fonts.append(("bold" in name or "black" in name, "italic" in name or "oblique" in name))
        current.x1 = max(current.x1, right)
        current.top, current.bottom = max(current.top, top), min(current.bottom, bottom)
        current.bold = sum(f[0] for f in fonts) * 2 > len(fonts)
        current.italic = sum(f[1] for f in fonts) * 2 > len(fonts)
    for line in lines:
        line.size = statistics.median(line.sizes) if line.sizes else 0.0
        line.baseline = statistics.median_high(line.bottoms) if line.bottoms else line.bottom
    textpage.close()
    return [line for line in lines if line.text]


def _same_line(line: Line, left: float, bottom: float, top: float) -> bool:
    """Whether a character continues ``line``: it overlaps it vertically (a
    superscript, a dash) and does not go back to the left (which starts a
    line of another column)."""
    return bottom < line.top + 0.5 and top > line.bottom - 0.5 and left >= line.x0 - 1


def _furniture(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """(page, line index) of running headers, footers and page numbers.

    A line at a page's top or foot whose text (digits aside) repeats on at least
    half the pages is furniture; so is a lone number there.
    """
    edges: list[tuple[int, int, str]] = []
    for number, lines in enumerate(pages):
        if not lines:
            continue
        by_height = sorted(range(len(lines)), key=lambda i: -lines[i].top)
        for index in {*by_height[:2], *by_height[-2:]}:
            edges.append((number, index, _DIGITS.sub("#", lines[index].text)))
    counts = Counter(text for _, _, text in {(p, 0, t) for p, _, t in edges})
    needed = max(2, int(len(pages) * _REPEATS + 0.5))
    return {
        (page, index)
        for page, index, text in edges
        if text == "#" or (counts[text] >= needed and len(pages) > 1)
    }


def _metrics(lines: list[Line]) -> tuple[float, float, float, float]:
    """Body size, usual line pitch, body left edge and right edge."""
    sizes = Counter(round(line.size, 1) for line in lines for _ in line.sizes)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    body_lines = [line for line in lines if abs(line.size - body) < 0.5]
    pitches = [
        a.baseline - b.baseline
        for a, b in itertools.pairwise(body_lines)
        if a.page == b.page and 0 < a.baseline - b.baseline < body * 3
    ]
    pitch = statistics.median(pitches) if pitches else body * 1.3
    edges = sorted(line.x0 for line in body_lines) or [0.0]
    right = sorted(line.x1 for line in body_lines) or [0.0]
    return body, pitch, edges[len(edges) // 10], right[-1 - len(right) // 10]


def _style(line: Line, body: float, left: float, right: float) -> str:
    """Word's name for how a line is set."""
    if line.size >= body * _HEADING_SIZE:
        if not line.bold and not _NUMBERED.match(line.text):
            return "Intense Quote"
        return "Heading 1" if line.size >= body * 1.4 else "Heading 2"
    if line.size <= body * _SMALL_SIZE:
        return "small"
    if line.bold and len(line.text) < 80:
        return "Heading 3"
    width = right - left
    if line.x0 > left + width * 0.25 and line.x1 >= right - 2:
        return "right"
    if line.italic or line.x0 >= left + _INDENT:
        return "Quote"
    return ""


_NUMBERED = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.)\s+\S")


_SET_APART = ("—", "–", "(", "“", "«", '"')
_ENDS = (".", "!", "?", ":", "”", "»", '"', ")", "…")


def _breaks(previous: Line, line: Line, pitch: float, right: float, body: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous`` (same style)."""
    if line.page != previous.page:
        return previous.x1 < right - 0.1 * (right - previous.x0) or (
            previous.text.endswith((".", "”", "»", ":", "?", "!"))
            and previous.x1 < right - 2 * line.size
        )
    if line.top > previous.top:  # back up the page: a new column
        return previous.x1 < right - 0.1 * (right - previous.x0)
    if line.text.startswith(_SET_APART) or (
        previous.text.endswith(")") and (previous.text.startswith("("))
    ):
        return True
    short = previous.x1 < right - 0.1 * (right - previous.x0)
    if short and previous.text.endswith(_ENDS):
        return True
    return previous.baseline - line.baseline > pitch * _GAP * max(1.0, line.size / body)


def layout_paragraphs(document: Any) -> list[tuple[str, list[str]]]:
    """The paragraphs of an open pdfium document: (style, lines) each.

    Running headers and footers come last, styled "running" (a title when no
    other is printed), page numbers are left out; the title is the first
    page's largest text, if larger than any later; small print that starts
    with a number is a footnote ("footnote" style, one paragraph per note).
    """
    pages = [_page_lines(page, number) for number, page in enumerate(document)]
    furniture = _furniture(pages)
    running = sorted(
        {pages[p][i].text for p, i in furniture if not _DIGITS.fullmatch(pages[p][i].text)}
    )
    lines = [
        line
        for number, page_lines in enumerate(pages)
        for index, line in enumerate(page_lines)
        if (number, index) not in furniture
    ]
    paragraphs = _paragraphs(lines)
    soft = _soft_hyphens(lines)
    paragraphs = [(style, _mend_hyphens(texts, soft)) for style, texts in paragraphs]
    paragraphs += [("running", [text]) for text in running]
    return [(("" if style == "small" else style), texts) for style, texts in paragraphs]


def _title_size(lines: list[Line]) -> float:
    """The size of the title: the first page's largest text, if larger than any later."""
    first_page = [line.size for line in lines if line.page == lines[0].page] if lines else []
    later = [line.size for line in lines if line.page != lines[0].page]
    size = max(first_page, default=0.0)
    return size if size > max(later, default=0.0) + 0.5 else -1.0


def _paragraphs(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """Lines grouped into styled paragraphs (see :func:`layout_paragraphs`)."""
    body, pitch, left, right = _metrics(lines)
    edges = _column_edges(lines, body, left, right)
    title_size = _title_size(lines)
    highest: dict[int, float] = {}
    for line in lines:
        highest[line.page] = max(highest.get(line.page, 0.0), line.top)
    paragraphs: list[tuple[str, list[str]]] = []
    previous: Line | None = None
    previous_style = ""
    for position, line in enumerate(lines):
        first = position == 0 or previous_style == "Title"
        column_left, column_right = edges[position]
        if first and abs(line.size - title_size) < 0.5:
            style = "Title"
        else:
            style = _style(line, body, column_left, column_right)
        if style == "small":
            style = "footnote" if _NOTE_START.match(line.text) else "small"
            if style == "small" and line.top >= highest.get(line.page, 0.0):
                continue  # small print atop a page: a running header seen once
            if style == "small" and paragraphs and paragraphs[-1][0] == "footnote":
                paragraphs[-1][1].append(line.text)
                previous = line
                continue
        new = (
            previous is None
            or style != previous_style
            or style in ("footnote", "right")
            or _breaks(previous, line, pitch, edges[position - 1][1], body)
        )
        if new:
            paragraphs.append((style, [line.text]))
        else:
            paragraphs[-1][1].append(line.text)
        previous, previous_style = line, style
    return paragraphs


def _column_edges(
    lines: list[Line], body: float, left: float, right: float
) -> list[tuple[float, float]]:
    """Each line's column edges (left, right): the page's, or in a page set in two
    columns, the edges of the column the line is in."""
    middle = (left + right) / 2
    body_lines = [line for line in lines if abs(line.size - body) < 0.5]
    in_left = [line for line in body_lines if line.x1 < middle]
    in_right = [line for line in body_lines if line.x0 > middle]
    if min(len(in_left), len(in_right)) < max(3, len(body_lines) // 5):
        return [(left, right)] * len(lines)
    columns = {
        "left": (_low([x.x0 for x in in_left]), _high([x.x1 for x in in_left])),
        "right": (_low([x.x0 for x in in_right]), _high([x.x1 for x in in_right])),
    }
    return [
        columns["left"]
        if line.x1 < middle
        else columns["right"]
        if line.x0 > middle
        else (left, right)
        for line in lines
    ]


def _low(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 10]


def _high(values: list[float]) -> float:
    values = sorted(values)
    return values[-1 - len(values) // 10]


_HYPHENS = ("-", "\u2010", "\u00ad")


def _soft_hyphens(lines: list[Line]) -> frozenset[str]:
    """The hyphen characters this PDF uses only at line ends: its producer's
    hyphenation mark (WeasyPrint's U+2010, for one), never a word's own hyphen."""
    inside = {char for line in lines for char in line.text[:-1] if char in _HYPHENS}
    at_end = {line.text[-1] for line in lines if line.text.endswith(_HYPHENS)}
    return frozenset(at_end - inside)


def _mend_hyphens(texts: list[str], soft: frozenset[str]) -> list[str]:
    """Join each word the layout hyphenated with a soft hyphen: its end moves up."""
    mended = list(texts)
    for index in range(len(mended) - 1):
        line, following = mended[index], mended[index + 1]
        if line[-1:] in soft and line[-2:-1].isalpha() and following[:1].isalpha():
            word, _, rest = following.partition(" ")
            mended[index] = line[:-1] + word
            mended[index + 1] = rest.strip()
    return [text for text in mended if text]

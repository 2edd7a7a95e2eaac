"""A designer's measures of a finished brief, read from its PDF as a reader's tools read it:
how full each page is, how long the lines of running text run, whether words stay whole
in the text layer, the smallest type, text that would print as a screen of grey, figure
descriptions that only repeat a title, and words drawn over other words.

``scripts/check_design.py`` (``make check-design``) prints them for every built brief.
"""

from __future__ import annotations

import ctypes
import io
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from briefpress.pdf.fit import INK_LIGHTNESS as INK

MM = 72 / 25.4

HYPHENATION = "\u2010"  # the hyphen WeasyPrint draws at a line break; hard if read as text
BODY_SIZES = (8.0, 11.5)  # point sizes of running text (notes and captions are smaller)
MIN_LINE = 20  # characters: a shorter line ends a paragraph or is a label, not a measure


@dataclass
class Char:
    text: str
    size: float
    box: tuple[float, float, float, float]  # left, bottom, right, top


@dataclass
class DesignFacts:
    """The measures of one PDF; ``problems`` lists what misses the house targets."""

    fills: list[float]
    line_lengths: list[int]
    hard_hyphens: int
    smallest: float
    grey_text: int
    title_alts: list[str]
    overlaps: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def median_line(self) -> float:
        return statistics.median(self.line_lengths) if self.line_lengths else 0.0


def _chars(page: Any) -> list[Char]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    found = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    matrix = raw.FS_MATRIX()
    try:
        for index in range(raw.FPDFText_CountChars(textpage)):
            code = raw.FPDFText_GetUnicode(textpage, index)
            text = chr(code) if code else ""
            if raw.FPDFText_IsGenerated(textpage, index) == 1:
                found.append(Char("\n" if text in "\r\n" else " ", 0.0, (0, 0, 0, 0)))
                continue
            raw.FPDFText_GetMatrix(textpage, index, matrix)
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5  # points, as printed
            size = raw.FPDFText_GetFontSize(textpage, index) * scale
            raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
            found.append(Char(text, size, (left.value, bottom.value, right.value, top.value)))
    finally:
        textpage.close()
    return found


def _lines(chars: list[Char]) -> Iterator[list[Char]]:
    """Lines as drawn: broken where the text layer breaks, or where the next character
    is not beside the last (another column, another block)."""
    line: list[Char] = []
    for char in chars:
        if char.text in "\r\n":
            if line:
                yield line
            line = []
            continue
        drawn = [c for c in line if c.size]
        if drawn and char.size:
            last = drawn[-1]
            gap = char.box[0] - last.box[2]
            moved = abs(char.box[1] - last.box[1]) > last.size * 0.8
            if moved or gap > last.size * 2 or gap < -last.size:
                yield line
                line = []
        line.append(char)
    if line:
        yield line


def _overlaps(chars: list[Char]) -> list[str]:
    """Characters drawn over other characters (hidden text under visible text, a numeral
    set on words): boxes that share more than half the smaller one's area."""
    grid: dict[tuple[int, int], list[int]] = {}
    kept = [i for i, c in enumerate(chars) if c.size and c.text.strip() and c.box[2] > c.box[0]]
    drawn = [chars[i] for i in kept]
    found = []
    for index, char in enumerate(drawn):
        x0, y0, x1, y1 = char.box
        cells = {(int(x // 20), int(y // 20)) for x in (x0, x1) for y in (y0, y1)}
        for cell in cells:
            for other_index in grid.get(cell, []):
                other = drawn[other_index]
                if index - other_index <= 2:  # a glyph and its neighbour (kerning, marks)
                    continue
                if _one_syllable(chars[kept[other_index] : kept[index] + 1]):
                    continue
                w = min(x1, other.box[2]) - max(x0, other.box[0])
                h = min(y1, other.box[3]) - max(y0, other.box[1])
                smaller = min((x1 - x0) * (y1 - y0), _area(other.box)) or 1
                if w > 0 and h > 0 and w * h > smaller / 2:
                    found.append(f"{other.text}/{char.text}")
                    break
            grid.setdefault(cell, []).append(index)
    return sorted(set(found))


# Scripts whose syllables stack and reorder their glyphs (Arabic and Hebrew marks,
# Indic, Thai, Lao, Tibetan, Myanmar, Khmer ...): a vowel sign drawn before its consonant,
# a subscript under it, share its box by design.
SHAPED = ((0x0590, 0x08FF), (0x0900, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF),
          (0x1900, 0x1AFF), (0xA8E0, 0xA8FF), (0xA980, 0xAAFF))  # fmt: skip
# The character given to glyphs no character maps to (pdf/unicode.py).
NO_CHARACTER = "\u200b"
SYLLABLE = 8


def _one_syllable(run: list[Char]) -> bool:
    """Whether characters drawn over one another belong to one syllable of a shaped
    script: next to each other in the text, no space or break between them."""
    if len(run) > SYLLABLE or any(not c.text.strip() for c in run):
        return False
    ends = (run[0].text, run[-1].text)
    return any(t == NO_CHARACTER or _shaped(t) for t in ends)


def _shaped(text: str) -> bool:
    """Whether a character is a combining mark or of a shaped script."""
    if not text:
        return False
    code = ord(text[0])
    mark = unicodedata.category(text[0]).startswith("M")
    return mark or any(low <= code <= high for low, high in SHAPED)


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def page_fills(pdf: bytes, top_mm: float = 21, bottom_mm: float = 20) -> list[float]:
    """For each page, how much of the room left for content between the margins holds
    content (0 to 1): down to the lowest inked row (on the last page, less the room left
    above the back matter set at its foot), read from a small rendering of the trimmed
    page."""
    import pypdfium2 as pdfium

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        boxes = [(_rect(p.obj.get("/TrimBox", p.obj.MediaBox)), _rect(p.obj.MediaBox))
                 for p in doc.pages]  # fmt: skip
    fills = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index, (trim, media) in enumerate(boxes):
            page = document[index]
            scale = 20 / 72
            image = page.render(scale=scale, grayscale=True).to_pil()
            left, top = (trim[0] - media[0]) * scale, (media[3] - trim[3]) * scale
            width, height = (trim[2] - trim[0]) * scale, (trim[3] - trim[1]) * scale
            body_top = top + top_mm * MM * scale
            body_bottom = top + height - bottom_mm * MM * scale
            box = (int(left), int(body_top), int(left + width), int(body_bottom))
            inked = image.crop(box).point(lambda v: 255 if v < INK * 255 else 0)
            fills.append(_filled(inked, GAP_MM * MM * scale, index == len(boxes) - 1))
    finally:
        document.close()
    return fills


# A blank band taller than this is room left empty, not the space between two blocks (at
# most the gap above a heading, about 8 mm).
GAP_MM = 14


def _filled(inked: Any, gap: float, last: bool) -> float:
    """How much of the body (a black-and-white picture, ink white) holds content: down to
    its lowest ink; on the last page less the widest blank band above it, when wider
    than ``gap`` pixels: the room the back matter set at the foot leaves, which would
    otherwise read as filled."""
    bounds = inked.getbbox()
    if bounds is None:
        return 0.0
    width, height = inked.size
    widest, blank = 0, 0
    for row in range(bounds[3]) if last else ():
        if inked.crop((0, row, width, row + 1)).getbbox() is None:
            blank += 1
            continue
        widest, blank = max(widest, blank), 0
    return float(max(0, bounds[3] - (widest if widest > gap else 0)) / max(1, height))


def _rect(box: Any) -> list[float]:
    return [float(v) for v in box]


def text_facts(pdf: bytes) -> tuple[list[int], int, float, list[str], list[str]]:
    """Line lengths of running text, hard hyphens at line ends, the smallest size, each
    page's text (for the alt check) and overlapping characters."""
    import pypdfium2 as pdfium

    lengths, hyphens, smallest, texts, overlaps = [], 0, 99.0, [], []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            chars = _chars(page)
            texts.append("".join(c.text for c in chars))
            overlaps += _overlaps(chars)
            for line in _lines(chars):
                text = "".join(c.text for c in line).strip()
                sizes = [c.size for c in line if c.size and c.text.strip()]
                if not sizes:
                    continue
                smallest = min(smallest, min(sizes))
                if text.endswith(HYPHENATION):
                    hyphens += 1
                size = statistics.median(sizes)
                if BODY_SIZES[0] <= size <= BODY_SIZES[1] and len(text) >= MIN_LINE:
                    lengths.append(len(text.replace("\ufffe", "")))
    finally:
        document.close()
    return lengths, hyphens, smallest, texts, overlaps


def _neutral_grey(values: list[float]) -> bool:
    """A fill that prints as a screen of black: C = M = Y = 0 and 0 < K < 1, or a grey."""
    if len(values) == 4:
        c, m, y, k = values
        return c == m == y == 0 and 0 < k < 1
    if len(values) == 3:
        return values[0] == values[1] == values[2] and 0 < values[0] < 1
    return len(values) == 1 and 0 < values[0] < 1


def grey_text_runs(pdf: bytes) -> int:
    """Text drawn in a neutral tint rather than solid black (print edition): runs of text
    whose fill is a grey screen."""
    count = 0
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            count += _grey_in(pikepdf.parse_content_stream(page), page.obj.get("/Resources"))
    return count


def _grey_in(instructions: Any, resources: Any, depth: int = 0) -> int:
    fill: list[float] = [0.0]
    stack: list[list[float]] = []
    count = 0
    for ins in instructions:
        if not isinstance(ins, pikepdf.ContentStreamInstruction):
            continue
        op = str(ins.operator)
        if op == "q":
            stack.append(fill)
        elif op == "Q" and stack:
            fill = stack.pop()
        elif op in ("sc", "scn", "k", "g", "rg"):
            fill = [float(v) for v in ins.operands if _is_number(v)]
        elif op in ("Tj", "TJ", "'", '"') and _neutral_grey(fill):
            count += 1
        elif op == "Do" and resources is not None and depth < 5:
            xobject = resources.get("/XObject", {}).get(str(ins.operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                count += _grey_in(
                    pikepdf.parse_content_stream(xobject), xobject.get("/Resources"), depth + 1
                )
    return count


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def figure_alts(pdf: bytes) -> list[str]:
    """The text alternatives of the structure tree's figures."""
    alts = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root.get("/StructTreeRoot")
        stack = [root.get("/K")] if root is not None else []
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary):
                if item.get("/S") == "/Figure" and "/Alt" in item:
                    alts.append(str(item.Alt))
                if "/K" in item:
                    stack.append(item.K)
    return alts


def title_only(alts: list[str], texts: list[str], names: tuple[str, ...] = ()) -> list[str]:
    """Alternatives that say no more than words already printed on the page (a figure's
    title): a reader who cannot see the figure learns nothing from them. A logo named by
    the organisation (``names``) is what a logo's alternative should be."""
    page_text = " ".join(" ".join(t.split()) for t in texts).replace("\ufffe", "")
    found = []
    for alt in alts:
        plain = " ".join(alt.split())
        if plain in names or len(plain.split()) < 3:
            continue
        if plain in page_text:
            found.append(plain)
    return found


def measure(
    pdf: bytes, prepress: bool, names: tuple[str, ...] = (), last_may_be_short: bool = True
) -> DesignFacts:
    """Every measure of one brief's PDF, and what misses the targets; text that is not
    solid black counts only in a printer's file (``prepress``)."""
    fills = page_fills(pdf)
    lengths, hyphens, smallest, texts, overlaps = text_facts(pdf)
    facts = DesignFacts(
        fills=fills,
        line_lengths=lengths,
        hard_hyphens=hyphens,
        smallest=smallest,
        grey_text=grey_text_runs(pdf) if prepress else 0,
        title_alts=title_only(figure_alts(pdf), texts, names),
        overlaps=overlaps,
    )
    facts.problems = targets(facts, last_may_be_short)
    return facts


def targets(facts: DesignFacts, last_may_be_short: bool = True) -> list[str]:
    """The house targets: pages at least 75 % full (the last at least 50 %), running text
    of 45 to 80 characters a line, no hard hyphen, no grey text in print, no figure
    described by its title only, no words over words."""
    found = []
    for number, fill in enumerate(facts.fills, start=1):
        last = number == len(facts.fills)
        floor = 0.5 if last and last_may_be_short else 0.75
        if len(facts.fills) > 1 and fill < floor:
            found.append(f"page {number} {fill:.0%} full")
    if facts.line_lengths and not 45 <= facts.median_line <= 80:
        found.append(f"median line {facts.median_line:.0f} characters")
    if facts.hard_hyphens:
        found.append(f"{facts.hard_hyphens} hard hyphens at line ends")
    if facts.grey_text:
        found.append(f"{facts.grey_text} text runs in grey")
    if facts.title_alts:
        found.append(f"{len(facts.title_alts)} figure descriptions repeat a title")
    if facts.overlaps:
        found.append(f"{len(facts.overlaps)} characters over others")
    return found


# One-page handouts fill their page by design (a flex column); letters end where the
# letter ends: page fill is not theirs to meet. A handout is display type (three points
# side by side, a quote, an ask), and a letter keeps the column of its standard form (DIN
# 5008: 155 mm, some 85 characters at its 10.5 pt), with no measure of a brief's to hold.
FILLED_BY_DESIGN = frozenset({"handout", "letter"})
NO_RUNNING_TEXT = frozenset({"handout", "letter"})


def misses(facts: DesignFacts, kind: str) -> list[str]:
    """The targets a brief of ``kind`` misses: its ``problems`` less those its kind's form
    sets aside (see FILLED_BY_DESIGN and NO_RUNNING_TEXT)."""
    return [
        p
        for p in facts.problems
        if not (kind in FILLED_BY_DESIGN and p.startswith("page "))
        and not (kind in NO_RUNNING_TEXT and p.startswith("median line"))
    ]

"""Marks set above the line read with their letter: Arabic tanween, shadda and vowels,
Hebrew points.

A font places such a mark over its letter with a vertical offset, and WeasyPrint draws
it with text rise: ``r Ts``, a TJ of the one mark, ``0 Ts``. The page looks right, but
readers that build lines from baselines take the mark apart from its letter: pdfium
reads it as a line of its own when it is a line's first glyph (the tanween of كاملاً,
"read the full report" under every Arabic brief's QR code), poppler as a word of its
own. Search and copy then miss the word.

Each such mark is drawn instead at the baseline, in the text object of its letter,
with a glyph added to the embedded font: the mark's outline moved up by the rise, a
TrueType composite that refers to the mark (the page looks the same, and the glyph's
ToUnicode is the mark's). pdfium then reads the mark with its letter. Poppler still
takes a zero-width glyph drawn over another for a word of its own. Drawing letter and
mark as one glyph, marked with Unicode's one character for them as its ActualText (as
pdf/ligatures.py does lam-alef), made poppler read ALEF WITH FATHATAN whole, but pdfium
then turned the word round where the glyph was not its own word: not done.

The same pass gives Persian's zero-width non-joiner (می‌بخشد) a glyph: Pango hands it to
WeasyPrint as an empty glyph, which draws nothing and so leaves it out of the text layer.
The render stage sets each in a span of its own a hair smaller (render/names.py); a TJ
at that size that shows no glyph is drawn instead with an added glyph of no width whose
ToUnicode is U+200C, and both readers read the word as written.

Only TrueType programs (FontFile2) whose tables do not count glyphs elsewhere are
changed; any other font is left as it was.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Name, Operator

from briefpress.pdf.compact import Instructions, cid_widths, text_streams, write_instructions
from briefpress.pdf.ligatures import unicode_texts

# Tables a glyph added at the end of the font leaves true (fontTools recomputes loca,
# maxp and the head's bounds when it saves); a font with any other is not changed.
SAFE_TABLES = frozenset(
    {"GlyphOrder", "GDEF", "GPOS", "GSUB", "OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf",
     "head", "hhea", "hmtx", "loca", "maxp", "name", "post", "prep"}
)  # fmt: skip
MAX_GLYPHS = 0xFFFF


@dataclass
class Program:
    """One embedded TrueType font being added to: its fontTools object, the PDF's font
    dictionaries, the glyphs added (by what they draw), their widths and their text."""

    font: Any
    type0: Any
    descendant: Any
    upem: int
    text: dict[int, str]
    added: dict[tuple[Any, ...], int] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)

    def glyph(self, parts: tuple[tuple[int, int, int], ...], width: int, text: str) -> int:
        """The glyph id of a composite of ``parts`` (glyph id, dx, dy in font units),
        added once."""
        key = (parts, width)
        if key not in self.added:
            from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

            order = self.font.getGlyphOrder()
            composite = Glyph()
            composite.numberOfContours = -1 if parts else 0  # none: a glyph that draws nothing
            composite.components = []
            for gid, dx, dy in parts:
                component = GlyphComponent()
                component.glyphName, component.x, component.y = order[gid], dx, dy
                component.flags = 0
                composite.components.append(component)
            name = f"briefpress.mark{len(self.added)}"
            self.font["glyf"].glyphs[name] = composite
            advance = round(width * self.upem / 1000)
            bearing = 0
            if parts:  # its left side bearing, as the composite's outline
                bearing = self.font["hmtx"].metrics[order[parts[0][0]]][1] + parts[0][1]
            self.font["hmtx"].metrics[name] = (advance, bearing)
            self.font.setGlyphOrder([*order, name])
            new = len(order)
            self.added[key] = new
            self.widths[new] = width
            self.texts[new] = text
        return self.added[key]


def mark_glyphs_to_baseline(doc: pikepdf.Pdf) -> None:
    """Every mark drawn with text rise drawn at the baseline with its letter, and every
    non-joiner drawn with a glyph (see the module's docstring); fonts and pages changed
    only where there is one."""
    programs: dict[tuple[int, int], Program | None] = {}
    for owner, resources, instructions in text_streams(doc):
        fonts = resources.get("/Font", pikepdf.Dictionary())
        changed = _rewritten(instructions, fonts, programs)
        if changed is not None:
            write_instructions(doc, owner, changed)
    for program in programs.values():
        if program is not None and program.added:
            _save(program)


def _program(font: Any, programs: dict[tuple[int, int], Program | None]) -> Program | None:
    if font.objgen in programs:
        return programs[font.objgen]
    programs[font.objgen] = None
    if font.get("/Subtype") != "/Type0" or "/DescendantFonts" not in font:
        return None
    descendant = font.DescendantFonts[0]
    stream = descendant.get("/FontDescriptor", pikepdf.Dictionary()).get("/FontFile2")
    identity = descendant.get("/CIDToGIDMap") == Name.Identity
    if stream is None or not identity or "/ToUnicode" not in font:
        return None
    from fontTools.ttLib import TTFont

    try:
        tt = TTFont(io.BytesIO(stream.read_bytes()))
        tables = set(tt.keys())
    except Exception:  # a program fontTools cannot read is left as it is
        return None
    if not tables <= SAFE_TABLES or "glyf" not in tables:
        return None
    text = unicode_texts(font)
    programs[font.objgen] = Program(tt, font, descendant, tt["head"].unitsPerEm, text)
    return programs[font.objgen]


def _rewritten(
    instructions: Instructions, fonts: Any, programs: dict[tuple[int, int], Program | None]
) -> Instructions | None:
    """The instructions with each risen mark drawn at the baseline and each non-joiner
    with a glyph; None if there is neither."""
    out: Instructions = []
    state = _State()
    index, changed = 0, False
    while index < len(instructions):
        item = instructions[index]
        operator = _operator(item)
        if operator == "Tf" and len(item.operands) == 2:
            state.font = fonts.get(str(item.operands[0]))
            state.before, state.size = state.size, float(item.operands[1]) or 1.0
        elif operator == "Tm" and len(item.operands) == 6:
            state.x = float(item.operands[4])
        elif operator == "TJ" and _non_joiner(item, state.size / state.before):
            if _carry_non_joiner(out, state, programs):
                index += 1
                changed = True
                continue
        elif operator == "TJ":
            state.shown, state.shown_font, state.shown_x = len(out), state.font, state.x
        elif operator == "Ts" and state.font is not None and float(item.operands[0]) != 0:
            # the font's program is read only once a mark in it is found
            program = _program(state.font, programs)
            merged = _lowered(instructions, index, program, state.size) if program else None
            if merged is not None:
                state.shown, state.shown_font, state.shown_x = len(out), state.font, state.x
                out.append(merged)
                index += 4
                changed = True
                continue
        out.append(item)
        index += 1
    return out if changed else None


@dataclass
class _State:
    """Where a content stream's text stands: the font and size set (and the size before
    it), the text matrix's x, and the last TJ written (its place in the output, its font
    and the x its text object started at)."""

    font: Any = None
    size: float = 1.0
    before: float = 1.0
    x: float = 0.0
    shown: int | None = None
    shown_font: Any = None
    shown_x: float = 0.0


def _carry_non_joiner(
    out: Instructions, state: _State, programs: dict[tuple[int, int], Program | None]
) -> bool:
    """A non-joiner's glyph added to the text shown just before it, at the side where
    the two meet: before its first glyph when that text starts where the non-joiner is
    (right to left, the text before it is to its right), after its last otherwise. The
    glyph joins the word's own text object, in its font, as readers keep a word whole
    only then. False when there is no such text."""
    if state.shown is None or state.shown_font is None:
        return False
    program = _program(state.shown_font, programs)
    if program is None:
        return False
    glyph = pikepdf.String(program.glyph((), 0, NON_JOINER).to_bytes(2, "big"))
    items = list(out[state.shown].operands[0])
    items = [glyph, *items] if abs(state.x - state.shown_x) < 0.01 else [*items, glyph]
    out[state.shown] = pikepdf.ContentStreamInstruction([Array(items)], Operator("TJ"))
    return True


# A non-joiner's span is set this much smaller than the text around it (the theme's
# .zwnj, render/names.py): a TJ that shows no glyph at that size is one.
NON_JOINER = "\u200c"
NON_JOINER_SCALE = 0.999


def _non_joiner(item: Any, scale: float) -> bool:
    """Whether a TJ is a non-joiner's: no glyph, one empty glyph's zero move, at the
    size of the non-joiner's span."""
    if abs(scale - NON_JOINER_SCALE) > 0.0002:
        return False
    items = list(item.operands[0])
    strings = [i for i in items if isinstance(i, pikepdf.String)]
    moves = [i for i in items if not isinstance(i, pikepdf.String)]
    return all(len(bytes(i)) == 0 for i in strings) and [float(m) for m in moves] == [0.0]


def _operator(item: Any) -> str:
    if isinstance(item, pikepdf.ContentStreamInstruction):
        return str(item.operator)
    return ""


def _lowered(instructions: Instructions, at: int, program: Program, size: float) -> Any | None:
    """``r Ts [a <mark>] TJ 0 Ts [b <letter> ...] TJ`` as one TJ drawing the same at the
    baseline, the mark raised in its glyph; None when the instructions are not that."""
    if at + 3 >= len(instructions):
        return None
    shown, reset, after = instructions[at + 1 : at + 4]
    if (_operator(shown), _operator(reset), _operator(after)) != ("TJ", "Ts", "TJ"):
        return None
    if float(reset.operands[0]) != 0:
        return None
    mark_items = list(shown.operands[0])
    glyphs = [bytes(i) for i in mark_items if isinstance(i, pikepdf.String)]
    if len(glyphs) != 1 or len(glyphs[0]) != 2:
        return None
    shift = sum(float(i) for i in mark_items if not isinstance(i, pikepdf.String))
    mark = int.from_bytes(glyphs[0], "big")
    rise = float(instructions[at].operands[0])
    dy = round(rise / size * program.upem)
    mark_width = _width(program, mark)
    following = list(after.operands[0])
    raised = program.glyph(((mark, 0, dy),), mark_width, program.text.get(mark, ""))
    items = [*_numbers(shift), pikepdf.String(raised.to_bytes(2, "big")), *following]
    return pikepdf.ContentStreamInstruction([Array(items)], Operator("TJ"))


def _numbers(value: float) -> list[Any]:
    """A TJ's move by ``value`` thousandths (none for no move)."""
    return [round(value, 4)] if value else []


def _width(program: Program, gid: int) -> int:
    """A glyph's advance in thousandths of the font size, as the PDF's /W gives it (the
    font's own advance when /W does not say)."""
    widths = cid_widths(program.descendant.get("/W", Array())) or {}
    if gid in widths:
        return int(widths[gid])
    default = program.descendant.get("/DW")
    if default is not None:
        return int(default)
    order = program.font.getGlyphOrder()
    advance = int(program.font["hmtx"].metrics[order[gid]][0])
    return round(advance * 1000 / program.upem)


def _save(program: Program) -> None:
    """The font program written back, its added glyphs' widths in /W and their text in
    the ToUnicode map."""
    if len(program.font.getGlyphOrder()) > MAX_GLYPHS:
        return
    out = io.BytesIO()
    program.font.save(out)
    stream = program.descendant.FontDescriptor.FontFile2
    stream.write(out.getvalue())
    widths = program.descendant.get("/W")
    if widths is None:
        widths = program.descendant.W = Array()
    for gid, width in sorted(program.widths.items()):
        widths.append(gid)
        widths.append(Array([width]))
    _add_text(program)


def _add_text(program: Program) -> None:
    """The added glyphs' text appended to the font's ToUnicode map."""
    entries = "".join(
        f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>\n"
        for gid, text in sorted(program.texts.items())
        if text
    ).encode("ascii")
    if not entries:
        return
    cmap = program.type0.ToUnicode
    block = b"%d beginbfchar\n" % entries.count(b"\n") + entries + b"endbfchar\n"
    cmap.write(cmap.read_bytes().replace(b"endcmap", block + b"endcmap", 1))

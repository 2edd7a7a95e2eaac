"""Fonts with large glyph numbers, renumbered so that their subsets stay small.

WeasyPrint subsets every font it embeds but keeps each used glyph at its number in the
whole font (HarfBuzz's "retain glyph ids"), so the code a page writes for a glyph is its
number in the original font. The subset then holds an empty slot for every glyph below
the highest one used: nothing for Latin, whose glyphs come first, but a Chinese, Japanese
or Korean ideograph can be glyph 60,000 of Noto CJK, and its subset carries 60,000 empty
outlines and as many metrics, 80 to 140 kB a face, where the glyphs drawn take 2 to 10 kB.

:func:`compact_fonts` gives the used glyphs of such a font the numbers 1, 2, 3… : the
font program subset again without the empty slots, the codes of every text-showing
operator that uses the font rewritten, and the font's widths (``/W``) and ToUnicode map
moved to the new codes. A CID-keyed CFF font (Noto CJK's kind) keeps its CIDs equal to
its glyph numbers, as WeasyPrint wrote it, and is embedded as bare CFF
(``CIDFontType0C``): every reader and validator maps a code to the same glyph, whether it
goes through the font's charset or not, and finds its hints and default width in the
same private dictionary (the glyphs' dictionaries listed one by one, FDSelect format 0:
a validator misreads the ranges of format 3). A font whose ToUnicode map holds anything but
single-code entries, or that cannot be read, is left as it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

# Compact a font only when its codes reach this far: below it the empty slots cost
# a few kB at most, and the fonts of alphabetic scripts are left as WeasyPrint wrote them.
LARGE_CODE = 4096
SHOW_TEXT = {"Tj", "'", '"'}
BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
CMAP_HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo\n<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
)
CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


@dataclass
class Program:
    """One embedded font program, the Type 0 fonts that draw with it, and its codes."""

    stream: Any
    fonts: list[Any] = field(default_factory=list)
    used: set[int] = field(default_factory=lambda: {0})
    renumber: dict[int, int] = field(default_factory=dict)


def compact_fonts(doc: pikepdf.Pdf) -> None:
    """Renumber the glyphs of every font whose codes reach :data:`LARGE_CODE`."""
    if any("/Resources" not in page.obj for page in doc.pages):
        return  # inherited resources: a stream's fonts could not be told for certain
    programs = _large_programs(doc)
    if not programs:
        return
    by_font = {font.objgen: program for program in programs.values() for font in program.fonts}
    texts = list(text_streams(doc))
    for _owner, resources, instructions in texts:
        for font, codes in _shown_codes(instructions, resources):
            if font in by_font:
                by_font[font].used.update(codes)
    for key, program in list(programs.items()):
        if not _resubset(program):
            del programs[key]
    renumber = {objgen: program.renumber for objgen, program in by_font.items() if program.renumber}
    if not renumber:
        return
    for owner, resources, instructions in texts:
        _rewrite_stream(doc, owner, resources, instructions, renumber)
    for program in programs.values():
        for font in program.fonts:
            _renumber_font(doc, font, program.renumber)


# ---- which fonts --------------------------------------------------------------------------


def _program_of(font: Any) -> Any:
    """The embedded program of a Type 0 font with Identity-H codes, or None."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != Name("/Identity-H"):
        return None
    try:
        descriptor = font.DescendantFonts[0].FontDescriptor
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
    for key in ("/FontFile2", "/FontFile3"):
        stream = descriptor.get(key)
        if isinstance(stream, pikepdf.Stream):
            return stream
    return None


def _large_programs(doc: pikepdf.Pdf) -> dict[tuple[int, int], Program]:
    """Font programs whose widths name a code at or past :data:`LARGE_CODE`, and whose
    ToUnicode maps this module can rewrite."""
    programs: dict[tuple[int, int], Program] = {}
    refused: set[tuple[int, int]] = set()
    for obj in doc.objects:
        if not isinstance(obj, Dictionary) or not obj.is_indirect:
            continue
        stream = _program_of(obj)
        if stream is None:
            continue
        widths = cid_widths(obj.DescendantFonts[0].get("/W", Array()))
        cmap = obj.get("/ToUnicode")
        plain = isinstance(cmap, pikepdf.Stream) and b"bfrange" not in cmap.read_bytes()
        if not plain or widths is None:
            refused.add(stream.objgen)
            continue
        program = programs.setdefault(stream.objgen, Program(stream))
        program.fonts.append(obj)
        program.used.update(widths)
    return {
        key: program
        for key, program in programs.items()
        if key not in refused and max(program.used) >= LARGE_CODE
    }


def cid_widths(array: Any) -> dict[int, Any] | None:
    """A ``/W`` array as {CID: width}; None when it is not well formed."""
    found: dict[int, Any] = {}
    items = list(array)
    index = 0
    try:
        while index < len(items):
            first = int(items[index])
            if isinstance(items[index + 1], Array):
                for offset, width in enumerate(items[index + 1]):
                    found[first + offset] = width
                index += 2
            else:
                for cid in range(first, int(items[index + 1]) + 1):
                    found[cid] = items[index + 2]
                index += 3
    except (IndexError, TypeError, ValueError):
        return None
    return found


# ---- the font programs --------------------------------------------------------------------


def _resubset(program: Program) -> bool:
    """Subset the program to its used glyphs, numbered in their old order; fill
    ``program.renumber``. False (and the program untouched) when it cannot be done."""
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(program.stream.read_bytes()))
        order = font.getGlyphOrder()
        if max(program.used) >= len(order):  # a code for a character no glyph draws
            return False
        used = sorted(program.used)
        names = {order[code]: code for code in used}
        options = subset.Options(
            retain_gids=False,
            notdef_outline=True,
            ignore_missing_glyphs=True,
            layout_features=[],
            name_IDs=[],
            hinting=True,
        )
        options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF", "DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=used)
        subsetter.subset(font)
        program.renumber = {
            names[name]: new for new, name in enumerate(font.getGlyphOrder()) if name in names
        }
        data = _cff_bytes(font) if "CFF " in font else _sfnt_bytes(font)
    except (TTLibError, AssertionError, KeyError, ValueError, IndexError, TypeError):
        program.renumber = {}
        return False
    if data is None:
        program.renumber = {}
        return False
    _write_program(program.stream, data, "CFF " in font)
    return True


def _sfnt_bytes(font: Any) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_bytes(font: Any) -> bytes | None:
    """The font's CFF table alone, CID-keyed with each CID its glyph number."""
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    if hasattr(top, "ROS"):
        old = list(top.charset)
        new = [".notdef", *(f"cid{gid:05d}" for gid in range(1, len(old)))]
        rename = dict(zip(old, new, strict=True))
        strings = top.CharStrings
        strings.charStrings = {rename[name]: item for name, item in strings.charStrings.items()}
        top.charset = new
        top.FDSelect.format = 0  # a byte a glyph, which every reader parses alike
    elif cff.fontNames and getattr(top, "CharStrings", None) is None:
        return None
    out = io.BytesIO()
    cff.compile(out, font)
    return out.getvalue()


def _write_program(stream: Any, data: bytes, cff: bool) -> None:
    """The new program, unencoded: saving compresses it, or the caller that asked for
    plain streams does (see :func:`briefpress.pdf.finish.finish`)."""
    for key in ("/Length1", "/Length2", "/Length3", "/Subtype"):
        if key in stream:
            del stream[key]
    stream.write(data)
    if cff:
        stream.Subtype = Name("/CIDFontType0C")
    else:
        stream.Length1 = len(data)


# ---- the fonts' dictionaries -------------------------------------------------------------


def _renumber_font(doc: pikepdf.Pdf, font: Any, renumber: dict[int, int]) -> None:
    """The font's widths and ToUnicode map at the new codes; no CIDSet (it would list
    the old ones)."""
    descendant = font.DescendantFonts[0]
    widths = cid_widths(descendant.get("/W", Array())) or {}
    moved = {renumber[cid]: width for cid, width in widths.items() if cid in renumber}
    descendant.W = _width_array(moved)
    descriptor = descendant.FontDescriptor
    if "/CIDSet" in descriptor:
        del descriptor["/CIDSet"]
    cmap = font.ToUnicode
    entries = [
        (renumber[int(code, 16)], text)
        for code, text in BFCHAR.findall(cmap.read_bytes())
        if int(code, 16) in renumber
    ]
    font.ToUnicode = doc.make_stream(_cmap(sorted(entries)))


def _width_array(widths: dict[int, Any]) -> Array:
    """{CID: width} as a ``/W`` array of runs of consecutive CIDs."""
    array: list[Any] = []
    run: list[Any] = []
    previous = None
    for cid in sorted(widths):
        if previous is None or cid != previous + 1:
            if run:
                array.append(Array(run))
            array.append(cid)
            run = []
        run.append(widths[cid])
        previous = cid
    if run:
        array.append(Array(run))
    return Array(array)


def _cmap(entries: list[tuple[int, bytes]]) -> bytes:
    parts = [CMAP_HEAD]
    for start in range(0, len(entries), 100):
        batch = entries[start : start + 100]
        parts.append(b"%d beginbfchar\n" % len(batch))
        parts += [b"<%04x> <%s>\n" % (code, text) for code, text in batch]
        parts.append(b"endbfchar\n")
    parts.append(CMAP_TAIL)
    return b"".join(parts)


# ---- the content streams ----------------------------------------------------------------

Instructions = list[Any]


def text_streams(doc: pikepdf.Pdf) -> Iterator[tuple[Any, Any, Instructions]]:
    """(owner, resources, parsed instructions) of every page, form, tiling pattern and
    appearance stream reachable from the pages, each once."""
    seen: set[tuple[int, int]] = set()
    for page in doc.pages:
        resources = page.obj.get("/Resources", Dictionary())
        if "/Contents" in page.obj:
            yield page.obj, resources, list(pikepdf.parse_content_stream(page.obj))
        yield from _inner_streams(resources, seen)
        for annotation in page.obj.get("/Annots", Array()):
            appearance = annotation.get("/AP", Dictionary()).get("/N")
            if isinstance(appearance, pikepdf.Stream) and appearance.objgen not in seen:
                seen.add(appearance.objgen)
                yield from _stream_and_inner(appearance, resources, seen)


def _stream_and_inner(
    stream: Any, inherited: Any, seen: set[tuple[int, int]]
) -> Iterator[tuple[Any, Any, Instructions]]:
    resources = stream.get("/Resources", inherited)
    yield stream, resources, list(pikepdf.parse_content_stream(stream))
    yield from _inner_streams(resources, seen)


def _inner_streams(resources: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    inner = [*resources.get("/XObject", Dictionary()).values()]
    inner += [*resources.get("/Pattern", Dictionary()).values()]
    for state in resources.get("/ExtGState", Dictionary()).values():
        mask = state.get("/SMask")
        if isinstance(mask, Dictionary) and isinstance(mask.get("/G"), pikepdf.Stream):
            inner.append(mask.G)
    for obj in inner:
        if not isinstance(obj, pikepdf.Stream) or obj.objgen in seen:
            continue
        seen.add(obj.objgen)
        if obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1:
            yield from _stream_and_inner(obj, resources, seen)


def _fonts_along(instructions: Instructions, resources: Any) -> Iterator[tuple[Any, Any]]:
    """(instruction, the font in use there) for each instruction; the font follows ``Tf``
    and is saved and restored with the graphics state (``q``, ``Q``)."""
    fonts = resources.get("/Font", Dictionary())
    current: Any = None
    saved: list[Any] = []
    for item in instructions:
        if isinstance(item, pikepdf.ContentStreamInstruction):
            operator = str(item.operator)
            if operator == "q":
                saved.append(current)
            elif operator == "Q" and saved:
                current = saved.pop()
            elif operator == "Tf" and item.operands:
                current = fonts.get(str(item.operands[0]))
        yield item, current


def _strings(item: Any) -> list[Any]:
    """The strings an instruction shows (none for other operators)."""
    operator = str(item.operator)
    if operator == "TJ":
        return [x for x in item.operands[0] if isinstance(x, pikepdf.String)]
    if operator in SHOW_TEXT:
        return [item.operands[-1]]
    return []


def _codes(string: Any) -> list[int]:
    data = bytes(string)
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]


def _shown_codes(
    instructions: Instructions, resources: Any
) -> Iterator[tuple[tuple[int, int], list[int]]]:
    for item, font in _fonts_along(instructions, resources):
        if font is not None and isinstance(item, pikepdf.ContentStreamInstruction):
            for string in _strings(item):
                yield font.objgen, _codes(string)


def _recode(string: Any, renumber: dict[int, int]) -> pikepdf.String:
    codes = _codes(string)
    return pikepdf.String(b"".join(renumber.get(c, 0).to_bytes(2, "big") for c in codes))


def _rewrite_stream(
    doc: pikepdf.Pdf,
    owner: Any,
    resources: Any,
    instructions: Instructions,
    renumber: dict[tuple[int, int], dict[int, int]],
) -> None:
    """The stream with each string shown in a renumbered font written in its new codes."""
    out: list[Any] = []
    changed = False
    for item, font in _fonts_along(instructions, resources):
        table = renumber.get(font.objgen) if font is not None else None
        if table is not None and isinstance(item, pikepdf.ContentStreamInstruction):
            recoded = _recoded(item, table)
            changed = changed or recoded is not item
            item = recoded
        out.append(item)
    if not changed:
        return
    write_instructions(doc, owner, out)


def write_instructions(doc: pikepdf.Pdf, owner: Any, instructions: Instructions) -> None:
    """A page's or a form's content replaced by ``instructions``."""
    data = pikepdf.unparse_content_stream(instructions)
    if isinstance(owner, pikepdf.Stream):
        owner.write(data)
    else:
        owner.Contents = doc.make_stream(data)


def _recoded(item: Any, table: dict[int, int]) -> Any:
    operator = str(item.operator)
    if operator == "TJ":
        array = Array(
            [_recode(x, table) if isinstance(x, pikepdf.String) else x for x in item.operands[0]]
        )
        return pikepdf.ContentStreamInstruction([array], Operator("TJ"))
    if operator in SHOW_TEXT:
        operands = [*item.operands[:-1], _recode(item.operands[-1], table)]
        return pikepdf.ContentStreamInstruction(operands, item.operator)
    return item

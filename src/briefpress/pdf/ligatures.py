"""Right-to-left ligatures read in the right order: lam-alef and its kin as one character.

Arabic fonts draw lam followed by alef (لا, لأ, لإ, لآ) as one glyph, and WeasyPrint maps
it, rightly, to the two characters in logical order. But pdfium and poppler, which read
a right-to-left line in the order it is drawn and then turn it around, turn the
ligature's two characters around with it: "لا تزال" came out of the handout as
"ال تزال", "الأسبوع" as "األسبوع", in every PDF viewer built on them (Chrome, Evince,
Okular) and in their searches.

Unicode has one character for each of these ligatures (its Arabic and Hebrew
presentation forms, U+FEFB ﻻ for لا), which no reordering can split. Each such glyph is
marked with that character as its ActualText (ISO 32000-1, 14.9.4): pdfium reads لا,
poppler ﻻ (the same text under compatibility normalisation, which searches apply), and
a reader that takes the font's ToUnicode map (pypdf) still reads the logical لا.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from briefpress.pdf.compact import Instructions, text_streams, write_instructions

BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")
PRESENTATION_FORMS = [(0xFB1D, 0xFB4F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]


@cache
def presentation_forms() -> dict[str, str]:
    """Text of two or more right-to-left characters -> the presentation form that is
    that ligature (the isolated form where Unicode has several)."""
    forms: dict[str, str] = {}
    for first, last in PRESENTATION_FORMS:
        for point in range(first, last + 1):
            char = chr(point)
            decomposition = unicodedata.decomposition(char)
            text = unicodedata.normalize("NFKC", char)
            if len(text) < 2 or not all(_rtl(c) for c in text) or " " in text:
                continue
            if text not in forms or decomposition.startswith("<isolated>"):
                forms[text] = char
    return forms


def _rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in {"R", "AL"} or unicodedata.category(char) == "Mn"


def mark_rtl_ligatures(doc: pikepdf.Pdf) -> None:
    """Every right-to-left ligature glyph of the document's pages and forms drawn with its
    presentation form as ActualText."""
    tables: dict[tuple[int, int], dict[bytes, str]] = {}
    for owner, resources, instructions in text_streams(doc):
        fonts = resources.get("/Font", Dictionary())
        codes = {}
        for name, font in fonts.items():
            if font.objgen not in tables:
                tables[font.objgen] = _ligature_codes(font)
            if tables[font.objgen]:
                codes[str(name)] = tables[font.objgen]
        if codes:
            marked = _marked(instructions, codes)
            if marked is not None:
                write_instructions(doc, owner, marked)


def _ligature_codes(font: Any) -> dict[bytes, str]:
    """The codes of a Type 0 font whose ToUnicode text is a right-to-left ligature."""
    if font.get("/Subtype") != "/Type0":
        return {}
    forms = presentation_forms()
    texts = unicode_texts(font)
    return {code.to_bytes(2, "big"): forms[text] for code, text in texts.items() if text in forms}


def unicode_texts(font: Any) -> dict[int, str]:
    """A composite font's ToUnicode map as {code: text}; empty when it has none, and
    without the entries that are not UTF-16."""
    cmap = font.get("/ToUnicode")
    if not isinstance(cmap, pikepdf.Stream):
        return {}
    found = {}
    for code, hex_text in BFCHAR.findall(cmap.read_bytes()):
        try:
            found[int(code, 16)] = bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            continue
    return found


def _marked(instructions: Instructions, codes: dict[str, dict[bytes, str]]) -> Instructions | None:
    """The instructions with each ligature glyph's TJ split out and marked; None if none."""
    out: Instructions = []
    font = ""
    changed = False
    for item in instructions:
        operator = str(item.operator) if isinstance(item, pikepdf.ContentStreamInstruction) else ""
        if operator == "Tf" and item.operands:
            font = str(item.operands[0])
        elif operator == "TJ" and font in codes:
            split = _split(list(item.operands[0]), codes[font])
            if split is not None:
                out += split
                changed = True
                continue
        out.append(item)
    return out if changed else None


def _split(items: list[Any], ligatures: dict[bytes, str]) -> Instructions | None:
    """One TJ's array as TJs around each ligature glyph, that glyph in a Span with its
    ActualText; positions unchanged (a TJ moves the pen as the whole one did)."""
    out: Instructions = []
    pending: list[Any] = []
    found = False
    for item in items:
        if not isinstance(item, pikepdf.String):
            pending.append(item)
            continue
        data, start = bytes(item), 0
        for index in range(0, len(data) - 1, 2):
            glyph = data[index : index + 2]
            if glyph not in ligatures:
                continue
            found = True
            if index > start:
                pending.append(pikepdf.String(data[start:index]))
            out += _show(pending)
            pending = []
            span = Dictionary(ActualText=pikepdf.String(ligatures[glyph]))
            out.append(pikepdf.ContentStreamInstruction([Name.Span, span], Operator("BDC")))
            out += _show([pikepdf.String(glyph)])
            out.append(pikepdf.ContentStreamInstruction([], Operator("EMC")))
            start = index + 2
        if start < len(data):
            pending.append(pikepdf.String(data[start:]))
    if not found:
        return None
    return out + _show(pending)


def _show(items: list[Any]) -> Instructions:
    if not items:
        return []
    return [pikepdf.ContentStreamInstruction([Array(items)], Operator("TJ"))]

"""Every glyph a character: the gaps WeasyPrint leaves in a font's ToUnicode map, filled.

When a script's shaping turns one character into several glyphs (Thai ำ into a ring and
a vowel, Devanagari conjuncts into half forms and marks), WeasyPrint gives the text of
the cluster to one glyph and an empty mapping (``<0051> <>``) to the others. PDF/UA-1
wants a Unicode value for every glyph, and a reader searching or copying gets gaps.
The embedded font still knows which character each of these glyphs draws (its own
``cmap``): that character fills the gap (Thai ำ then reads as ํา, the same text in
decomposed form). A glyph no character maps to gets U+200B, the zero-width space,
which a reader skips.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf

EMPTY = re.compile(rb"<([0-9a-fA-F]{4})>\s*<>")
NO_CHARACTER = 0x200B


def fill_unicode_gaps(doc: pikepdf.Pdf) -> None:
    """Fill every empty ToUnicode entry of the document's composite fonts."""
    seen: set[tuple[int, int]] = set()
    for obj in doc.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
            continue
        to_unicode = obj.get("/ToUnicode")
        if to_unicode is None or to_unicode.objgen in seen:
            continue
        seen.add(to_unicode.objgen)
        data = to_unicode.read_bytes()
        if not EMPTY.search(data):
            continue
        to_unicode.write(EMPTY.sub(_filler(_glyph_characters(obj)), data))


def _filler(glyphs: dict[int, int]) -> Any:
    """A replacement for one empty entry: the glyph's own character, or U+200B."""

    def entry(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        char = glyphs.get(int(code, 16), NO_CHARACTER)
        return b"<" + code + b"> <" + _utf16(char) + b">"

    return entry


def _utf16(char: int) -> bytes:
    return chr(char).encode("utf-16-be").hex().upper().encode()


def _glyph_characters(font: Any) -> dict[int, int]:
    """CID -> the character the embedded font's own cmap maps to that glyph (the lowest,
    where several do). Empty when the font or its map cannot be read."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        descendant = font.DescendantFonts[0]
        if descendant.get("/CIDToGIDMap", pikepdf.Name.Identity) != pikepdf.Name.Identity:
            return {}
        data = descendant.FontDescriptor.FontFile2.read_bytes()
        with TTFont(io.BytesIO(data)) as face:
            cmap = face.getBestCmap() or {}
            characters: dict[int, int] = {}
            for char, name in sorted(cmap.items()):
                characters.setdefault(face.getGlyphID(name), char)
    except (AttributeError, KeyError, IndexError, TTLibError, AssertionError, ValueError):
        return {}
    return characters

"""Every glyph maps to a character: the ToUnicode gaps of shaped scripts are filled."""

from __future__ import annotations

import io

import pikepdf

from briefpress.editions import medium
from briefpress.pdf.finish import finish
from briefpress.pdf.weasy import import_weasyprint


def to_unicode_maps(pdf: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            o.ToUnicode.read_bytes()
            for o in doc.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == "/Type0"
        ]


def test_a_thai_sara_am_reads_as_its_characters() -> None:
    """ำ is shaped as two glyphs; WeasyPrint maps the ring to nothing. After finishing,
    the ring maps to U+0E4D (NIKHAHIT), the character the font draws with it."""
    weasyprint = import_weasyprint()
    html = "<html lang='th'><p style=\"font-family: 'Noto Sans Thai'\">ทำงาน</p></html>"
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert any(b"<>" in m for m in to_unicode_maps(pdf))  # the gap this fills
    maps = to_unicode_maps(finish(pdf, medium("screen")))
    assert not any(b"<>" in m for m in maps)
    assert any(b"<0E4D>" in m for m in maps)

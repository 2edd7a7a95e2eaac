"""Every glyph maps to a character: the ToUnicode gaps of shaped scripts are filled."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pikepdf
import pypdf
import pypdfium2

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


def test_an_arabic_lam_alef_ligature_maps_in_logical_order() -> None:
    """Noto Sans Arabic draws لا as one glyph; its ToUnicode entry must stay lam then
    alef (logical order, the order Unicode text is kept in), so readers that take the map as written
    (pypdf, assistive technology) get لا. pdfium and poppler reorder a right-to-left
    line after expanding the ligature and so read it back as ال: that is theirs to
    fix, and writing the entry in visual order would break every other reader (the
    ActualText of pdf/ligatures.py mends what they read)."""
    weasyprint = import_weasyprint()
    html = "<html lang='ar' dir='rtl'><p style=\"font-family: 'Noto Sans Arabic'\">لا</p></html>"
    maps = to_unicode_maps(finish(weasyprint.HTML(string=html).write_pdf(), medium("screen")))
    assert any(b"<06440627>" in m.upper() for m in maps)
    assert not any(b"<06270644>" in m.upper() for m in maps)


ARABIC = "لا تزال بعض الصيدليات ترفض صرفه قبل نهاية الأسبوع"


def test_lam_alef_reads_in_logical_order_in_every_reader() -> None:
    """pdfium and poppler turned the ligature's two characters round (لا read as ال,
    الأسبوع as األسبوع). Marked with its presentation form as ActualText, the handout's
    words come back as written: from pdfium and pypdf exactly, from poppler as the same
    text under compatibility normalisation (which its search applies)."""
    weasyprint = import_weasyprint()
    html = (
        "<html lang='ar' dir='rtl'><body><p style=\"font-family: 'Noto Sans Arabic'\">"
        f"{ARABIC}</p><p style=\"font-family: 'Noto Sans Arabic'; font-weight: bold\">"
        "لآ لإ</p></body></html>"
    )
    raw = weasyprint.HTML(string=html).write_pdf()
    assert ARABIC not in pdfium_text(raw)  # the reversal this mends
    finished = finish(raw, medium("screen"))
    assert ARABIC in pdfium_text(finished)
    assert "لآ لإ" in pdfium_text(finished)
    assert ARABIC in pypdf.PdfReader(io.BytesIO(finished)).pages[0].extract_text()
    if shutil.which("pdftotext"):
        poppler = subprocess.run(
            ["pdftotext", "-", "-"], input=finished, capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert ARABIC in unicodedata.normalize("NFKC", poppler)


def pdfium_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()

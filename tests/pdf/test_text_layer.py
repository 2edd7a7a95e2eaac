"""The text layer a screen reader, a search or a copy reads: hyphenated words whole, and a
landscape page of the print edition turned onto the portrait trim."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest

from briefpress.editions import medium
from briefpress.pdf.finish import finish

weasyprint = pytest.importorskip("weasyprint")

WORDS = "International education organisations demonstrate extraordinary responsibilities"


def pdf_of(html: str) -> bytes:
    return bytes(weasyprint.HTML(string=html).write_pdf())


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_line_end_hyphens_are_soft_in_the_text_layer() -> None:
    html = f'<html lang="en"><body><p style="width:28mm; hyphens:auto">{WORDS}</p></body></html>'
    raw = pdf_of(html)
    assert "\u2010" in text_of(raw)  # WeasyPrint draws and writes a hard hyphen
    finished = finish(raw, medium("screen"))
    text = text_of(finished)
    assert "\u2010" not in text
    joined = text.replace("\ufffe", "").replace("\r\n", " ")
    for word in WORDS.split():
        assert word in joined


def test_a_landscape_page_is_turned_onto_the_portrait_trim_in_print() -> None:
    html = (
        "<html><head><style>@page { size: A4; bleed: 3mm } @page wide { size: A4 landscape }"
        " .wide { page: wide }</style></head><body><p>Portrait</p>"
        '<div class="wide"><p>Landscape table</p></div></body></html>'
    )
    finished = finish(pdf_of(html), medium("print"))
    with pikepdf.open(io.BytesIO(finished)) as doc:
        trims = [[float(v) for v in page.obj.TrimBox] for page in doc.pages]
    sizes = {(round(t[2] - t[0]), round(t[3] - t[1])) for t in trims}
    assert len(trims) == 2 and sizes == {(595, 842)}
    assert "Landscape table" in text_of(finished)

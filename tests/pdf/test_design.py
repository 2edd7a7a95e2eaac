"""The designer's measures (pdf/design.py) on small PDFs made for the purpose."""

from __future__ import annotations

import pytest

from briefpress.editions import medium
from briefpress.pdf import design
from briefpress.pdf.finish import finish

weasyprint = pytest.importorskip("weasyprint")

TEXT = "Respondents described how police practices changed after the reform of the law. " * 12


def pdf_of(body: str, style: str = "") -> bytes:
    html = (
        f'<html lang="en"><head><style>@page {{ size: A4; margin: 21mm 20mm 20mm }}'
        f" body {{ font: 9.6pt 'Noto Sans' }} {style}</style></head><body>{body}</body></html>"
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def test_line_length_and_hyphens_are_read_from_the_text_layer() -> None:
    long_words = "International education organisations demonstrate extraordinary responsibilities"
    raw = pdf_of(
        f'<p style="width:80mm">{TEXT}</p><p style="width:28mm; hyphens:auto">{long_words}</p>'
    )
    lengths, hyphens, smallest, _texts, overlaps = design.text_facts(raw)
    assert 40 <= design.DesignFacts([], lengths, 0, 0, 0, [], []).median_line <= 65
    assert smallest == pytest.approx(9.6, abs=0.1)
    assert not overlaps
    assert design.text_facts(finish(raw, medium("screen")))[1] == 0  # soft hyphens once finished
    assert hyphens > 0  # WeasyPrint writes the drawn hyphen as a hard one


def test_words_over_words_and_page_fill() -> None:
    over = '<p style="position:absolute; top:0">hidden words</p><p>shown words</p>'
    assert design.text_facts(pdf_of(over))[4]
    half = pdf_of('<div style="height:120mm; background:#000"></div>')
    assert design.page_fills(half) == [pytest.approx(120 / 256, abs=0.03)]
    facts = design.measure(half, prepress=False)
    assert facts.problems == []  # one page: the last may be short


def test_grey_text_is_counted_in_print() -> None:
    grey = pdf_of('<p style="color: device-cmyk(0 0 0 0.6)">grey</p><p>black</p>')
    assert design.grey_text_runs(grey) == 1

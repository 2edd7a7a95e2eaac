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


def test_room_left_above_back_matter_at_the_last_page_s_foot_is_empty() -> None:
    """Back matter set at the foot of the last page does not make it read as full: the
    widest blank band above it counts as empty there, and only there."""
    block = '<div style="height:{h}mm; background:#000"></div>'
    back = block.format(h=30)
    gap = '<div style="height:{h}mm"></div>'
    page = block.format(h=60) + gap.format(h=160) + back
    raw = pdf_of(page + '<div style="break-before: page"></div>' + page)
    first, last = design.page_fills(raw)
    assert first > 0.95, "a page before the last reads down to its lowest ink"
    assert last == pytest.approx((60 + 30) / 256, abs=0.04)
    assert "page 2" in " ".join(
        design.targets(design.DesignFacts([first, last], [], 0, 0, 0, [], []))
    )
    small_gaps = block.format(h=80) + gap.format(h=8) + block.format(h=80)
    assert design.page_fills(pdf_of(small_gaps)) == [pytest.approx(168 / 256, abs=0.03)]


def test_grey_text_is_counted_in_print() -> None:
    grey = pdf_of('<p style="color: device-cmyk(0 0 0 0.6)">grey</p><p>black</p>')
    assert design.grey_text_runs(grey) == 1


def test_a_syllable_s_stacked_glyphs_are_not_words_over_words() -> None:
    """A Bengali vowel sign drawn before its consonant, a Khmer subscript under it, share
    its box by design; hidden text laid over another word is still found."""
    box = (10.0, 10.0, 16.0, 20.0)

    def chars(text: str, boxes: list[tuple[float, float, float, float]]) -> list[design.Char]:
        return [design.Char(t, 9.0, b) for t, b in zip(text, boxes, strict=True)]

    others = [(20.0 + 6 * n, 10.0, 26.0 + 6 * n, 20.0) for n in range(3)]
    # কিন্তু-like: i-sign, consonants, then the sign's box again over the first consonant
    bengali = chars("\u09bfকন\u09cd", [box, *others[:2], box])
    assert design._overlaps(bengali) == []
    # a word drawn over the first letter of another, a space between them
    space = (40.0, 10.0, 44.0, 20.0)
    latin = chars("abc de", [box, *others[:2], space, box, others[2]])
    assert design._overlaps(latin) == ["a/d"]

"""A PDF's layout read as paragraphs: the rules that are not plain to see in the fixtures.

The fixture reports (tests/importer/test_shapes.py) exercise the whole reader on real
WeasyPrint PDFs in one and two columns; these pin down its small rules.
"""

from __future__ import annotations

from briefpress.source.layout import Line, _column_edges, _mend_hyphens, _soft_hyphens
from briefpress.source.read import _joined


def _line(text: str, x0: float = 50, x1: float = 350, top: float = 500, page: int = 0) -> Line:
    line = Line(page, x0, x1, top, top - 8, size=10.0)
    line.chars = list(text)
    line.sizes = [10.0] * len(text)
    return line


def test_a_hyphen_used_only_at_line_ends_is_the_producer_s_and_is_mended() -> None:
    lines = [_line("people with disabil\u2010"), _line("ities and a community-led group")]
    soft = _soft_hyphens(lines)
    assert soft == {"\u2010"}  # "-" appears inside a line: a word's own hyphen
    assert _mend_hyphens([line.text for line in lines], soft) == [
        "people with disabilities",
        "and a community-led group",
    ]


def test_a_real_hyphen_at_a_line_end_is_left_for_the_report_s_words_to_decide() -> None:
    texts = ["a community-", "led group and a self-help group"]
    assert _mend_hyphens(texts, _soft_hyphens([_line(t) for t in texts])) == texts


def test_two_columns_have_their_own_edges() -> None:
    left = [_line(f"left {i}", 50, 200, 700 - 12 * i) for i in range(6)]
    right = [_line(f"right {i}", 220, 370, 700 - 12 * i) for i in range(6)]
    edges = _column_edges([*left, *right], 10.0, 50, 370)
    assert edges[0] == (50, 200) and edges[-1] == (220, 370)
    one = _column_edges(left, 10.0, 50, 200)
    assert set(one) == {(50, 200)}


def test_a_web_address_broken_at_a_line_end_is_joined_without_a_space() -> None:
    assert _joined(["Survey. https://", "example.org/x"]) == "Survey. https://example.org/x"
    assert _joined(["Article 9:", "Accessibility."]) == "Article 9: Accessibility."

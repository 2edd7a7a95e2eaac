"""``briefpress export --format csv``: cells a spreadsheet would run as formulas are text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from briefpress.core.files import spreadsheet_text
from briefpress.data.export import serialise
from conftest import Result

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_every_formula_start_is_made_text(value: str) -> None:
    assert spreadsheet_text(value) == "'" + value
    rows = list(csv.reader(io.StringIO(serialise([{"quote": value}], "csv"), newline="")))
    assert rows == [["quote"], ["'" + value]]


def test_plain_text_and_numbers_stay_as_they_are() -> None:
    row = {"quote": "We were fined.", "count": -3, "share": 0.5, "tags": ["=a", "b"]}
    text = serialise([row], "csv")
    assert text.split("\r\n")[1] == "We were fined.,-3,0.5,'=a; b"
    assert spreadsheet_text("'=already") == "'=already"


def test_export_of_a_report_neutralises_formulas(project: Path, cli: Callable[..., Result]) -> None:
    quotes = project / "reports" / "mini-report" / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace("subsection: Policing practices", "subsection: '=1+2'"))
    result = cli("export", "quotes", "--format", "csv")
    assert result.code == 0, result.output
    assert ",'=1+2," in result.out and ",=1+2," not in result.out

"""A re-import never destroys a person's work, and no input makes the import hang or lie.

Each test reproduces a way the import once lost work or misbehaved: a merge over a
hand-edited file that does not parse, a re-import over the ticked review list, a draft
file saved as Latin-1, a report's file name that breaks the YAML, a report without
numbered sections, a megabyte on one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import run_cli

REPORT = """\
1 Findings

Respondents spoke about the cost of services:

“The fee is the same as a day's food for my family.” (Respondent, Peer Network, Kenya)

2 Recommendations

1. Remove fees.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "project" / "briefs").mkdir(parents=True)
    return tmp_path / "project"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, "utf-8")
    return path


def _import(root: Path, source: Path, *extra: str) -> Any:
    return run_cli(["-C", str(root), "import", str(source), "--report", "draft", *extra])


def test_merge_never_overwrites_a_file_that_does_not_parse(root: Path, report: Path) -> None:
    assert _import(root, report).code == 0
    path = root / "reports" / "draft" / "quotes.yaml"
    broken = (
        path.read_text("utf-8") + '  - id: "q9-01\n    text: [my edit, unclosed\n'
    )  # no closing
    path.write_text(broken, "utf-8")
    result = _import(root, report, "--merge")
    assert result.code == 1
    assert "reports/draft/quotes.yaml:" in result.err and "cannot be merged" in result.err
    assert "nothing was written" in result.err
    assert path.read_text("utf-8") == broken
    assert "Traceback" not in result.output


def test_a_latin1_draft_file_is_a_clean_error_on_reimport(root: Path, report: Path) -> None:
    assert _import(root, report).code == 0
    path = root / "reports" / "draft" / "countries.yaml"
    edited = path.read_text("utf-8").replace("Kenya", "Kenya café").encode("latin-1")
    path.write_bytes(edited)
    refused = _import(root, report)
    assert (
        refused.code == 1 and "countries.yaml: error: edited since it was imported" in refused.err
    )
    merged = _import(root, report, "--merge")
    assert merged.code == 1
    assert "countries.yaml: error: not UTF-8 text (byte 0xe9" in merged.err, merged.err
    assert path.read_bytes() == edited
    assert "internal error" not in merged.output


def test_reimport_keeps_the_ticked_review_list(root: Path, report: Path) -> None:
    assert _import(root, report).code == 0
    review = root / "reports" / "draft" / "REVIEW.md"
    text = review.read_text("utf-8")
    assert "- [ ] `themes.yaml`" in text
    mine = text.replace("- [ ] `themes.yaml`", "- [x] `themes.yaml`") + "\nMy note: ask Amina.\n"
    review.write_text(mine, "utf-8")
    again = _import(root, report, "--force")
    assert again.code == 0, again.output
    assert review.read_text("utf-8") == mine
    new = (root / "reports" / "draft" / "REVIEW.new.md").read_text("utf-8")
    assert "- [x] `themes.yaml`" in new and "- [ ] `findings.yaml`" in new
    assert "REVIEW.new.md" in again.out


def test_an_untouched_review_list_is_simply_replaced(root: Path, report: Path) -> None:
    assert _import(root, report).code == 0
    assert _import(root, report).code == 0
    assert not (root / "reports" / "draft" / "REVIEW.new.md").exists()


@pytest.mark.parametrize("odd", ["\nreport:\n  id: evil", "\u2028id: evil", "\x1b[2J"])
def test_a_file_name_cannot_inject_yaml(root: Path, tmp_path: Path, odd: str) -> None:
    path = tmp_path / f"rep{odd}ort.txt"
    path.write_text(REPORT, "utf-8")
    result = _import(root, path)
    assert result.code == 0, result.output
    for name in ("report", "quotes", "sources"):
        text = (root / "reports" / "draft" / f"{name}.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
        assert list(data) == [name]
        assert "evil" not in str(data)
        assert all(line.isprintable() for line in text.splitlines())
    assert run_cli(["-C", str(root), "check"]).code == 0


def test_a_report_without_numbered_sections_has_no_empty_section(
    root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "Access to Care\n\nFindings\n\n“We wait three days for a ramp that never comes.” "
        "(Respondent, Peer Network, Kenya)\n",
        "utf-8",
    )
    result = _import(root, path)
    assert result.code == 0, result.output
    assert "verified: every verbatim field" in result.out
    (quote,) = yaml.safe_load((root / "reports/draft/quotes.yaml").read_text("utf-8"))["quotes"]
    assert quote["section"] == "0"
    report = yaml.safe_load((root / "reports/draft/report.yaml").read_text("utf-8"))["report"]
    assert report["sections"] == [{"id": "0", "title": "Findings"}]


def test_a_megabyte_on_one_line_imports(root: Path, tmp_path: Path) -> None:
    """Thousands of quotations on one line: each was once compared with every other."""
    sentence = "As one study put it: “the quoted words here” 3 and more. "
    path = tmp_path / "long.txt"
    path.write_text("1 Findings\n\n" + (sentence * (2**20 // len(sentence))) + "\n", "utf-8")
    result = _import(root, path)
    assert result.code in (0, 1), result.output
    assert "internal error" not in result.output
    assert (root / "reports" / "draft" / "quotes.yaml").exists()

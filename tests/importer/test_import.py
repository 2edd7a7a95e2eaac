"""``briefpress import`` end to end: text dump, Word document and PDF to draft data.

The Word document and the PDF are generated from the fixture report in
tests/fixtures/import/ (real footnotes, the Quote style, running titles);
the text dump is the INPUD report beside the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefpress.source.clean import unmark, vocabulary
from briefpress.source.text import normalise_text
from conftest import REPO, run_cli

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "import"))
import make_report


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture report as report.docx and report.pdf."""
    folder = tmp_path_factory.mktemp("generated")
    return {
        "docx": make_report.make_docx(folder / "report.docx"),
        "pdf": make_report.make_pdf(folder / "report.pdf"),
    }


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty project."""
    (tmp_path / "briefs").mkdir()
    return tmp_path


def _import(root: Path, source: Path, *extra: str) -> Any:
    return run_cli(["-C", str(root), "import", str(source), "--report", "draft", *extra])


def _records(root: Path, stem: str) -> Any:
    data = yaml.safe_load((root / "reports" / "draft" / f"{stem}.yaml").read_text("utf-8"))
    return data[stem]


def _check_reports_only_to_write(root: Path, *extra: str) -> None:
    """``check`` loads the draft and lists only the fields a person must write."""
    result = run_cli(["-C", str(root), "check", *extra])
    assert result.code == 0, result.output
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines, "the draft has fields to write; check must list them"
    assert all(": warning: to be written: " in line for line in lines), result.err


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_fixture_report_imports_completely(
    kind: str, generated: dict[str, Path], root: Path
) -> None:
    result = _import(root, generated[kind])
    assert result.code == 0, result.output
    assert "verified: every verbatim field is in" in result.out
    want = make_report.expected()

    quotes = _records(root, "quotes")
    assert [(q["text"], q["attribution"]) for q in quotes] == [
        (q["text"], q["attribution"]) for q in want["quotes"]
    ]
    organisations = {o["id"]: o for o in _records(root, "organisations")}
    countries = {c["id"]: c["name"] for c in _records(root, "countries")}
    assert sorted((o["short"], countries[o["country"]]) for o in organisations.values()) == sorted(
        (o["short"], o["country"]) for o in want["organisations"]
    )
    for quote in quotes:
        org = organisations[quote["organisation"]]
        assert org["country"] == quote["country"]
        assert normalise_text(org["short"]).replace("-", " ") in normalise_text(
            quote["attribution"]
        ).replace("-", " ")
    assert [q["subsection"] for q in quotes[:4]] == [
        "Opening hours", "Opening hours", "Distance", "Distance"
    ]  # fmt: skip
    assert [q["section"] for q in quotes] == ["2.1"] * 4 + ["2.2"] * 2

    sources = _records(root, "sources")
    assert {s["number"]: s["citation"] for s in sources} == want["footnotes"]
    assert sources[1]["url"] == "https://example.org/designing-with-community"
    assert [x["text"] for x in _records(root, "literature")] == want["literature"]
    assert _records(root, "literature")[0]["source"] == 2
    recommendations = _records(root, "recommendations")
    items = [r["text"] for r in recommendations]
    items[1:1] = [p["text"] for p in recommendations[0]["parts"]]
    assert items == want["recommendation_items"]
    report = yaml.safe_load((root / "reports" / "draft" / "report.yaml").read_text("utf-8"))
    sections = [(s["id"], s["title"]) for s in report["report"]["sections"]]
    assert sections == [tuple(s) for s in want["sections"]]
    assert report["report"]["title"] == make_report.load()["title"]

    review = (root / "reports" / "draft" / "REVIEW.md").read_text("utf-8")
    assert "Peer Network; Peer-Network" in review  # one organisation, two spellings
    assert "seen under more than one spelling" in result.out
    _check_reports_only_to_write(root)
    _check_reports_only_to_write(root, "--against", str(generated[kind]))


def test_word_pull_quote_is_not_a_second_quote(generated: dict[str, Path], root: Path) -> None:
    assert _import(root, generated["docx"]).code == 0
    texts = [q["text"] for q in _records(root, "quotes")]
    assert not any(t == "Nobody who works a day job can get there in time" for t in texts)
    review = (root / "reports" / "draft" / "REVIEW.md").read_text("utf-8")
    assert "is set as a quote (Intense Quote) but no attribution follows it" in review


def test_inpud_text_dump(seed: Path, root: Path) -> None:
    result = _import(root, seed)
    assert result.code == 0, result.output
    quotes = _records(root, "quotes")
    assert len(quotes) >= 64
    assert len(_records(root, "sources")) == 41
    review = (root / "reports" / "draft" / "REVIEW.md").read_text("utf-8")
    assert "footnote 47 is referenced in section 5 but not found in the text" in review
    by_text = {normalise_text(q["text"]): q for q in quotes}
    shipped = yaml.safe_load(
        (REPO / "reports" / "inpud-2021-decriminalisation" / "quotes.yaml").read_text("utf-8")
    )["quotes"]
    found = [by_text.get(normalise_text(q["text"])) for q in shipped]
    assert (
        sum(1 for f, q in zip(found, shipped, strict=True) if f and f["country"] == q["country"])
        >= 64
    )
    _check_reports_only_to_write(root, "--against", str(seed))


def test_reimport_keeps_what_a_person_wrote(generated: dict[str, Path], root: Path) -> None:
    assert _import(root, generated["pdf"]).code == 0
    path = root / "reports" / "draft" / "quotes.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["quotes"][0]["themes"] = ["opening-hours"]
    data["quotes"][0]["note"] = "Editorial: the clinic is the only one in the district."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    edited = path.read_text("utf-8")

    refused = _import(root, generated["pdf"])
    assert refused.code == 1
    assert "reports/draft/quotes.yaml: error: edited since it was imported" in refused.err
    assert path.read_text("utf-8") == edited

    merged = _import(root, generated["pdf"], "--merge")
    assert merged.code == 0, merged.output
    first = _records(root, "quotes")[0]
    assert first["themes"] == ["opening-hours"]
    assert first["note"] == "Editorial: the clinic is the only one in the district."
    assert len(_records(root, "quotes")) == 6

    forced = _import(root, generated["pdf"], "--force")
    assert forced.code == 0, forced.output
    assert _records(root, "quotes")[0]["themes"] == []


def test_untouched_draft_is_replaced_without_asking(generated: dict[str, Path], root: Path) -> None:
    assert _import(root, generated["pdf"]).code == 0
    again = _import(root, generated["pdf"])
    assert again.code == 0, again.output
    manifest = json.loads((root / "reports" / "draft" / ".import.json").read_text("utf-8"))
    assert set(manifest["files"]) >= {"quotes.yaml", "report.yaml", "sources.yaml"}


SMALL_REPORT = """\
1 Findings

Respondents spoke about the cost of services:

The fee is the same as a day's food. [Interview 3, Kenya]

Another respondent was blunt:

Nobody can pay that. (Respondent)
"""


def test_project_adds_its_own_attribution_pattern(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "small.txt"
    source.write_text(SMALL_REPORT, "utf-8")
    first = _import(root, source)
    assert first.code == 0, first.output
    assert _records(root, "quotes") == []
    review = (root / "reports" / "draft" / "REVIEW.md").read_text("utf-8")
    assert "(Respondent) looks like an attribution but matches no pattern" in review

    (root / "import-patterns.yaml").write_text(
        "attributions:\n"
        "  - name: interview-number\n"
        r"    pattern: '\[(?P<attribution>Interview \d+, (?P<place>[A-Z][a-z]+))\]'" + "\n",
        "utf-8",
    )
    second = _import(root, source, "--force")
    assert second.code == 0, second.output
    (quote,) = _records(root, "quotes")
    assert quote["text"] == "The fee is the same as a day's food."
    assert quote["attribution"] == "Interview 3, Kenya"
    assert quote["country"] == "kenya"
    assert quote["organisation"] is None


def test_broken_pattern_and_bad_input_are_reported_cleanly(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "small.txt"
    source.write_text(SMALL_REPORT, "utf-8")
    (root / "import-patterns.yaml").write_text("attributions:\n  - pattern: '(unclosed'\n")
    result = _import(root, source)
    assert result.code == 1
    assert "import-patterns.yaml (pattern 1): error: not a valid regular expression" in result.err
    assert not (root / "reports" / "draft").exists()

    missing = _import(root, tmp_path / "nowhere.pdf")
    assert missing.code == 1 and "nowhere.pdf: no such file" in missing.err
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    unreadable = _import(root, broken)
    assert unreadable.code == 1 and "cannot read Word document" in unreadable.err
    bad_id = run_cli(["-C", str(root), "import", str(source), "--report", "Bad Id"])
    assert bad_id.code == 1 and "not a usable report id" in bad_id.err
    assert "Traceback" not in missing.output + unreadable.output + bad_id.output


def test_line_end_hyphens_follow_the_report() -> None:
    words = vocabulary("community-led groups respondent drug free")
    assert unmark("community-\x01led", words) == "community-led"  # printed whole elsewhere
    assert unmark("Respond\x01ent", words) == "Respondent"
    assert unmark("drug\x01free", words) == "drug-free"  # two words of their own
    assert unmark("inter\x01est", words) == "interest"
    assert unmark("use.\x0312\x04 Next", words) == "use. Next"
    assert unmark("https://\x02www.example.org", words) == "https://www.example.org"

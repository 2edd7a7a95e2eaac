"""Reports of other shapes import completely, in every form, with no project patterns.

The fixture reports (tests/fixtures/import/make_shapes.py) differ from the INPUD one the
way other organisations' reports do: numbered headings ("1. Introduction and
methodology", "2.1 Jordan"), endnotes, attributions set as a dash-led or parenthesised
line under the quote, quotes of two paragraphs reopening with a quotation mark, towns
instead of countries, an unnumbered executive summary with a pull quote, French.  Each is
generated once per session as .docx, .pdf (WeasyPrint: running header, hyphenation; one
column on A5 and two on A4) and
.txt, and compared with its ground truth (NAME.truth.yaml).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefpress.importer.attribute import parts
from briefpress.importer.places import resolve, studied_countries
from conftest import REPO, run_cli

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "import"))
import make_shapes

FORMS = [(name, form) for name in make_shapes.NAMES for form in ("docx", "pdf", "pdf2", "txt")]


@pytest.fixture(scope="session")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    return make_shapes.make_all(tmp_path_factory.mktemp("shapes"))


def _import(root: Path, source: Path, *extra: str) -> Any:
    (root / "briefs").mkdir(parents=True, exist_ok=True)
    return run_cli(["-C", str(root), "import", str(source), "--report", "draft", *extra])


def _paragraphs(quote: dict[str, Any]) -> list[str]:
    """A quote's paragraphs: the import writes several as a list, one as a text."""
    text = quote["text"]
    return list(text) if isinstance(text, list) else [text]


def _records(root: Path, stem: str) -> Any:
    return yaml.safe_load((root / "reports/draft" / f"{stem}.yaml").read_text("utf-8"))[stem]


@pytest.mark.parametrize(("name", "form"), FORMS)
def test_report_of_another_shape_imports_completely(
    name: str, form: str, shapes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    truth = make_shapes.truth(name)
    result = _import(tmp_path, shapes[name, form])
    assert result.code == 0, result.output
    assert "verified: every verbatim field is in" in result.out

    report = _records(tmp_path, "report")
    assert [[s["id"], s["title"]] for s in report["sections"]] == truth["sections"]
    assert report["language"] == truth["language"]
    assert report["title"] == truth["title"]
    assert not {"methodology", "position"} & set(report)

    countries = {c["id"]: c["name"] for c in _records(tmp_path, "countries")}
    assert sorted(countries.values()) == truth["countries"]
    quotes = _records(tmp_path, "quotes")
    got = [
        (_paragraphs(q), q["attribution"], countries[q["country"]], q.get("location"))
        for q in quotes
    ]
    want = [(q["paragraphs"], q["attribution"], q["country"], q["place"]) for q in truth["quotes"]]
    assert got == want
    assert all(q["section"] for q in quotes)

    sources = _records(tmp_path, "sources")
    assert {s["number"]: s["citation"] for s in sources} == truth["footnotes"]
    recommendations = _records(tmp_path, "recommendations")
    items = [
        text for r in recommendations for text in [r["text"], *(p["text"] for p in r["parts"])]
    ]
    assert items == truth["items"]
    check = run_cli(["-C", str(tmp_path), "check", "--against", str(shapes[name, form])])
    assert check.code == 0, check.output


def test_the_pdf_s_running_header_is_neither_text_nor_title(
    shapes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    from briefpress.source.read import read_source

    text = read_source(shapes["disability", "pdf"])
    assert "Nothing About Us · 2024" not in text
    assert "disabled researcher" in text.replace("\n", " ")  # "dis-/abled": hyphen mended
    assert "can‐\nnot" not in text and "cannot" in text.replace("\n", " ")


def test_a_changed_paragraph_of_a_two_paragraph_quote_is_reported(
    shapes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    assert _import(tmp_path, shapes["disability", "txt"]).code == 0
    path = tmp_path / "reports/draft/quotes.yaml"
    text = path.read_text("utf-8")
    assert '- "My daughter' in text and '- "I carried her' in text  # paragraphs, no stray mark
    path.write_text(text.replace("the taxi ran out", "the taxi run out"), "utf-8")
    check = run_cli(["-C", str(tmp_path), "check", "--against", str(shapes["disability", "txt"])])
    assert check.code == 1
    assert 'the report has "ran" where the data has "run"' in check.err


def test_merge_after_hand_edits_keeps_them_and_leaves_check_clean(
    shapes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    source = shapes["disability", "docx"]
    assert _import(tmp_path, source).code == 0
    path = tmp_path / "reports/draft/quotes.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["quotes"][0]["themes"] = []
    data["quotes"][0]["note"] = "Checked with the research team."
    del data["quotes"][-1]  # a person removed one; the import brings it back
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    merged = _import(tmp_path, source, "--merge")
    assert merged.code == 0, merged.output
    quotes = _records(tmp_path, "quotes")
    assert quotes[0]["note"] == "Checked with the research team."
    assert len(quotes) == 15 and len({q["id"] for q in quotes}) == 15
    check = run_cli(["-C", str(tmp_path), "check", "--against", str(source)])
    assert check.code == 0, check.output
    assert "error" not in check.err


def test_attribution_parts_are_told_apart() -> None:
    woman = parts("Woman wheelchair user, 34, Amman")
    assert (woman.descriptor, woman.age, woman.organisation, woman.place) == (
        "Woman wheelchair user", 34, None, "Amman"
    )  # fmt: skip
    dpo = parts("Interview, disabled persons' organisation, Tunis")
    assert (dpo.descriptor, dpo.age, dpo.organisation, dpo.place) == (
        None, None, "disabled persons' organisation", "Tunis"
    )  # fmt: skip
    assert parts("Locataire, 52 ans, Marseille").age == 52


def test_a_town_resolves_at_the_level_the_report_studies() -> None:
    studied = studied_countries(["Introduction", "Jordan", "Lebanon", "Tunisia"])
    assert studied == {"JO": "Jordan", "LB": "Lebanon", "TN": "Tunisia"}
    tripoli = resolve("Tripoli", studied, None)  # also in Libya and Greece
    assert (tripoli.code, tripoli.town, tripoli.note) == ("LB", "Tripoli", None)
    assert resolve("Genève", {}, None).code == "CH"
    assert resolve("Belgique", {}, None) == resolve("Belgium", {}, None)
    alexandria = resolve("Alexandria", {}, None)
    assert alexandria.code == "EG" and "several countries" in (alexandria.note or "")
    assert resolve("Nowhereville", studied, None).code is None


def test_merge_keeps_layout_comments_nulls_and_ids(
    shapes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    source = shapes["disability", "txt"]
    assert _import(tmp_path, source).code == 0
    folder = tmp_path / "reports/draft"
    quotes = folder / "quotes.yaml"
    text = quotes.read_text("utf-8")
    last = text.rindex("  - id:")
    removed = text[last:]
    assert 'id: "q25-03"' in removed
    mine = (
        text[:last].replace("quotes:\n", "quotes:\n  # Checked with the research team.\n", 1)
        + "  - id: q25-03\n"  # a person's own record, under the id the import will want
        + "    order: 99\n"
        + "    text: Public buses in Jordan were described as the first barrier of the day\n"
        + "    country: jordan\n"
        + "    attribution: Woman wheelchair user, 34, Amman\n"
        + "    section: '2.1'\n"
    )
    mine = mine.replace('location: "Amman"', "location: null", 1)
    quotes.write_text(mine, "utf-8")
    countries = folder / "countries.yaml"
    countries.write_text(countries.read_text("utf-8") + "  - id: syria\n    name: Syria\n", "utf-8")
    findings = folder / "findings.yaml"
    findings.write_text(
        "findings:\n  - id: transport\n    headline: Transport shuts people out\n"
        "    text: Public buses in Jordan were described as the first barrier of the day\n"
        "    section: '2.1'\n",
        "utf-8",
    )
    before = findings.read_text("utf-8")

    merged = _import(tmp_path, source, "--merge")
    assert merged.code == 0, merged.output
    after = quotes.read_text("utf-8")
    assert after.startswith(mine)  # the person's text, byte for byte, then what is new
    assert "  # Checked with the research team." in after
    records = _records(tmp_path, "quotes")
    ids = [q["id"] for q in records]
    assert len(ids) == len(set(ids)) == 16 and "q25-03-2" in ids
    first = next(q for q in records if q["id"] == "q21-01")
    assert first["location"] is None  # the person's null, kept
    assert findings.read_text("utf-8") == before
    syria = [c for c in _records(tmp_path, "countries") if c["id"] == "syria"]
    assert syria == [{"id": "syria", "name": "Syria"}]
    check = run_cli(["-C", str(tmp_path), "check", "--against", str(source)])
    assert check.code == 0, check.output
    again = _import(tmp_path, source)
    assert again.code == 1 and "edited since it was imported" in again.err


def test_a_project_gives_attributions_as_printed(tmp_path: Path) -> None:
    """No regular expressions: attribution lines as the report prints them."""
    report = tmp_path / "small.txt"
    report.write_text(
        "1 Findings\n\nRespondents spoke about the cost of services:\n\n"
        "The fee is the same as a day's food. [Interview 3, Kenya]\n\n"
        "Nobody can pay that, not even the teachers. [Interview 14, Uganda]\n",
        "utf-8",
    )
    (tmp_path / "attributions.yaml").write_text(
        'attributions:\n  - "[Interview 3, Kenya]"\n', "utf-8"
    )
    result = _import(tmp_path, report)
    assert result.code == 0, result.output
    quotes = _records(tmp_path, "quotes")
    countries = {c["id"]: c["name"] for c in _records(tmp_path, "countries")}
    assert [(q["text"], q["attribution"], countries[q["country"]]) for q in quotes] == [
        ("The fee is the same as a day's food.", "Interview 3, Kenya", "Kenya"),
        ("Nobody can pay that, not even the teachers.", "Interview 14, Uganda", "Uganda"),
    ]


def test_a_line_set_flush_right_under_a_quote_is_its_attribution(tmp_path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_paragraph("1. Findings", style="Heading 1")
    document.add_paragraph("Respondents spoke about the ramps:")
    document.add_paragraph("“The ramp ends at a step, so it is a ramp to nowhere.”", style="Quote")
    document.add_paragraph("Wheelchair user, 61, Irbid").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = tmp_path / "right.docx"
    document.save(str(path))
    result = _import(tmp_path / "project", path)
    assert result.code == 0, result.output
    (quote,) = _records(tmp_path / "project", "quotes")
    assert quote["text"] == "The ramp ends at a step, so it is a ramp to nowhere."
    assert (quote["attribution"], quote["location"]) == ("Wheelchair user, 61, Irbid", "Irbid")

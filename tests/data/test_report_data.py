"""The shipped report data: complete, verbatim, anonymous and internally consistent."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from briefpress.checks.validate import validate_project
from briefpress.data.load import load_project
from briefpress.data.model import ReportData
from conftest import REPO, run_cli

REPORT = "inpud-2021-decriminalisation"
QUOTES_PER_SECTION = {"4.1": 18, "4.2": 9, "4.3": 5, "4.4": 13, "4.5": 6, "4.6": 16}
QUOTES_PER_COUNTRY = {
    "costa-rica": 13, "portugal": 11, "vietnam": 9, "kyrgyzstan": 8, "norway": 8,
    "estonia": 7, "netherlands": 7, "uruguay": 4,
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> ReportData:
    return load_project(REPO).reports[REPORT]


def test_shipped_project_has_no_problems() -> None:
    project = load_project(REPO)
    assert [str(p) for p in validate_project(project)] == []


def test_quote_counts_per_section_and_country(data: ReportData) -> None:
    assert Counter(q.section for q in data.quotes.values()) == QUOTES_PER_SECTION
    assert Counter(q.country for q in data.quotes.values()) == QUOTES_PER_COUNTRY
    orders = [q.order for q in data.quotes.values()]
    assert orders == list(range(1, len(orders) + 1))


def test_every_attribution_in_the_report_has_a_quote(seed: Path, data: ReportData) -> None:
    """Count the report's own attributions, independently of our data."""
    text = re.sub(r"\s+", " ", seed.read_text(encoding="utf-8"))
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)
    printed = re.findall(
        r"\((Respondent\s+from[^)]*|National Harm Reduction Network[^)]*|Uruguay)\)", text
    )
    assert len(printed) == len(data.quotes)
    ours = Counter(q.attribution for q in data.quotes.values())
    assert Counter(" ".join(p.split()) for p in printed) == ours


def test_attributions_stay_at_organisation_and_country(data: ReportData) -> None:
    for quote in data.quotes.values():
        country = data.countries[quote.country]
        org = data.organisations.get(quote.organisation or "")
        assert org is not None or quote.attribution == country.name, quote.id
        if org is not None:
            assert org.country == quote.country


def test_study_countries_models_and_themes(data: ReportData) -> None:
    assert len(data.countries) == 8 and len(data.models) == 5
    for country in data.countries.values():
        assert country.id in data.models[country.model].study_countries
        assert country.facts, country.id
    assert {"policing", "thresholds", "fines", "stigma", "surveillance", "harm-reduction",
            "treatment", "detention", "involvement", "way-forward"} <= set(data.themes)  # fmt: skip
    assert [r.number for r in data.recommendations.values()] == ["1", "2", "3", "4", "5"]
    assert [p.letter for p in data.recommendations["1"].parts] == ["a", "b", "c", "d"]


def test_contradictions_are_flagged_not_corrected(data: ReportData) -> None:
    method = data.report.methodology
    assert method.respondents == 12
    assert sum(method.respondents_by_country.values()) == 11
    assert method.note and "11" in method.note


def test_check_against_the_report_passes(seed: Path) -> None:
    result = run_cli(["-C", str(REPO), "check", "--against", str(seed)])
    assert result.code == 0, result.output
    assert "verbatim fields match" in result.out


def test_check_against_fails_when_a_quote_changes_by_one_character(
    seed: Path, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    for name in ("briefs", "reports"):
        shutil.copytree(REPO / name, root / name)
    quotes = root / "reports" / REPORT / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    changed = text.replace("The fines are useless.", "The fines are uselss.", 1)
    assert changed != text
    quotes.write_text(changed, encoding="utf-8")
    line = changed[: changed.index("uselss")].count("\n") + 1
    result = run_cli(["-C", str(root), "check", "--against", str(seed)])
    assert result.code == 1
    assert f"reports/{REPORT}/quotes.yaml:" in result.err
    assert "is not verbatim" in result.err and "useless" in result.err
    reported = int(re.search(r"quotes\.yaml:(\d+)", result.err).group(1))  # type: ignore[union-attr]
    assert 0 < line - reported < 4  # the record that holds the changed text


def test_export_quotes_json_has_the_report_fields() -> None:
    result = run_cli(["-C", str(REPO), "export", "quotes", "--format", "json"])
    rows = json.loads(result.out)
    assert len(rows) == 67
    for row in rows:
        for key in ("id", "text", "organisation", "country", "section", "subsection", "themes"):
            assert key in row
    assert {r["country"] for r in rows} == {
        "Costa Rica", "Estonia", "Kyrgyzstan", "Netherlands", "Norway", "Portugal",
        "Uruguay", "Vietnam",
    }  # fmt: skip

"""Select stage: pure functions over records."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefpress.data.load import load_project
from briefpress.data.model import BriefSpec, ReportData, SectionSpec
from briefpress.data.select import group_by_country, resolve_sections, select
from conftest import FIXTURE


@pytest.fixture(scope="module")
def data() -> ReportData:
    return load_project(FIXTURE).reports["mini-report"]


def ids(records: list[object]) -> list[str]:
    return [r.id for r in records]  # type: ignore[attr-defined]


def test_filter_by_country_keeps_report_order(data: ReportData) -> None:
    spec = SectionSpec("q", from_="quotes", country=["borduria"])
    assert ids(select(data.quotes, spec)) == ["q41-02", "q46-01"]


def test_filter_by_theme_and_section(data: ReportData) -> None:
    assert ids(select(data.quotes, SectionSpec("q", theme=["fines"], section=["4.6"]))) == [
        "q46-01"
    ]
    assert ids(select(data.quotes, SectionSpec("q", section=["4"]))) == [
        "q41-01",
        "q41-02",
        "q46-01",
    ]


def test_explicit_ids_keep_their_order_and_limit_applies(data: ReportData) -> None:
    spec = SectionSpec("q", ids=["q46-01", "q41-01", "q41-02"], limit=2)
    assert ids(select(data.quotes, spec)) == ["q46-01", "q41-01"]


def test_orders(data: ReportData) -> None:
    assert ids(select(data.quotes, SectionSpec("q", order="-report"))) == [
        "q46-01",
        "q41-02",
        "q41-01",
    ]
    shortest = select(data.quotes, SectionSpec("q", order="length", limit=1))
    assert ids(shortest) == ["q41-01"]


def test_findings_match_their_countries_list(data: ReportData) -> None:
    assert ids(select(data.findings, SectionSpec("f", country=["borduria"]))) == ["fines-punish"]
    assert ids(select(data.findings, SectionSpec("f", country=["arcadia"]))) == ["policing-eases"]
    assert select(data.findings, SectionSpec("f", country=["nowhere"])) == []


def test_models_are_placed_by_study_country(data: ReportData) -> None:
    assert ids(select(data.models, SectionSpec("m", country=["arcadia"]))) == ["no-sanctions"]


def test_spec_sections_replace_defaults_by_name() -> None:
    brief = BriefSpec(
        id="b",
        report="r",
        kind="country",
        title="T",
        country="arcadia",
        sections=[
            SectionSpec("quotes", from_="quotes", limit=1),
            SectionSpec("extra", from_="sources"),
        ],
    )
    sections = {s.name: s for s in resolve_sections(brief)}
    assert sections["quotes"].limit == 1 and sections["quotes"].country == []
    assert sections["findings"].country == ["arcadia"]
    assert list(sections)[-1] == "extra"


def test_group_by_country(data: ReportData) -> None:
    groups = group_by_country(data.quotes.values())
    assert list(groups) == ["arcadia", "borduria"]
    assert ids(groups["borduria"]) == ["q41-02", "q46-01"]


def test_select_does_not_touch_its_input(data: ReportData, tmp_path: Path) -> None:
    before = list(data.quotes)
    select(data.quotes, SectionSpec("q", order="-length"))
    assert list(data.quotes) == before


def test_default_place_sections_follow_the_reports_asks_section(data: ReportData) -> None:
    brief = BriefSpec(id="b", report="r", kind="country", title="T", country="borduria")
    without = dataclasses.replace(data.report, asks_section=None)
    plain = {s.name: s for s in resolve_sections(brief, without)}
    assert "asks" not in plain  # a report that names no asks section
    assert ids(select(data.quotes, plain["quotes"])) == ["q41-02", "q46-01"]
    report = dataclasses.replace(data.report, asks_section="4.6")
    sections = {s.name: s for s in resolve_sections(brief, report)}
    assert ids(select(data.quotes, sections["quotes"])) == ["q41-02"]
    assert ids(select(data.quotes, sections["asks"])) == ["q46-01"]
    handout = BriefSpec(id="h", report="r", kind="handout", title="T")
    quote = {s.name: s for s in resolve_sections(handout, report)}["quote"]
    assert ids(select(data.quotes, quote)) == ["q46-01"]

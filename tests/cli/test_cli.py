"""The commands end to end on the fixture project: list, new, export, check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import Result

Cli = Callable[..., Result]


def test_list_json_has_one_entry_per_brief(cli: Cli) -> None:
    result = cli("list", "--format", "json")
    assert result.code == 0, result.output
    rows = json.loads(result.out)
    assert [r["id"] for r in rows] == ["arcadia", "fines"]
    arcadia = rows[0]
    assert arcadia["kind"] == "country" and arcadia["country"] == "arcadia"
    assert arcadia["language"] == "en" and arcadia["max_pages"] == 4
    assert arcadia["output"] == "out/arcadia.pdf"
    assert rows[1]["theme"] == "fines"


def test_list_table(cli: Cli) -> None:
    result = cli("list")
    assert result.code == 0
    assert "arcadia" in result.out and "out/fines.pdf" in result.out


@pytest.mark.parametrize("kind", ["country", "theme", "handout", "letter", "overview"])
def test_new_writes_a_spec_that_builds(project: Path, cli: Cli, kind: str) -> None:
    result = cli("new", kind, f"my-{kind}")
    assert result.code == 0, result.output
    assert (project / f"briefs/my-{kind}.yaml").exists()
    built = cli("build", f"my-{kind}")
    assert built.code == 0, built.output
    assert (project / f"out/my-{kind}.pdf").exists()


def test_new_refuses_to_overwrite(project: Path, cli: Cli) -> None:
    before = (project / "briefs/arcadia.yaml").read_text()
    result = cli("new", "country", "arcadia")
    assert result.code == 1 and "exists already" in result.err
    assert (project / "briefs/arcadia.yaml").read_text() == before


def test_export_quotes_json(cli: Cli) -> None:
    result = cli("export", "quotes", "--format", "json")
    rows = json.loads(result.out)
    assert len(rows) == 3
    first = rows[0]
    for key in ("id", "text", "organisation", "country", "section", "subsection", "themes"):
        assert key in first
    assert first["country"] == "Arcadia" and first["organisation"] == "APN"


def test_export_filters_and_csv(cli: Cli) -> None:
    result = cli("export", "quotes", "--format", "csv", "--country", "borduria", "--theme", "fines")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["id"] for r in rows] == ["q41-02", "q46-01"]
    assert rows[0]["themes"] == "fines; policing"


@pytest.mark.parametrize(
    "kind", ["findings", "recommendations", "countries", "models", "themes", "sources"]
)
def test_export_every_kind_as_yaml(cli: Cli, kind: str) -> None:
    result = cli("export", kind, "--format", "yaml")
    assert result.code == 0, result.output
    rows = yaml.safe_load(result.out)
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)


def test_export_unknown_country_is_a_clean_error(cli: Cli) -> None:
    result = cli("export", "quotes", "--country", "atlantis")
    assert result.code == 1 and "unknown country 'atlantis'" in result.err


def test_check_passes_on_the_fixture(cli: Cli) -> None:
    result = cli("check")
    assert result.code == 0, result.output
    assert "3 quotes" in result.out


def test_anonymity_check_flags_personal_identifiers(project: Path, cli: Cli) -> None:
    path = project / "reports/mini-report/quotes.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '"Respondent from APN [Arcadia]"', '"Maria Gonzalez, APN [Arcadia], maria@example.org"'
    )
    path.write_text(text, encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert "personal name (Maria Gonzalez)" in result.err
    assert "e-mail address" in result.err


def test_language_check_flags_editorial_text_only(project: Path, cli: Cli) -> None:
    (project / "briefpress.yaml").write_text("packs: [drug-policy]\n", encoding="utf-8")
    brief = project / "briefs/fines.yaml"
    brief.write_text(brief.read_text() + 'subtitle: "Why fines hurt addicts"\n')
    quotes = project / "reports/mini-report/quotes.yaml"
    quotes.write_text(quotes.read_text().replace("harsh as before", "harsh to junkies as before"))
    result = cli("check")
    assert result.code == 0  # warnings only
    assert "stigmatising term 'addicts'" in result.err
    assert "junkies" not in result.err  # quotes are verbatim and never flagged
    strict = cli("check", "--strict")
    assert strict.code == 1
    (project / "briefpress.yaml").write_text("language_terms: [hurt]\n", encoding="utf-8")
    own = cli("check")  # without the pack, the project's own terms only
    assert "'addicts'" not in own.err and "stigmatising term 'hurt'" in own.err


def test_build_shows_each_distinct_warning_once(project: Path, cli: Cli) -> None:
    # A stylesheet every brief uses: WeasyPrint warns once per brief and edition.
    (project / "styles").mkdir()
    (project / "styles/extra.css").write_text("p { colour: red }\n", encoding="utf-8")
    result = cli("build", "--edition", "all")
    assert result.code == 0, result.output
    lines = [line for line in result.err.splitlines() if "unknown property" in line]
    assert lines == [
        "briefpress: warning: WeasyPrint: Ignored `colour: red ` at 1:5, unknown property."
        " [2 briefs: arcadia, fines]"
    ]
    strict = cli("build", "arcadia", "--strict", "--force")  # unchanged: a failure, shown
    assert strict.code == 1
    assert "  briefs/arcadia.yaml: warning: WeasyPrint: Ignored `colour: red `" in strict.err

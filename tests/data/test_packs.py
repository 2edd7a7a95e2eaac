"""Packs: a field's vocabulary is switched on by name, and nothing of it applies otherwise;
a typology's table has the report's own columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefpress.checks.privacy import personal_identifiers
from briefpress.data.packs import available, load_pack
from conftest import Result

ATTRIBUTION = "Respondent, Cannabis Growers Kenya"


def test_a_pack_gives_its_field_words_only_when_switched_on() -> None:
    assert "drug-policy" in available()
    pack = load_pack("drug-policy")
    assert pack is not None and pack.terms["terms"] and "Growers" in pack.organisation_words
    assert personal_identifiers(ATTRIBUTION)  # an unknown capitalised group: a name?
    assert not personal_identifiers(ATTRIBUTION, words=pack.organisation_words)
    assert load_pack("no-such-pack") is None


def test_an_unknown_pack_is_an_error_with_a_suggestion(
    project: Path, cli: Callable[..., Result]
) -> None:
    (project / "briefpress.yaml").write_text("packs: [drug-polcy]\n", encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert "briefpress.yaml: error: no pack 'drug-polcy'" in result.err
    assert "drug-policy" in result.err


def test_a_typology_cell_needs_a_declared_column(project: Path, cli: Callable[..., Result]) -> None:
    models = project / "reports/mini-report/models.yaml"
    models.write_text(models.read_text().replace("diversion:", "divresion:", 1))
    result = cli("check")
    assert result.code == 1
    assert "unknown column 'divresion'" in result.err and "diversion" in result.err

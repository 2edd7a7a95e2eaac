"""A mistake in a build's input is an error at its place, never a blank PDF nor silence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize("text", ["", "  \n\t\n", "{# nothing yet #}\n"])
def test_an_empty_template_is_an_error_at_that_file(project: Path, cli: Cli, text: str) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "country.html.j2").write_text(text)
    result = cli("build", "arcadia", "-j1")
    assert result.code == 1, result.output
    assert "templates/country.html.j2:1: error: template 'country.html.j2' produced an empty" in (
        result.err
    )
    assert "internal error" not in result.output
    assert not (project / "out" / "arcadia.pdf").exists()


@pytest.mark.parametrize("value", ["abc", "-5", "1e9", "１２３", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_a_located_error(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = cli("build", "-j1")
    assert result.code == 1
    assert result.err.startswith("SOURCE_DATE_EPOCH: error: the environment variable is"), (
        result.err
    )
    assert not list((project / "out").glob("*.pdf"))


def test_an_empty_source_date_epoch_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefpress.render.html import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    assert build_date() is not None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_date().isoformat() == "1970-01-01"


def test_an_image_or_stylesheet_that_cannot_be_loaded_fails_the_build(
    project: Path, cli: Cli
) -> None:
    """A PDF without its picture or its design is not the brief: exit 1, at the brief."""
    (project / "templates").mkdir()
    (project / "templates" / "country.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<h1>{{ brief.title }}</h1>'
        '<img src="../figures/missing.png" alt="A chart">{% endblock %}'
    )
    result = cli("build", "arcadia", "-j1")
    assert result.code == 1, result.output
    assert "briefs/arcadia.yaml: error: WeasyPrint: Failed to load image" in result.err
    assert not (project / "out" / "arcadia.pdf").exists()


def test_a_full_disk_while_imposing_is_an_error_not_a_success(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from briefpress.pdf import impose

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(project / "out/fines-2up.pdf"))

    monkeypatch.setattr(impose, "impose_pdf", full)
    result = cli("build", "fines", "-j1", "--impose", "2up")
    assert result.code == 1, result.output
    assert "out/fines-2up.pdf: error: cannot write the imposed sheets: No space left" in result.err
    assert "internal error" not in result.output

"""The share of a brief's words not in its language: the rule (marked text, names and
addresses aside), the warning above 5%, and the figure for every shipped translated brief."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefpress.checks.foreign import LIMIT, measure
from briefpress.data.load import load_project
from briefpress.render.measure import language_shares, translated_briefs
from conftest import REPO, Result

Cli = Callable[..., Result]


def test_words_marked_as_another_language_are_counted() -> None:
    html = (
        '<html lang="es"><head><title>English title words</title><style>p{}</style></head>'
        "<body><p>Cuatro palabras en español.</p>"
        '<blockquote lang="en"><p>Six words<br>in English, all told.</p></blockquote>'
        '<p lang="es-CR">Dos más<img alt="x"></p></body></html>'
    )
    share = measure("b", html, "es", [])
    assert (share.words, share.foreign) == (12, 6)
    assert share.share == pytest.approx(0.5)


def test_names_titles_and_addresses_are_not_foreign() -> None:
    html = (
        '<html lang="ru"><body><p>Слово.</p>'
        '<p lang="en">(Respondent from Sample Organisation [Arcadia]) https://example.org/x '
        "info@example.org Drug Decriminalisation: Progress?</p></body></html>"
    )
    names = ["Sample Organisation", "Arcadia", "Drug Decriminalisation: Progress?"]
    share = measure("b", html, "ru", names)
    assert share.foreign == 2  # "Respondent from"


def test_a_brief_mostly_left_in_english_warns_and_strict_fails(project: Path, cli: Cli) -> None:
    spec = project / "briefs/fines.yaml"
    spec.write_text(spec.read_text() + "language: es\n", encoding="utf-8")
    result = cli("check", "--languages")
    assert result.code == 0
    assert "briefs/fines.yaml: warning: " in result.err
    assert "of the brief's words" in result.err and "are not in es, over 5%" in result.err
    figure = next(line for line in result.out.splitlines() if line.startswith("fines "))
    assert "not in its language" in figure
    assert cli("check", "--strict").code == 1


@pytest.fixture(scope="module")
def shipped_shares() -> dict[str, float]:
    project = load_project(REPO)
    return {s.brief: s.share for s in language_shares(project)}


def test_every_shipped_translated_brief_is_measured(shipped_shares: dict[str, float]) -> None:
    briefs = [b.id for b in translated_briefs(load_project(REPO))]
    assert briefs and sorted(shipped_shares) == briefs


def test_every_shipped_translated_brief_is_at_most_five_percent_foreign(
    shipped_shares: dict[str, float],
) -> None:
    over = {brief: f"{share:.1%}" for brief, share in shipped_shares.items() if share > LIMIT}
    assert not over, over

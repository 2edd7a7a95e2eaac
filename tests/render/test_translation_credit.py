"""Translated report text, honestly labelled: one credit per brief (who translated, when the
translations file says; the English edition is authoritative), and with ``bilingual: true``
the English edition's words under each translated quote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.render.html import render_brief
from conftest import Result

Cli = Callable[..., Result]
QUOTE_ES = "Los agentes de policía ya no son tan agresivos ni tan duros como antes."
TRANSLATED = f"""\
quotes:
  q41-01:
    text: "{QUOTE_ES}"
"""
DEFAULT_CREDIT = (
    "Pasajes del informe traducidos para este documento; la edición en inglés es el texto "
    "de referencia."
)


def setup(project: Path, translations: str, brief_extra: str = "") -> None:
    folder = project / "reports/mini-report/translations"
    folder.mkdir(exist_ok=True)
    (folder / "es.yaml").write_text(translations, encoding="utf-8")
    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text() + f"language: es\n{brief_extra}", encoding="utf-8")


def html_of(project: Path, brief: str = "arcadia") -> str:
    loaded = load_project(project)
    assert not [p for p in loaded.problems if p.is_error], loaded.problems
    return render_brief(loaded.briefs[brief], loaded, medium("screen")).html


def test_a_translated_brief_says_once_that_english_is_authoritative(project: Path) -> None:
    setup(project, TRANSLATED)
    html = html_of(project)
    assert html.count('class="translation-credit"') == 1
    assert DEFAULT_CREDIT in html
    assert "Traducido del inglés por" not in html  # no translator is invented


def test_the_translator_is_named_when_the_file_says(project: Path) -> None:
    credit = 'translation:\n  by: "Equipo de traducción de Ejemplo"\n  note: "Revisado en 2026."\n'
    setup(project, credit + TRANSLATED)
    html = html_of(project)
    assert (
        "Traducido del inglés por Equipo de traducción de Ejemplo. La edición en inglés es el "
        "texto de referencia. Revisado en 2026."
    ) in html
    assert DEFAULT_CREDIT not in html


def test_no_credit_without_translated_report_text(project: Path) -> None:
    setup(project, "countries:\n  arcadia:\n    name: Arcadia\n")  # a name is not a passage
    spec = project / "briefs/fines.yaml"
    spec.write_text(spec.read_text() + "language: es\n", encoding="utf-8")
    assert 'class="translation-credit"' not in html_of(project, "fines")
    assert 'class="translation-credit"' not in html_of(project)


def test_a_mistake_in_the_credit_points_at_its_line(project: Path, cli: Cli) -> None:
    setup(project, 'translation:\n  bye: "Someone"\n' + TRANSLATED)
    result = cli("check")
    assert result.code == 1
    assert (
        "reports/mini-report/translations/es.yaml:2:3: error: unknown field 'bye' "
        "(did you mean 'by'?)"
    ) in result.err
    translations = project / "reports/mini-report/translations/es.yaml"
    translations.write_text("translatoin:\n  by: Someone\n", encoding="utf-8")
    assert "unknown collection 'translatoin' (did you mean 'translation'" in cli("check").err


def test_bilingual_prints_the_english_edition_under_each_translated_quote(
    project: Path, cli: Cli
) -> None:
    setup(project, TRANSLATED, "bilingual: true\n")
    html = html_of(project)
    figure = html.split('id="quote-q41-01"', 1)[1].split("</figure>", 1)[0]
    translated, original = figure.split('<div class="original">', 1)
    assert QUOTE_ES in translated
    assert "En la edición en inglés:" in original
    assert '<blockquote lang="en">' in original
    english = load_project(project).reports["mini-report"].quotes["q41-01"].text
    assert english.split("\n\n")[0][:40] in original
    # A quote left in English is not printed twice.
    spec = project / "briefs/fines.yaml"
    spec.write_text(spec.read_text() + "language: es\nbilingual: true\n", encoding="utf-8")
    fines = html_of(project, "fines")
    assert '<blockquote lang="en">' in fines and 'class="original"' not in fines
    assert cli("build", "arcadia").code == 0


def test_without_bilingual_only_the_translation_is_printed(project: Path) -> None:
    setup(project, TRANSLATED)
    assert 'class="original"' not in html_of(project)

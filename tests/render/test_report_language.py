"""A report written in any language: its words are shown as its own, and the labels name
its original edition rather than an English one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.render.html import render_brief
from conftest import Result


def write_language(project: Path, tag: str) -> None:
    report = project / "reports/mini-report/report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("report:\n", f"report:\n  language: {tag}\n", 1), "utf-8")


def test_a_report_in_spanish_is_its_own_original(project: Path) -> None:
    write_language(project, "es")
    loaded = load_project(project)
    assert loaded.reports["mini-report"].report.language == "es"
    spanish = loaded.briefs["arcadia"]
    assert spanish.language == "en"
    html = render_brief(spanish, loaded, medium("screen")).html
    quote = html.split('id="quote-q41-01"', 1)[1].split("</figure>", 1)[0]
    assert 'lang="es"' in quote  # the report's words, marked as its language
    assert "as printed in the original edition" in quote
    assert "English edition" not in html


def test_a_report_in_english_keeps_the_english_labels(project: Path) -> None:
    brief = project / "briefs/fines.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "language: es\n", encoding="utf-8")
    loaded = load_project(project)
    html = render_brief(loaded.briefs["fines"], loaded, medium("screen")).html
    assert "tal como aparece en la edición en inglés" in html


def test_an_unknown_report_language_is_an_error(project: Path, cli: Callable[..., Result]) -> None:
    write_language(project, "xx-nope")
    result = cli("check")
    assert result.code == 1 and "unknown language 'xx-nope'" in result.err


def test_an_edition_label_goes_with_the_words_of_its_language(project: Path) -> None:
    """Where the catalog leaves the label in English (Lao has no catalog), it goes inside
    the English words' span, so that it follows them in their direction; in Hebrew, whose
    catalog translates it, it follows the span in the brief's own language."""
    brief = project / "briefs/fines.yaml"
    text = brief.read_text(encoding="utf-8")
    pages = {}
    for tag in ("lo", "he"):
        brief.write_text(text + f"language: {tag}\n", encoding="utf-8")
        loaded = load_project(project)
        html = render_brief(loaded.briefs["fines"], loaded, medium("screen")).html
        quote = html.split('<figure class="quote', 1)[1]
        pages[tag] = quote.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert pages["lo"].startswith('<span lang="en">')
    assert (
        '<span class="edition-note">(as printed in the English edition)</span></span>'
        in (pages["lo"])
    )
    assert pages["he"].startswith('<span lang="en" dir="ltr">')
    assert '</span> <span class="edition-note">(כפי שמופיע במהדורה האנגלית)</span>' in pages["he"]

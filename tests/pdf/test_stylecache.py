"""Stylesheets parsed once per renderer (pdf/stylecache.py): the PDFs are byte for byte
those of a renderer that lets WeasyPrint parse every document's sheets itself, in both
editions and whichever brief a renderer wrote before; an edited sheet (or a sheet it
imports) is parsed again; style markup the cache cannot keep in order is left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefpress.core.assets import THEME_DIR, publish_theme
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.pdf.stylecache import split
from briefpress.pdf.weasy import PdfRenderer
from briefpress.render.html import make_environment, render_brief
from conftest import FIXTURE


def test_the_head_s_sheets_come_out_in_order() -> None:
    html = (
        '<html><head><title>t</title>\n<link rel="stylesheet" href="a.css">\n'
        "<style>p { color: red }</style>\n"
        '<link rel="stylesheet" href="b.css">\n</head><body><p>x</p></body></html>'
    )
    parts = split(html)
    assert parts is not None
    stripped, sheets = parts
    assert sheets == [("link", "a.css"), ("style", "p { color: red }"), ("link", "b.css")]
    assert "<style" not in stripped and "stylesheet" not in stripped
    assert "<title>t</title>" in stripped and "<p>x</p>" in stripped


@pytest.mark.parametrize(
    "html",
    [
        '<html><head><style media="print">p{}</style></head><body></body></html>',
        "<html><head><style>p{}</style></head><body><style>p{}</style></body></html>",
        "<html><head></head><body><svg><style>rect{}</style></svg></body></html>",
        '<html><head><link rel="stylesheet" media="print" href="a.css"></head></html>',
        '<html><head><link rel="stylesheet" href="a.css"></head><body>'
        '<link rel="stylesheet" href="b.css"></body></html>',
        "<html><body><p>no head</p></body></html>",
    ],
)
def test_style_markup_written_otherwise_is_left_to_weasyprint(html: str) -> None:
    assert split(html) is None


def renderers(root: Path) -> tuple[PdfRenderer, PdfRenderer]:
    """A renderer with the cache, and one that leaves every document's sheets to
    WeasyPrint (what each layout did before the cache)."""
    cached = PdfRenderer(root, extra_roots=[THEME_DIR, root / "out" / "assets"])
    plain = PdfRenderer(root, extra_roots=[THEME_DIR, root / "out" / "assets"])
    plain.styles.prepare = lambda html, base_dir: (html, {})  # type: ignore[method-assign]
    return cached, plain


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_pdfs_are_those_weasyprint_makes_parsing_each_document(
    tmp_path: Path, edition: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    project = load_project(root, None)
    publish_theme(project.out_dir)
    cached, plain = renderers(root)
    briefs = sorted(project.briefs)
    assert len(briefs) >= 2
    for brief_id in briefs + briefs:  # the second round from sheets parsed in the first
        brief = project.briefs[brief_id]
        env = make_environment(root, brief.language)
        rendered = render_brief(brief, project, medium(edition), env)
        expected, pages, _, _ = plain.render(rendered)
        got, got_pages, _, _ = cached.render(rendered)
        assert (got_pages, len(got)) == (pages, len(expected)), brief_id
        assert got == expected, f"{brief_id} ({edition}) differs from WeasyPrint's own parse"
    assert cached.styles.parsed, "the linked sheets were parsed once and kept"


def test_an_edited_imported_sheet_is_parsed_again(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("@import 'b.css';\np { margin: 0 }\n", encoding="utf-8")
    (tmp_path / "b.css").write_text("p { color: red }\n", encoding="utf-8")
    html = '<html><head><link rel="stylesheet" href="a.css">\n</head><body><p>x</p></body></html>'
    renderer = PdfRenderer(tmp_path)
    _, options = renderer.styles.prepare(html, tmp_path)
    first = options["stylesheets"][0]
    _, options = renderer.styles.prepare(html, tmp_path)
    assert options["stylesheets"][0] is first, "unchanged files: the parsed sheet is reused"
    (tmp_path / "b.css").write_text("p { color: blue; font-size: 20pt }\n", encoding="utf-8")
    _, options = renderer.styles.prepare(html, tmp_path)
    assert options["stylesheets"][0] is not first, "an imported sheet changed: parsed again"
    (tmp_path / "b.css").unlink()
    _, options = renderer.styles.prepare(html, tmp_path)
    assert options["stylesheets"][0] is not first


def test_a_missing_sheet_is_left_to_weasyprint_to_report(tmp_path: Path) -> None:
    html = '<html><head><link rel="stylesheet" href="gone.css">\n</head><body></body></html>'
    renderer = PdfRenderer(tmp_path)
    assert renderer.styles.prepare(html, tmp_path) == (html, {})
    assert not renderer.styles.parsed


def test_what_weasyprint_says_of_a_sheet_is_said_at_each_use(tmp_path: Path) -> None:
    """A sheet's warnings (an unknown property) reach every brief that uses it, not only
    the one that had it parsed."""
    from briefpress.pdf.weasy import capture_weasyprint_log

    (tmp_path / "a.css").write_text("p { colour: red }\n", encoding="utf-8")
    html = '<html><head><link rel="stylesheet" href="a.css">\n</head><body><p>x</p></body></html>'
    renderer = PdfRenderer(tmp_path)
    for _brief in range(2):
        with capture_weasyprint_log() as log:
            renderer.styles.prepare(html, tmp_path)
        assert [r.getMessage() for r in log.records if "colour" in r.getMessage()], _brief

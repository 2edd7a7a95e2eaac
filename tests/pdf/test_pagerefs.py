"""Page references numbered after layout (pdf/pagerefs.py): the number of the page each
target starts on, written over the placeholder; the same PDF, byte for byte, as CSS's
``target-counter()`` makes; targets past page 9 left to ``target-counter()``."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import weasyprint

from briefpress.core.assets import THEME_DIR, publish_theme
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.pdf import pagerefs
from briefpress.pdf.weasy import PdfRenderer
from briefpress.render.html import make_environment, render_brief
from conftest import CITIES, copy_shipped

STYLE = """<style>@page { size: A5; } .see-page::after { content: " 0"; }
section { break-before: page; }</style>"""


def document(pages: int, target: int) -> str:
    """Page one links to a section on page ``target`` of ``pages``."""
    sections = "".join(
        f'<section id="part-{n}"><h2>Part {n}</h2></section>' for n in range(2, pages + 1)
    )
    return (
        f"<html><head>{STYLE}</head><body><p>Contents: "
        f'<a class="see-page" href="#part-{target}">the part we mean</a></p>'
        f'<p>Elsewhere: <a href="https://example.org">a site</a></p>{sections}</body></html>'
    )


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


@pytest.mark.parametrize("target", [2, 7, 9])
def test_the_placeholder_becomes_the_target_s_page(target: int) -> None:
    laid_out = weasyprint.HTML(string=document(9, target)).render()
    assert pagerefs.number(laid_out)
    first = page_texts(laid_out.write_pdf())[0]
    assert f"the part we mean {target}" in first
    assert "the part we mean 0" not in first


def test_a_target_past_page_nine_is_left_to_target_counter() -> None:
    laid_out = weasyprint.HTML(string=document(12, 11)).render()
    assert not pagerefs.number(laid_out), "two digits do not fit a one-digit placeholder"
    assert "the part we mean 0" in page_texts(laid_out.write_pdf())[0], "nothing changed"
    counted = weasyprint.HTML(string=pagerefs.counted(document(12, 11))).render()
    assert "the part we mean 11" in page_texts(counted.write_pdf())[0]


def test_a_missing_target_shows_no_number() -> None:
    html = document(3, 2).replace('href="#part-2"', 'href="#nowhere"')
    laid_out = weasyprint.HTML(string=html).render()
    assert pagerefs.number(laid_out)
    first = page_texts(laid_out.write_pdf())[0]
    assert "the part we mean" in first and "the part we mean 0" not in first


@pytest.mark.parametrize(
    ("source", "edition", "ids"),
    [
        ("shipped", "screen", ["portugal", "theme-stigma", "overview-models"]),
        ("cities", "print", None),
    ],
)
def test_briefs_are_those_target_counter_makes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    edition: str,
    ids: list[str] | None,
) -> None:
    """Briefs with page references (a theme brief's contents, a place brief's asks, the
    overview's table; right-to-left ones in print), numbered after layout and by
    ``target-counter()``: the same bytes."""
    root = tmp_path / "project"
    if source == "shipped":
        root.mkdir()
        copy_shipped(root)
    else:
        shutil.copytree(CITIES, root, ignore=shutil.ignore_patterns("out"))
    project = load_project(root, ids)
    publish_theme(project.out_dir)
    renderer = PdfRenderer(root, extra_roots=[THEME_DIR, root / "out" / "assets"])
    referencing = 0
    for brief_id in sorted(project.briefs):
        brief = project.briefs[brief_id]
        env = make_environment(root, brief.language)
        rendered = render_brief(brief, project, medium(edition), env)
        referencing += 'class="see-page"' in rendered.html or 'class="contents' in rendered.html
        ours, pages, _, _ = renderer.render(rendered)
        with monkeypatch.context() as patched:
            patched.setattr(pagerefs, "number", lambda document: False)
            theirs, their_pages, _, _ = renderer.render(rendered)
        assert (pages, ours) == (their_pages, theirs), f"{brief_id} ({edition})"
    assert referencing >= 2, "briefs with page references were compared"

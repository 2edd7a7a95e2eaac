"""Proper names kept whole (render/names.py): the report's places and organisations are
never hyphenated in running text, read back from the PDF's text layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefpress.render.names import keep_whole
from conftest import run_cli

NAMES = ["Lantern Harm Reduction Alliance", "Netherlands", "Lantern"]


def test_names_in_text_are_marked_and_markup_is_left_alone() -> None:
    html = (
        "<html><head><title>Netherlands</title><style>p{}</style></head><body>"
        '<p title="Netherlands">The Netherlands &amp; the Lantern Harm Reduction Alliance'
        " met in Netherlandsville.</p>"
        "<svg><text>Netherlands</text></svg><p>Lantern</p></body></html>"
    )
    out = keep_whole(html, NAMES)
    assert out.count('<span class="proper">') == 3
    assert '<span class="proper">Lantern Harm Reduction Alliance</span>' in out
    assert "<title>Netherlands</title>" in out and 'title="Netherlands"' in out
    assert "<text>Netherlands</text>" in out and "Netherlandsville" in out
    assert '<p><span class="proper">Lantern</span></p>' in out


def line_ends(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("marked", [True, False])
def test_a_narrow_column_breaks_names_only_between_words(marked: bool) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    words = "the Netherlands and the Lantern Harm Reduction Alliance, " * 12
    body = keep_whole(f"<p>{words}</p>", NAMES) if marked else f"<p>{words}</p>"
    html = (
        '<html lang="en"><head><style>@page { size: 60mm 200mm; margin: 5mm }'
        " p { width: 24mm; font: 9pt 'Noto Sans'; hyphens: auto; text-align: justify }"
        " .proper { hyphens: manual }</style></head><body>" + body + "</body></html>"
    )
    lines = line_ends(weasyprint.HTML(string=html).write_pdf())
    broken = [
        line for line in lines if line.endswith(("Nether\u2010", "Neth\u2010", "Al\u2010", "Al-"))
    ]
    broken += [line for line in lines if line.endswith(("Nether-", "Neth-", "Reduc-", "Re-"))]
    broken += [line for line in lines if line.endswith(("Reduc\u2010", "Re\u2010", "Lan\u2010"))]
    if marked:
        assert not broken, broken
    else:
        assert broken  # without the marks, the same column does hyphenate the names


def test_built_brief_marks_its_places_and_organisations(cities: Path) -> None:
    pytest.importorskip("weasyprint")
    result = run_cli(["-C", str(cities), "build", "kestrel-bay", "--edition", "web"])
    assert result.code == 0, result.out + result.err
    html = next((cities / "out").rglob("kestrel-bay*.html")).read_text(encoding="utf-8")
    assert '<span class="proper">Kestrel Bay</span>' in html
    assert '<span class="proper">Lantern Harm Reduction Alliance</span>' in html


def test_non_joiners_of_running_text_are_set_apart() -> None:
    from briefpress.render.names import mark_non_joiners

    zwnj = "\u200c"
    html = (
        f"<html><head><title>می{zwnj}بخشد</title></head><body>"
        f'<p title="می{zwnj}بخشد">می{zwnj}بخشد</p>'
        f"<svg><text>می{zwnj}بخشد</text></svg></body></html>"
    )
    out = mark_non_joiners(html)
    assert out.count('<span class="zwnj">') == 1
    assert f'<p title="می{zwnj}بخشد">می<span class="zwnj">{zwnj}</span>بخشد</p>' in out
    assert mark_non_joiners("<p>no joiner</p>") == "<p>no joiner</p>"

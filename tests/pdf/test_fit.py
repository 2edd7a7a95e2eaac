"""Fill to fit (pdf/fit.py): what a brief may do without is left out, last first, when its
layout runs over budget; nothing is left out that fits."""

from __future__ import annotations

import pytest

from briefpress.pdf import fit

weasyprint = pytest.importorskip("weasyprint")

PARA = "Words of a quote that the brief may leave out when its pages are full. " * 9


def html_of(count: int, droppable: list[str]) -> str:
    items = "".join(f'<p id="q{n}">{PARA}</p>' for n in range(count))
    meta = f'<meta name="briefpress-fit" content="{" ".join(droppable)}">'
    return (
        f"<html><head>{meta}<style>@page {{ size: A6; margin: 10mm }}"
        f" body {{ font: 9pt 'Noto Sans' }}</style></head><body>{items}</body></html>"
    )


def test_over_budget_the_last_candidates_go_first() -> None:
    html = html_of(6, ["q5", "q4", "q3"])
    document = weasyprint.HTML(string=html).render()
    assert len(document.pages) > 2
    chosen = fit.choose(document, fit.droppable(html), budget=2, least=1)
    assert chosen and chosen == ["q5", "q4", "q3"][: len(chosen)]
    fitted = weasyprint.HTML(string=fit.hidden(html, chosen)).render()
    assert len(fitted.pages) < len(document.pages)


def test_a_brief_within_budget_and_full_keeps_everything() -> None:
    html = html_of(1, ["q0"])
    document = weasyprint.HTML(string=html).render()
    assert fit.choose(document, fit.droppable(html), budget=2, least=1) == []

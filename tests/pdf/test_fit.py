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


@pytest.mark.parametrize("footer", ["back", "handout-foot"])
def test_the_back_matter_and_a_handout_s_sign_off_sit_at_the_foot(footer: str) -> None:
    """Moved there after layout (no flex column, no second layout): its bottom on the
    page's last line, the text before it where it was."""
    weasyprint = pytest.importorskip("weasyprint")
    html = (
        "<html><head><style>@page { size: A5; margin: 10mm }</style></head><body>"
        f'<p>Above</p><footer class="{footer}"><p>Who made this</p></footer></body></html>'
    )
    document = weasyprint.HTML(string=html).render()
    page_box = document.pages[-1]._page_box
    foot = page_box.content_box_y() + page_box.height
    before = fit.content_bottom(fit._body(page_box))
    fit.back_to_foot(document)
    page_box = document.pages[-1]._page_box
    assert before is not None and before < foot / 2
    assert fit.content_bottom(fit._body(page_box)) == pytest.approx(foot, abs=0.5)
    above = next(b for b in fit.laid_out(page_box) if getattr(b, "element_tag", None) == "p")
    assert above.position_y < foot / 4, "what comes before stays where it was"


def test_faint_rules_and_tints_do_not_end_a_page_s_content() -> None:
    """What reads as ink on the printed page (the design check's threshold): a hairline
    in the background tint or a box's tinted padding does not count; brand colours do,
    in RGB and in the print edition's device CMYK."""
    from tinycss2.color4 import parse_color

    assert fit.light(parse_color("#eef2f6")) and fit.light(parse_color("transparent"))
    assert not fit.light(parse_color("#1b3a5c")) and not fit.light(parse_color("#c8102e"))
    weasyprint = pytest.importorskip("weasyprint")

    def cmyk(value: str) -> object:
        html = f'<div style="background: device-cmyk({value})">x</div>'
        page = weasyprint.HTML(string=html).render().pages[0]._page_box
        return next(
            b.style["background_color"]
            for b in fit.laid_out(page)
            if getattr(b, "element_tag", None) == "div"
        )

    assert fit.light(cmyk("0 0 0 0.05"))
    assert not fit.light(cmyk("1 0.7 0 0.4"))
    assert fit.short_pages([0.9, 0.74, 0.6]) == 1 and fit.short_pages([0.9, 0.8, 0.4]) == 1
    assert fit.short_pages([0.8, 0.76, 0.5]) == 0

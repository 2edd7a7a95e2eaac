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


def test_the_last_page_counts_the_back_matter_for_its_own_height() -> None:
    """The space above the back matter reads as empty once it sits at the page's foot,
    so fitting counts only what the page draws, as the design check does."""
    html = (
        "<html><head><style>@page { size: A5; margin: 10mm } body { margin: 0 }"
        " footer { margin-top: 40mm; border-top: 1pt solid black }</style></head><body>"
        '<p>Above</p><footer class="back"><p>Who made this</p></footer></body></html>'
    )
    document = weasyprint.HTML(string=html).render()
    page_box = document.pages[0]._page_box
    footer = fit._back(page_box)
    above = fit.content_bottom(fit._body(page_box), footer)
    assert footer is not None and above is not None
    drawn = above - page_box.content_box_y() + footer.border_height()
    (fill,), height = fit.page_fills(document)
    assert fill == pytest.approx(drawn / height)
    assert fill < (fit.content_bottom(fit._body(page_box)) or 0) / height - 0.1


def test_a_short_page_with_a_chart_is_found_and_a_full_one_is_not() -> None:
    chart = '<figure class="chart"><svg width="40" height="40"></svg></figure>'
    short = f'{chart}<p style="break-before: page">{PARA}</p>'
    full = f"{chart}{PARA * 14}"
    for body, expected in ((short, True), (full, False)):
        html = f"<html><head><style>@page {{ size: A6 }}</style></head><body>{body}</body></html>"
        document = weasyprint.HTML(string=html).render()
        assert len(document.pages) >= 2
        assert fit.short_with(document, "chart") is expected, body[:60]


def test_one_page_is_tried_for_two_pages_the_second_short() -> None:
    two = weasyprint.HTML(string=html_of(3, [])).render()
    assert len(two.pages) == 2 and fit.short_last_page(two, 1)
    assert fit.worth_one_page(two, 1) and not fit.worth_one_page(two, 2)
    full = weasyprint.HTML(string=html_of(4, [])).render()
    assert len(full.pages) == 2 and not fit.worth_one_page(full, 1)
    three = weasyprint.HTML(string=html_of(5, [])).render()
    assert len(three.pages) > 2 and not fit.worth_one_page(three, 1)
    for make, css in ((fit.one_page, fit.ONE_PAGE), (fit.generous, fit.GENEROUS)):
        assert css in make(html_of(1, [])) and css not in html_of(1, [])

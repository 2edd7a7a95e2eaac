"""Figures: the geometry helper's layouts, and the SVG the theme's templates draw from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefpress.data.load import load_project
from briefpress.data.model import Country, Fact, Model
from briefpress.editions import medium
from briefpress.render import visuals
from briefpress.render.html import palette, render_brief

PALETTE_KEYS = {"primary", "accent", "highlight", "ink", "muted", "tint", "paper"}


def step(order: int, name: str, members: list[str]) -> Model:
    return Model(id=f"m{order}", order=order, name=name, study_countries=members)


PLACES = {
    "a": Country(id="a", name="Alpha"),
    "b": Country(id="b", name="Beta"),
    "c": Country(id="c", name="Gamma"),
}
STEPS = [step(2, "Second step", ["b", "c"]), step(1, "First step", ["a"])]


def test_spectrum_runs_in_the_report_order_with_positions_after() -> None:
    fig = visuals.spectrum(
        STEPS,
        PLACES,
        "Where Beta stands",
        ["b"],
        steps_caption="Steps today",
        position_caption="What we call for",
        positions=[visuals.Position("Baseline", "the words of the baseline")],
    )
    assert [t.number for t in fig.tiles] == ["1", "2", None]
    first, second, position = fig.tiles
    assert first.fill == "tint" and first.marker == "primary"
    assert second.fill == "primary" and second.ink == "paper" and second.bold  # Beta's step
    assert position.fill == "highlight" and position.lines == ["Baseline"]
    assert [(m.name, m.mine) for m in second.members] == [("Beta", True), ("Gamma", False)]
    assert [b.caption for b in fig.brackets] == ["Steps today", "What we call for"]
    assert fig.tiles[1].x - fig.tiles[0].x == pytest.approx(fig.column + 6)


def test_spectrum_without_positions_or_captions_draws_the_steps_only() -> None:
    fig = visuals.spectrum(STEPS, PLACES, "Steps", fill_active=False)
    assert len(fig.tiles) == 2 and not fig.brackets
    assert fig.tile_top == 4  # no room kept for brackets
    assert all(t.fill == "tint" for t in fig.tiles)
    assert fig.column == pytest.approx((720 - 4 - 6) / 2)


def test_spectrum_text_alternative_states_its_data() -> None:
    fig = visuals.spectrum(
        STEPS, PLACES, "Title", positions=[visuals.Position("Goal", "the goal's words")]
    )
    assert fig.label.startswith("Title: ")
    for text in ("1. First step: Alpha", "2. Second step: Beta, Gamma", "Goal: the goal's words"):
        assert text in fig.label


def test_spectrum_text_alternative_names_the_place_its_step_and_neighbours() -> None:
    fig = visuals.spectrum(STEPS, PLACES, "Title", ["b"])
    assert fig.label.startswith("Title: Beta → 2. Second step: Beta, Gamma (1. First step: Alpha)")


def test_spectrum_colours_are_palette_keys() -> None:
    fig = visuals.spectrum(
        STEPS, PLACES, "T", ["a"], steps_caption="S", position_caption="P",
        positions=[visuals.Position("B", "b")],
    )  # fmt: skip
    used = {b.colour for b in fig.brackets}
    for tile in fig.tiles:
        used |= {tile.fill, tile.ink, tile.marker, *(m.colour for m in tile.members)}
    assert used <= PALETTE_KEYS


def fact(amount: float, year: int | None) -> Fact:
    return Fact(
        id=f"f{year}", label="Fine", value="v", evidence="e", section="1",
        year=year, amount=amount, unit="USD",
    )  # fmt: skip


def test_bar_chart_layout_and_text_alternative() -> None:
    points = visuals.chart_facts([fact(500, 2019), fact(25, None)])
    chart = visuals.bar_chart(points, "Fine for possession", "before")
    assert chart.label == "Fine for possession: before: USD 25 → 2019: USD 500 (×20)"
    low, high = chart.bars
    assert (low.label, high.label) == ("before", "2019")
    assert high.height > low.height and high.y + high.height == chart.base
    assert (low.fill, high.fill) == ("muted", "accent")
    assert chart.rise is not None and chart.rise.ratio == "×20"


def test_bar_chart_draws_no_ratio_for_a_small_rise() -> None:
    chart = visuals.bar_chart([fact(10, 2018), fact(15, 2020)], "Fine", "before")
    assert chart.rise is None


def test_wrap_hyphenates_a_word_too_wide_for_the_tile() -> None:
    lines = visuals.wrap("Декриминализация", 60, 10, "ru")
    assert len(lines) > 1 and lines[0].endswith("-")
    assert all(visuals.text_width(line, 10) <= 60 for line in lines)


COLOUR_ATTR = re.compile(r'(?:fill|stroke)="([^"]*)"')


def svg_colours(html: str, css_class: str) -> set[str]:
    found = re.findall(rf'<svg[^>]*class="{css_class}".*?</svg>', html, re.S)
    assert found, f"no {css_class} figure"
    return {c for svg in found for c in COLOUR_ATTR.findall(svg)} - {"none"}


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_every_colour_a_figure_paints_comes_from_the_palette(project: Path, edition: str) -> None:
    loaded = load_project(project, ["arcadia"])
    html = render_brief(loaded.briefs["arcadia"], loaded, medium(edition)).html
    colours = svg_colours(html, "spectrum")
    assert colours <= set(palette(loaded.config, medium(edition)).values()), colours
    if edition == "print":
        assert all(c.startswith("device-cmyk(") for c in colours), colours
    label = re.search(r'<svg[^>]*class="spectrum"[^>]*aria-label="([^"]*)"', html)
    assert label and "Arcadia" in label.group(1)  # the data, not only the title

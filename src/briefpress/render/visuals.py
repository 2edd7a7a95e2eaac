"""Figure geometry: where the shapes and words of a brief's figures go.

Figures are inline SVG, drawn by the theme's templates (``figures/spectrum.svg.j2``,
``figures/bar-chart.svg.j2``) from the layouts computed here, so the markup stays
in templates a designer can copy and change, and the arithmetic stays in small
tested functions. Inline SVG keeps briefs small and sharp at any zoom, and gives
screen readers a text alternative that states the figure's data, not only its title.

Layouts name colours by palette key ("primary", "paper"), never by value: the
template looks each one up in the palette the edition passes in (sRGB on
screen, ``device-cmyk()`` in print), so no figure paints a colour of its own.

Interface words (titles, the "before" label, bracket captions) are passed in
by the templates, already translated, and the report's words come from its
data, so this module holds neither English nor any one report's vocabulary.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import segno
from markupsafe import Markup, escape

from briefpress.core.assets import THEME_FONTS
from briefpress.data.model import Country, Fact, Model


def _fig_id(prefix: str, *content: str) -> str:
    """An id for a figure's title and desc, derived from its content: same figure, same id."""
    digest = hashlib.sha256("\x1f".join(content).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{digest}"


@cache
def _metrics() -> tuple[dict[int, str], Any, int]:
    """Cmap, advance widths and units per em of the bold sans: the widest text we set."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(THEME_FONTS / "NotoSans-Bold.ttf"), lazy=True)
    return font.getBestCmap(), font["hmtx"], int(font["head"].unitsPerEm)


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is when set in bold at ``size`` (SVG user units = points here)."""
    cmap, hmtx, upm = _metrics()
    units = sum(hmtx[cmap[ord(ch)]][0] if ord(ch) in cmap else upm * 0.6 for ch in text)
    return units * size / upm


@cache
def _hyphenator(lang: str) -> Any:
    """The language's hyphenation dictionary, loaded once per process."""
    import pyphen

    return pyphen.Pyphen(lang=pyphen.language_fallback(lang.replace("-", "_")) or "en_GB")


def _split_word(word: str, width: float, size: float, lang: str) -> list[str]:
    """A word too wide for a line, hyphenated by the language's rules (hard-split if none)."""
    dic = _hyphenator(lang)
    parts: list[str] = []
    rest = word
    while text_width(rest, size) > width and len(rest) > 1:
        fitting = [h for h, _ in dic.iterate(rest) if text_width(h + "-", size) <= width]
        head = fitting[0] if fitting else _hard_head(rest, width, size)
        parts.append(head + "-")
        rest = rest[len(head) :]
    return [*parts, rest]


def _hard_head(word: str, width: float, size: float) -> str:
    """The longest start of ``word`` that fits with a hyphen (at least one letter)."""
    end = len(word) - 1
    while end > 1 and text_width(word[:end] + "-", size) > width:
        end -= 1
    return word[:end]


def wrap(text: str, width: float, size: float, lang: str = "en") -> list[str]:
    """Break ``text`` into lines no wider than ``width`` at ``size``: at spaces, and
    inside words too wide for a line (Russian model names are), by hyphenation."""
    pieces = [
        piece
        for word in text.split()
        for piece in (
            _split_word(word, width, size, lang) if text_width(word, size) > width else [word]
        )
    ]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        candidate = f"{line} {piece}" if line else piece
        if text_width(candidate, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = piece
    if line:
        lines.append(line)
    return lines


def _number(value: float) -> str:
    """A number as a reader writes it: no trailing ``.0``, thousands separated."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# --- geometry -------------------------------------------------------------------------
# Figures are drawn by the theme's templates (templates/figures/*.svg.j2); Python only
# works out where things go. Colours are named by palette key ("primary", "paper"),
# never given as values, so every colour a figure paints comes from the palette the
# edition passes in (sRGB on screen, device-cmyk() in print).


@dataclass(frozen=True)
class Bracket:
    """A bracket over a group of tiles with its caption on a paper-coloured patch."""

    x0: float
    x1: float
    caption: str
    colour: str

    @property
    def middle(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def patch_x(self) -> float:
        return self.middle - len(self.caption) * 3.1 - 6

    @property
    def patch_width(self) -> float:
        return len(self.caption) * 6.2 + 12


@dataclass(frozen=True)
class Member:
    """A place listed under its step, with a dot; ``mine`` when the brief is about it."""

    x: float
    y: float
    name: str
    mine: bool

    @property
    def colour(self) -> str:
        return "accent" if self.mine else "muted"


@dataclass(frozen=True)
class Tile:
    """One step of the spectrum, or one of the publisher's own positions after it."""

    x: float
    lines: list[str]
    fill: str
    ink: str
    marker: str
    number: str | None  # the step's order; None draws a triangle (a position tile)
    bold: bool
    members: list[Member]


@dataclass(frozen=True)
class SpectrumFigure:
    """Everything ``figures/spectrum.svg.j2`` draws, in user units."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    column: float
    tile_top: float
    tile_height: float
    line_height: float
    name_size: float
    brackets: list[Bracket]
    tiles: list[Tile]

    @property
    def label(self) -> str:
        """The text alternative: the title, then the data (each step and its places)."""
        return f"{self.title}: {self.desc}"


@dataclass(frozen=True)
class Position:
    """A tile after the steps: the publisher's baseline or goal, with its own words."""

    label: str
    words: str


def spectrum(
    steps: Iterable[Model],
    places: Mapping[str, Country],
    title: str,
    highlight: Sequence[str] = (),
    *,
    steps_caption: str | None = None,
    position_caption: str | None = None,
    positions: Sequence[Position] = (),
    show_members: bool = True,
    fill_active: bool = True,
    lang: str = "en",
) -> SpectrumFigure:
    """The layout of a spectrum: the report's steps left to right in its ``order``, each
    with the places on it, then any positions the publisher calls for.

    The ``highlight`` places (a place brief's own, or those a theme brief covers) are
    picked out in the accent colour, and with ``fill_active`` their step's tile filled.
    """
    ordered = sorted(steps, key=lambda m: m.order)
    columns = len(ordered) + len(positions)
    gap, left, width = 6, 2, 720
    col = (width - left * 2 - gap * (columns - 1)) / columns
    tile_top = 30 if (steps_caption or (positions and position_caption)) else 4
    line_h, name_size = 12.5, 10
    room = col - 8  # the tile's width less its inner margin (text starts 7 units in)
    names = [wrap(m.name, room, name_size, lang) for m in ordered]
    names += [wrap(p.label, room, name_size, lang) for p in positions]
    tile_h = 22 + line_h * max(len(n) for n in names) + 6
    per_col = [[c for c in m.study_countries if c in places] for m in ordered]
    rows = max((len(c) for c in per_col), default=0) if show_members else 0
    height = int(tile_top + tile_h + (14 + rows * 15 if rows else 4) + 4)
    chosen = set(highlight)
    desc = _spectrum_description(ordered, per_col, places, chosen, positions)
    split = left + len(ordered) * (col + gap) - gap
    brackets = []
    if steps_caption:
        brackets.append(Bracket(left, split, steps_caption, "muted"))
    if positions and position_caption:
        brackets.append(Bracket(split + gap, width - left, position_caption, "primary"))
    layout = _Columns(left, col, gap, tile_top + tile_h + 16, show_members, fill_active)
    tiles = _tiles(names, ordered, per_col, places, chosen, layout)
    figure_id = _fig_id("spectrum", title, desc)
    return SpectrumFigure(
        figure_id, title, desc, width, height, col, tile_top, tile_h, line_h, name_size,
        brackets, tiles,
    )  # fmt: skip


@dataclass(frozen=True)
class _Columns:
    """Where a spectrum's tiles stand (the first one's left edge, their width and gap, the
    top of the first name under them) and what they show."""

    left: float
    width: float
    gap: float
    members_top: float
    show_members: bool
    fill_active: bool


def _spectrum_description(
    ordered: Sequence[Model],
    per_col: Sequence[Sequence[str]],
    places: Mapping[str, Country],
    chosen: set[str],
    positions: Sequence[Position],
) -> str:
    """The figure in words, for screen readers: the highlighted steps, then every step
    with its places, then the positions called for."""
    steps_text = []
    for model, ids in zip(ordered, per_col, strict=True):
        placed = ", ".join(places[c].name for c in ids)
        steps_text.append(f"{model.order}. {model.name}" + (f": {placed}" if placed else ""))
    description = _highlighted_steps(ordered, per_col, places, chosen, steps_text)
    description += steps_text + [f"{p.label}: {p.words}" for p in positions]
    return ". ".join(description)


def _tiles(
    names: Sequence[list[str]],
    ordered: Sequence[Model],
    per_col: Sequence[Sequence[str]],
    places: Mapping[str, Country],
    chosen: set[str],
    at: _Columns,
) -> list[Tile]:
    """One tile per step (filled when it holds a ``chosen`` place), then one per position."""
    tiles = []
    for index, lines in enumerate(names):
        x = at.left + index * (at.width + at.gap)
        if index >= len(ordered):
            tiles.append(Tile(x, lines, "highlight", "ink", "ink", None, True, []))
            continue
        active = at.fill_active and bool(chosen & set(per_col[index]))
        fill, ink, marker = ("primary", "paper", "paper") if active else ("tint", "ink", "primary")
        placed = [
            Member(x, at.members_top + n * 15, places[cid].name, cid in chosen)
            for n, cid in enumerate(per_col[index] if at.show_members else [])
        ]
        tiles.append(Tile(x, lines, fill, ink, marker, str(ordered[index].order), active, placed))
    return tiles


def _highlighted_steps(
    ordered: Sequence[Model],
    per_col: Sequence[Sequence[str]],
    places: Mapping[str, Country],
    chosen: set[str],
    steps_text: Sequence[str],
) -> list[str]:
    """What a reader of the picture sees first, said first: each picked-out place with
    its step and the steps either side (the place's neighbours on the spectrum), then
    the whole spectrum. Nothing extra when several places are picked out (a theme's)."""
    found = [(i, c) for i, ids in enumerate(per_col) for c in ids if c in chosen]
    if len(found) != 1:
        return []
    index, cid = found[0]
    near = [steps_text[i] for i in (index - 1, index + 1) if 0 <= i < len(ordered)]
    return [f"{places[cid].name} → {steps_text[index]} ({' | '.join(near)})"]


def chart_facts(facts: Iterable[Fact]) -> list[Fact]:
    """Facts that form an honest series over time, oldest first; empty when there is none.

    A series is the facts of one unit that carry an amount, when at least one is
    dated and there are two different amounts. A fact without a year is shown
    as "before" the dated ones; an undated fact repeating a dated amount (the
    same figure cited for another point) is left out rather than drawn twice.
    """
    by_unit: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.amount is not None and fact.unit:
            by_unit.setdefault(fact.unit, []).append(fact)
    for series in by_unit.values():
        dated = [f for f in series if f.year is not None]
        if not dated:
            continue
        dated_amounts = {f.amount for f in dated}
        undated = [f for f in series if f.year is None and f.amount not in dated_amounts]
        points = undated[:1] + sorted(dated, key=lambda f: f.year or 0)
        if len({f.amount for f in points}) >= 2:
            return points
    return []


@dataclass(frozen=True)
class Bar:
    """One bar: its box, the amount above it and the year (or "before") below."""

    x: float
    y: float
    width: float
    height: float
    value: str
    label: str
    fill: str

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Rise:
    """The multiple between two bars, beside an arrow rising from the first to the last."""

    x: float
    y: float
    ratio: str


@dataclass(frozen=True)
class BarChart:
    """Everything ``figures/bar-chart.svg.j2`` draws, in user units."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    base: float
    bars: list[Bar]
    rise: Rise | None

    @property
    def label(self) -> str:
        """The text alternative: the title, then every amount with its year."""
        return f"{self.title}: {self.desc}"


def bar_chart(points: Sequence[Fact], title: str, before: str) -> BarChart:
    """The layout of a small bar chart of amounts over time; undated points are ``before``."""
    width, height, base, top = 320, 190, 150, 34
    peak = max(float(p.amount or 0) for p in points) or 1.0
    slot = (width - 40) / len(points)
    bar = min(70.0, slot * 0.55)
    desc = " → ".join(
        f"{before if p.year is None else p.year}: {p.unit} {_number(float(p.amount or 0))}"
        for p in points
    )
    bars = []
    for index, point in enumerate(points):
        amount = float(point.amount or 0)
        h = max(2.0, (base - top) * amount / peak)
        x = 20 + index * slot + (slot - bar) / 2
        fill = "accent" if index == len(points) - 1 else "muted"
        label = before if point.year is None else str(point.year)
        bars.append(Bar(x, base - h, bar, h, f"{point.unit} {_number(amount)}", label, fill))
    first, last = float(points[0].amount or 0), float(points[-1].amount or 0)
    rise = None
    if len(points) == 2 and first > 0 and last / first >= 2:
        rise = Rise(20 + slot, base - (base - top) * 0.55, f"×{_number(last / first)}")
        desc += f" ({rise.ratio})"
    return BarChart(_fig_id("chart", title, desc), title, desc, width, height, base, bars, rise)


@cache  # the same code on every brief: encoding it is the slowest part of rendering HTML
def qr_svg(url: str, label: str, dark: str = "#000") -> Markup:
    """A QR code for ``url`` as inline SVG, described for screen readers.

    ``dark`` is any CSS colour, ``device-cmyk()`` included: segno only knows
    RGB, so the module colour is swapped in after segno has drawn the code.
    """
    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=1,
        border=2,
        title=label,
        desc=url,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        dark="#000",
    )
    svg = buffer.getvalue().decode("utf-8")
    svg = svg.replace('stroke="#000"', f'stroke="{escape(dark)}"', 1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)


__all__ = [
    "BarChart",
    "Position",
    "SpectrumFigure",
    "bar_chart",
    "chart_facts",
    "qr_svg",
    "spectrum",
    "wrap",
]

"""Figures generated from the data as inline SVG, each with a text alternative.

Inline SVG keeps briefs small and sharp at any zoom, needs no image files,
and lets screen readers get the figure's meaning from its title and desc.
Figures use only rectangles, lines, circles and text, which WeasyPrint draws
faithfully, and take their colours from the brand ``palette`` (sRGB on
screen, ``device-cmyk()`` in the print edition): no colour is hard-coded
except the neutral white of text on dark tiles.

Interface words (titles, the "before" label, bracket captions) are passed in
by the templates, already translated, so this module holds no English.
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

FONT = "'Noto Sans', sans-serif"
SERIF = "'Noto Serif', serif"


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


def _split_word(word: str, width: float, size: float, lang: str) -> list[str]:
    """A word too wide for a line, hyphenated by the language's rules (hard-split if none)."""
    import pyphen

    dic = pyphen.Pyphen(lang=pyphen.language_fallback(lang.replace("-", "_")) or "en_GB")
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


def _svg_open(prefix: str, width: int, height: int, title: str, desc: str, css: str) -> str:
    """The opening of an accessible inline SVG with its title and desc."""
    ident = _fig_id(prefix, title, desc)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(desc)}</desc>'
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    fill: str,
    weight: str = "normal",
    anchor: str = "start",
    family: str = FONT,
    style: str = "normal",
) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-family="{family}" font-size="{size:g}" '
        f'font-weight="{weight}" font-style="{style}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(content)}</text>'
    )


@dataclass(frozen=True)
class SpectrumLabels:
    """Translated words the spectrum needs, supplied by the template."""

    title: str
    models_caption: str
    position_caption: str
    baseline: str
    goal: str
    baseline_desc: str
    goal_desc: str


def spectrum_svg(
    models: Iterable[Model],
    countries: Mapping[str, Country],
    labels: SpectrumLabels,
    palette: Mapping[str, str],
    highlight: Sequence[str] = (),
    show_countries: bool = True,
    fill_active: bool = True,
    lang: str = "en",
) -> Markup:
    """The spectrum of decriminalisation models, then the report's baseline and goal.

    Models run left to right in the report's ``order``; each column lists its
    study countries, with the ``highlight`` countries (a country brief's own
    country, or the countries a theme brief covers) picked out in the accent
    colour and (with ``fill_active``) the tile of their model filled. Two further tiles show the
    position the report calls for: full decriminalisation without sanctions,
    then legal regulation.
    """
    ordered = sorted(models, key=lambda m: m.order)
    columns = len(ordered) + 2
    gap, left, width = 6, 2, 720
    col = (width - left * 2 - gap * (columns - 1)) / columns
    tile_top, line_h, name_size = 30, 12.5, 10
    room = col - 8  # the tile's width less its inner margin (text starts 7 units in)
    names = [wrap(m.name, room, name_size, lang) for m in ordered] + [
        wrap(labels.baseline, room, name_size, lang),
        wrap(labels.goal, room, name_size, lang),
    ]
    tile_h = 22 + line_h * max(len(n) for n in names) + 6
    per_col = [[c for c in m.study_countries if c in countries] for m in ordered]
    rows = max((len(c) for c in per_col), default=0) if show_countries else 0
    height = int(tile_top + tile_h + (14 + rows * 15 if rows else 4) + 4)
    chosen = set(highlight)

    description = []
    for model, ids in zip(ordered, per_col, strict=True):
        placed = ", ".join(countries[c].name for c in ids)
        description.append(f"{model.order}. {model.name}" + (f": {placed}" if placed else ""))
    description += [
        f"{labels.baseline}: {labels.baseline_desc}",
        f"{labels.goal}: {labels.goal_desc}",
    ]
    parts = [_svg_open("spectrum", width, height, labels.title, ". ".join(description), "spectrum")]

    # Brackets over the two groups of tiles.
    split = left + len(ordered) * (col + gap) - gap
    for x0, x1, caption, colour in (
        (left, split, labels.models_caption, palette["muted"]),
        (split + gap, width - left, labels.position_caption, palette["primary"]),
    ):
        parts.append(
            f'<path d="M{x0:g} 22 V16 H{x1:g} V22" fill="none" stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(
            f'<rect x="{(x0 + x1) / 2 - len(caption) * 3.1 - 6:g}" y="4" '
            f'width="{len(caption) * 6.2 + 12:g}" height="16" fill="#fff"/>'
        )
        parts.append(
            _text((x0 + x1) / 2, 15, caption, size=9.5, fill=colour, weight="bold", anchor="middle")
        )

    for index, lines in enumerate(names):
        x = left + index * (col + gap)
        is_model = index < len(ordered)
        active = fill_active and is_model and bool(chosen & set(per_col[index]))
        if not is_model:
            fill, ink, number_fill = palette["highlight"], palette["ink"], palette["ink"]
        elif active:
            fill, ink, number_fill = palette["primary"], "#fff", "#fff"
        else:
            fill, ink, number_fill = palette["tint"], palette["ink"], palette["primary"]
        parts.append(
            f'<rect x="{x:g}" y="{tile_top}" width="{col:g}" height="{tile_h:g}" fill="{fill}"/>'
        )
        marker = str(ordered[index].order) if is_model else ("A" if index == len(ordered) else "B")
        if is_model:
            parts.append(
                _text(
                    x + 7,
                    tile_top + 16,
                    marker,
                    size=11,
                    fill=number_fill,
                    weight="bold",
                    family=SERIF,
                )
            )
        else:
            parts.append(
                f'<path d="M{x + 7:g} {tile_top + 7:g} l8 4.5 l-8 4.5 z" fill="{number_fill}"/>'
            )
        for n, line in enumerate(lines):
            parts.append(
                _text(
                    x + 7,
                    tile_top + 32 + n * line_h,
                    line,
                    size=name_size,
                    fill=ink,
                    weight="bold" if active or not is_model else "normal",
                )
            )
        if show_countries and is_model:
            for n, cid in enumerate(per_col[index]):
                y = tile_top + tile_h + 16 + n * 15
                mine = cid in chosen
                colour = palette["accent"] if mine else palette["muted"]
                parts.append(f'<circle cx="{x + 10:g}" cy="{y - 3.5:g}" r="3.5" fill="{colour}"/>')
                parts.append(
                    _text(
                        x + 18,
                        y,
                        countries[cid].name,
                        size=10,
                        fill=colour,
                        weight="bold" if mine else "normal",
                    )
                )
    parts.append("</svg>")
    return Markup("".join(parts))


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


def bar_chart_svg(
    points: Sequence[Fact], title: str, before: str, palette: Mapping[str, str]
) -> Markup:
    """A small bar chart of amounts over time; undated points are labelled ``before``."""
    width, height, base, top = 320, 190, 150, 34
    peak = max(float(p.amount or 0) for p in points) or 1.0
    slot = (width - 40) / len(points)
    bar = min(70.0, slot * 0.55)
    desc = "; ".join(
        f"{before if p.year is None else p.year}: {p.unit} {_number(float(p.amount or 0))}"
        for p in points
    )
    parts = [_svg_open("chart", width, height, title, desc, "bar-chart")]
    for index, point in enumerate(points):
        amount = float(point.amount or 0)
        h = max(2.0, (base - top) * amount / peak)
        x = 20 + index * slot + (slot - bar) / 2
        last = index == len(points) - 1
        fill = palette["accent"] if last else palette["muted"]
        parts.append(
            f'<rect x="{x:g}" y="{base - h:g}" width="{bar:g}" height="{h:g}" fill="{fill}"/>'
        )
        parts.append(
            _text(
                x + bar / 2,
                base - h - 7,
                f"{point.unit} {_number(amount)}",
                size=13,
                fill=palette["ink"],
                weight="bold",
                anchor="middle",
            )
        )
        label = before if point.year is None else str(point.year)
        parts.append(
            _text(x + bar / 2, base + 20, label, size=12, fill=palette["muted"], anchor="middle")
        )
    parts.append(
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{palette["ink"]}" '
        'stroke-width="1"/>'
    )
    first, last_amount = float(points[0].amount or 0), float(points[-1].amount or 0)
    if len(points) == 2 and first > 0 and last_amount / first >= 2:
        # The multiple between the two bars, beside an arrow rising from first to last.
        mid = 20 + slot
        y = base - (base - top) * 0.55
        parts.append(
            f'<path d="M{mid - 16:g} {y + 14:g} L{mid + 10:g} {y - 6:g}" '
            f'stroke="{palette["accent"]}" stroke-width="1.5" fill="none"/>'
        )
        parts.append(f'<path d="M{mid + 12:g} {y - 8:g} l-9 1 l5 6 z" fill="{palette["accent"]}"/>')
        ratio = f"×{_number(last_amount / first)}"
        parts.append(
            _text(
                mid - 4,
                y - 10,
                ratio,
                size=15,
                fill=palette["accent"],
                weight="bold",
                anchor="end",
                family=SERIF,
            )
        )
    parts.append("</svg>")
    return Markup("".join(parts))


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
    "SpectrumLabels",
    "bar_chart_svg",
    "chart_facts",
    "escape",
    "qr_svg",
    "spectrum_svg",
    "wrap",
]

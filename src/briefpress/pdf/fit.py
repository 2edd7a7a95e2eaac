"""Fill to fit: how much of a brief's optional content to show so that its pages are full
and within its page budget, decided by measuring the layout, never by guessing.

The template lists, in ``<meta name="briefpress-fit">``, the elements a brief may do
without, in the order it would rather lose them (render/html.py ``fit_order``: quotes
and findings beyond the first few of sections whose spec does not list them by id; a
spec's ``ids:`` are never dropped, and ``limit:`` stays a maximum). WeasyPrint lays the
brief out without writing a PDF; when it runs over its budget, or its last page would be
less than half full, the fewest of those elements whose measured height makes up the
difference are taken out (pdf/notes.py, which numbers the notes again) and the brief is
laid out again. Last, the back matter is set at the foot of the last page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from briefpress.pdf import notes

FIT_META = re.compile(r'<meta name="briefpress-fit" content="([^"]*)">')
LAST_PAGE_FILL = 0.5
# Room lost to keeping things whole (a quote that moves to the next page, columns that do
# not balance): a fraction of a page added to what must go.
SLACK = 0.12
MAX_ROUNDS = 3


def styled(html: str, style: str) -> str:
    """The HTML with ``style`` (a <style> element) last in its head, after its own sheets."""
    return html.replace("</head>", style + "\n</head>", 1)


# When nothing can be left out and the last page is still short, the brief is tried once
# with its space between blocks tightened: a brief of a page and a third then takes one.
TIGHT = (
    "<style>:root { --gap: 2.8mm; --gap-small: 1.2mm; --leading: 1.36; }"
    " .key-message, .lead, .place-ask, .box, figure { margin-bottom: 2.5mm; }</style>"
)


def tightened(html: str) -> str:
    """The HTML with less space between its blocks (see TIGHT)."""
    return styled(html, TIGHT)


# How much of each page the tightened spacing gains, about (measured on the shipped and
# fixture briefs: 2 to 8 %).
TIGHT_GAIN = 0.08


def worth_tightening(document: Any, least: int) -> bool:
    """Whether the layout ends on a page less than half full that it could do without,
    and that tightening could take away: what the last page holds fits in the room left
    on the page before and what tightening gains on the others. A layout costs as much
    as the rest of a brief's build: one that cannot succeed is not tried."""
    fills, _height = page_fills(document)
    if len(fills) <= max(1, least) or fills[-1] >= LAST_PAGE_FILL:
        return False
    room = (1 - fills[-2]) + TIGHT_GAIN * (len(fills) - 1)
    return fills[-1] <= room


# When the last page is still short and nothing can take it away, the brief is tried once
# with more space between its blocks and a little more leading, as a typesetter spreads
# a page, and "At a glance" kept whole: what the pages before hold moves on, and the last
# page fills.
LOOSE = (
    "<style>:root { --gap: 5.6mm; --gap-small: 2.5mm; --leading: 1.47; }"
    " .box.glance { break-inside: avoid; }</style>"
)


def loosened(html: str) -> str:
    """The HTML with more space between its blocks and lines (see LOOSE)."""
    return styled(html, LOOSE)


# When even that leaves the last page short, the brief has little to say for its pages:
# a typesetter then gives it room, its running text, headings and notes a size larger,
# its blocks more air, and the back (who made it, how to cite it, the QR code) set as a
# back page's panel, as a brief of a page and a third is set to read on two.
GENEROUS = (
    "<style>:root { --gap: 8mm; --gap-small: 3mm; --leading: 1.52; --size-body: 11pt;"
    " --size-lead: 12.5pt; --size-quote: 11.5pt; --size-h2: 17pt; }"
    " .box.glance { break-inside: avoid; } .finding .headline { font-size: 11.5pt; }"
    " .finding .passage { font-size: 10pt; } ol.recommendations { font-size: 10.5pt; }"
    " figure.quote.pull blockquote { font-size: 17pt; } aside.notes { font-size: 8pt; }"
    " .back { font-size: 8.6pt; padding-top: 5mm; grid-template-columns: 50mm 1fr auto; }"
    " .back .wordmark { font-size: 18pt; } .back .logo { max-height: 16mm; }"
    " .back .qr-block { width: 30mm; font-size: 7.6pt; }"
    " .back .qr-block svg { width: 30mm; height: 30mm; }</style>"
)


def generous(html: str) -> str:
    """The HTML set a size larger and with more air (see GENEROUS)."""
    return styled(html, GENEROUS)


# A brief of two pages whose second is short is tried once on one page: spacing
# tightened, and what a single page does not need left out. A page of contents has
# nothing to lead to; the cover's key message, when it is the first finding's headline,
# would be read twice within a few lines; the back matter and its QR code are set small,
# as a handout's sign-off is.
ONE_PAGE = TIGHT + (
    "\n<style>nav.contents, .key-message.repeats { display: none; }"
    " .back { padding-top: 2mm; grid-template-columns: 40mm 1fr auto; }"
    " .back .logo { max-height: 8mm; margin: 0 0 1mm; } .back .wordmark { font-size: 11pt; }"
    " .back .qr-block { width: 17mm; } .back .qr-block svg { width: 17mm; height: 17mm; }"
    " figure.quote.pull blockquote p::before { height: 6mm; font-size: 28pt; }</style>"
)


def one_page(html: str) -> str:
    """The HTML as a one-page brief (see ONE_PAGE)."""
    return styled(html, ONE_PAGE)


def worth_one_page(document: Any, least: int) -> bool:
    """Whether the layout is two pages, the second short, and one page would do."""
    return least <= 1 and len(document.pages) == 2 and short_last_page(document, least)


# A page before the last that ends short because what follows does not fit below its
# chart: the chart is set larger, as a designer would give a figure the room.
GROWN = "<style>figure.chart svg { flex-basis: 84mm; width: 84mm; }</style>"


def grown(html: str) -> str:
    """The HTML with its charts set larger (see GROWN)."""
    return styled(html, GROWN)


def short_with(document: Any, css_class: str) -> bool:
    """Whether a page before the last falls short and holds an element of ``css_class``."""
    fills, _height = page_fills(document)
    for page, fill in zip(document.pages[:-1], fills[:-1], strict=False):
        if fill < PAGE_FILL and any(_has_class(b, css_class) for b in laid_out(page._page_box)):
            return True
    return False


def _has_class(box: Any, css_class: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and css_class in (element.get("class") or "").split()


def short_last_page(document: Any, least: int) -> bool:
    """Whether the layout ends on a page less than half full that it needs."""
    fills, _height = page_fills(document)
    return len(fills) > max(1, least) and fills[-1] < LAST_PAGE_FILL


PAGE_FILL = 0.75


def short_pages(fills: list[float]) -> int:
    """How many pages fall short: under three quarters full, the last under half."""
    return sum(f < PAGE_FILL for f in fills[:-1]) + (fills[-1] < LAST_PAGE_FILL if fills else 0)


def fuller(loose: Any, document: Any) -> bool:
    """Whether the loosened layout keeps the pages, leaves fewer of them short, or as
    many and the last one fuller."""
    if len(loose.pages) != len(document.pages):
        return False
    new, old = page_fills(loose)[0], page_fills(document)[0]
    return (short_pages(new), -new[-1]) < (short_pages(old), -old[-1])


def droppable(html: str) -> list[str]:
    """The ids the template allows to be hidden, first to go first."""
    found = FIT_META.search(html)
    return found.group(1).split() if found else []


def hidden(html: str, ids: list[str]) -> str:
    """The HTML without those elements (so not in the PDF or its tags), its notes
    numbered again for what remains (pdf/notes.py)."""
    return notes.without(html, ids)


def laid_out(box: Any) -> Iterator[Any]:
    """``box`` and every box inside it, depth first."""
    yield box
    for child in getattr(box, "children", ()):
        yield from laid_out(child)


def _body(page_box: Any) -> Any | None:
    return next((b for b in laid_out(page_box) if getattr(b, "element_tag", None) == "body"), None)


# Lighter than this (0 black, 1 white), a rule or a tint does not read as the end of what
# a page holds: a hairline in the background tint under a figure, the tinted padding of a
# box below its last line. The design check reads the printed page the same way
# (pdf/design.py).
INK_LIGHTNESS = 235 / 255


def light(color: Any) -> bool:
    """Whether a colour is lighter than ink (see INK_LIGHTNESS), or transparent."""
    if color is None or getattr(color, "alpha", 0) <= 0:
        return True
    try:
        red, green, blue = color.to("srgb").coordinates[:3]
    except NotImplementedError:  # device-cmyk, the print edition's brand colours
        cyan, magenta, yellow, black = color.coordinates[:4]
        red, green, blue = ((1 - v) * (1 - black) for v in (cyan, magenta, yellow))
    return bool(0.2126 * red + 0.7152 * green + 0.0722 * blue >= INK_LIGHTNESS)


def _inked(box: Any) -> bool:
    """Whether a box's own bottom edge is drawn: a line of text, an image or figure, or a
    block with a background or a bottom border that reads as ink. A block split at a
    page's foot stretches to it; only what it draws counts."""
    name = type(box).__name__
    if name in ("LineBox",) or "Replaced" in name:
        return True
    style = getattr(box, "style", None)
    if style is None or name.startswith(("Page", "Margin")):
        return False
    border = bool(style["border_bottom_width"]) and not light(style["border_bottom_color"])
    return border or not light(style["background_color"])


def content_bottom(box: Any, skip: Any = None) -> float | None:
    """The lowest edge drawn by ``box`` or anything in it but ``skip`` (None if it draws
    nothing)."""
    if box is skip:
        return None
    if _inked(box):
        return float(box.position_y + box.margin_height())
    children = getattr(box, "children", ())
    bottoms = [b for b in (content_bottom(c, skip) for c in children) if b is not None]
    return max(bottoms) if bottoms else None


def page_fills(document: Any) -> tuple[list[float], float]:
    """Each page's share of its content area that holds content, and the area's height.
    The back matter counts for its own height, not for the space above it: it is set at
    the page's foot, and the room between reads as empty (as pdf/design.py measures)."""
    fills, height = [], 1.0
    for page in document.pages:
        page_box = page._page_box
        top, height = page_box.content_box_y(), page_box.height
        body = _body(page_box)
        back = _back(page_box) if page is document.pages[-1] else None
        bottom = (content_bottom(body, back) if body is not None else None) or top
        if back is not None:
            bottom += back.border_height()
        fills.append(max(0.0, min(1.0, (bottom - top) / max(1.0, height))))
    return fills, height


def heights(document: Any, ids: set[str]) -> dict[str, float]:
    """The laid-out height of each element named in ``ids``, over all its pages."""
    found: dict[str, float] = {}
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            name = element.get("id") if element is not None else None
            if name in ids and getattr(box, "element_tag", None) not in (None, "html"):
                found[name] = found.get(name, 0.0) + box.margin_height()
                continue  # its inner boxes belong to the same element
            stack.extend(getattr(box, "children", ()))
    return found


def choose(document: Any, candidates: list[str], budget: int | None, least: int) -> list[str]:
    """The candidates to hide: enough to bring the pages within ``budget`` or to take away
    a last page less than half full; none if that cannot be done by hiding them."""
    fills, height = page_fills(document)
    pages = len(fills)
    if budget is not None and pages > budget:
        need = (sum(fills[budget:]) + SLACK) * height
        must = True
    elif pages > max(1, least) and fills[-1] < LAST_PAGE_FILL:
        need = (fills[-1] + SLACK) * height
        must = False
    else:
        return []
    drop, enough = _fewest(document, candidates, need)
    return drop if must or enough else []


def _fewest(document: Any, candidates: list[str], need: float) -> tuple[list[str], bool]:
    """The first candidates, in order, whose laid-out heights add up to ``need`` (all of
    them if they do not), and whether they do."""
    measured = heights(document, set(candidates))
    drop, total = [], 0.0
    for name in candidates:
        if total >= need:
            break
        if name in measured:
            drop.append(name)
            total += measured[name]
    return drop, total >= need


def choose_tightened(document: Any, candidates: list[str], least: int) -> list[str]:
    """The fewest candidates whose room, with what tightening gains (about, see
    TIGHT_GAIN), takes a short last page away; none when all of them would not."""
    fills, height = page_fills(document)
    if len(fills) <= max(1, least) or fills[-1] >= LAST_PAGE_FILL:
        return []
    need = (fills[-1] + SLACK - TIGHT_GAIN * (len(fills) - 1)) * height
    drop, enough = _fewest(document, candidates, need)
    return drop if drop and enough else []


# What sits at the foot of a brief's last page: the back matter (partials/back.html.j2)
# and a handout's sign-off (partials/handout-foot.html.j2).
FOOT_CLASSES = {"back", "handout-foot"}


def _back(page_box: Any) -> Any | None:
    """The back matter or the sign-off laid out on a page."""
    for box in laid_out(page_box):
        element = getattr(box, "element", None)
        if getattr(box, "element_tag", None) != "footer" or element is None:
            continue
        if FOOT_CLASSES & set((element.get("class") or "").split()):
            return box
    return None


def back_to_foot(document: Any) -> None:
    """Set the back matter (who made the brief, how to reach them, how to cite the report)
    at the foot of the last page, as on the back of a folded brief, and a handout's
    sign-off at the foot of its sheet, rather than wherever the text before it ends.
    Moves the laid-out boxes; nothing is laid out again (a flex column would push the
    sign-off down too, at a quarter of a handout's layout time)."""
    page = document.pages[-1]
    page_box = page._page_box
    back = _back(page_box)
    if back is None:
        return
    foot = page_box.content_box_y() + page_box.height
    room = foot - (back.position_y + back.margin_height())
    if room < 1:
        return
    back.translate(0, room)
    # Links and anchors were gathered from the boxes where they were: gather them again.
    document.pages[-1] = type(page)(page_box)

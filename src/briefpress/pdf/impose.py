"""Imposition: a built brief two or four to an A4 sheet, with cut marks, for printing
handouts by the hundred on an office printer or at a print shop.

Each page of the brief becomes one sheet holding copies of it ("step and repeat"):
a one-page handout gives one sheet, a two-sided handout a front and a back. The
cells abut, so one cut separates two handouts, and the cut marks sit in the
margin around them, never inside a cell.

A booklet (``booklet``) is the other way to print a brief of several pages: two pages
to a side of an A4 landscape sheet, in the order that makes the sheets, printed on both
sides, stacked, folded in the middle and stapled on the fold, read page after page. The
fold is the spine, so its side follows the brief's reading direction (its ``/Lang``): a
left-to-right brief opens with page 1 right of the fold, a right-to-left one (Arabic,
Hebrew, Persian) with page 1 left of it, bound on its right edge as its readers' books
are. Copies (2-up, 4-up) need no such mirroring: each cell is a whole handout.

Duplex: the back sheets are made for printing with "flip on long edge". Turning a
sheet over its long edge moves a cell on a portrait sheet (4-up) to the other
column, and on a landscape sheet (2-up) to the other row, upside down. Each back is
placed behind its own front, and turned so that a cut handout, turned over like a
page of a book, reads the right way up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefpress.core.files import write_atomic
from briefpress.core.scripts import direction

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
MARGIN = 10 * MM  # around the cells: room for the marks, and printers' unprintable edge
MARK_GAP = 2 * MM  # marks stop short of the cut, so none shows on a trimmed handout
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.25  # points: a hairline
# Document-level entries that point into the source's pages or claim a conformance
# (PDF/UA, PDF/X) that an imposed print sheet no longer has.
DROPPED = (
    "/StructTreeRoot",
    "/MarkInfo",
    "/Outlines",
    "/Names",
    "/Dests",
    "/OpenAction",
    "/PageLabels",
    "/AcroForm",
    "/Metadata",
)


@dataclass(frozen=True)
class Layout:
    """How many cells, on which sheet: 2-up is A5 cells on A4 landscape, 4-up A6 on A4."""

    name: str
    sheet: tuple[float, float]
    columns: int
    rows: int
    booklet: bool = False  # pages in folding order, not copies of one page

    @property
    def portrait(self) -> bool:
        return self.sheet[1] >= self.sheet[0]


LAYOUTS = {
    "2up": Layout("2up", (A4[1], A4[0]), columns=2, rows=1),
    "4up": Layout("4up", A4, columns=2, rows=2),
    "booklet": Layout("booklet", (A4[1], A4[0]), columns=2, rows=1, booklet=True),
}
Placed = tuple["Box", int | None, int]  # a cell, the page drawn in it (or none), its turn


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, from its lower-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height


def front_cells(layout: Layout, page_width: float, page_height: float) -> list[Box]:
    """The cells of a front sheet, left to right and top to bottom, centred on the sheet.

    The page is scaled to the largest size that fits every cell inside the margin, so
    an A4 and an A5 handout make the same A5-shaped cells on a 2-up sheet.
    """
    sheet_width, sheet_height = layout.sheet
    scale = min(
        (sheet_width - 2 * MARGIN) / layout.columns / page_width,
        (sheet_height - 2 * MARGIN) / layout.rows / page_height,
    )
    width, height = page_width * scale, page_height * scale
    left = (sheet_width - width * layout.columns) / 2
    top = (sheet_height + height * layout.rows) / 2
    return [
        Box(left + column * width, top - (row + 1) * height, width, height)
        for row in range(layout.rows)
        for column in range(layout.columns)
    ]


def behind(box: Box, layout: Layout) -> Box:
    """Where the back of ``box`` is on the back sheet, turned over its long edge."""
    sheet_width, sheet_height = layout.sheet
    if layout.portrait:  # long edge vertical: left and right swap
        return Box(sheet_width - box.right, box.y, box.width, box.height)
    return Box(box.x, sheet_height - box.top, box.width, box.height)  # top and bottom swap


def back_rotation(layout: Layout) -> int:
    """Degrees to turn a back in its cell: a landscape sheet turned over its long edge
    shows its back upside down to a reader who turns the cut handout like a page."""
    return 0 if layout.portrait else 180


def cut_marks(cells: list[Box]) -> list[tuple[float, float, float, float]]:
    """Lines (x1, y1, x2, y2) in the margin, in line with every cut, outside every cell."""
    xs = sorted({round(v, 3) for c in cells for v in (c.x, c.right)})
    ys = sorted({round(v, 3) for c in cells for v in (c.y, c.top)})
    left, right, bottom, top = xs[0], xs[-1], ys[0], ys[-1]
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    lines = []
    for x in xs:
        lines += [(x, top + near, x, top + far), (x, bottom - near, x, bottom - far)]
    for y in ys:
        lines += [(left - near, y, left - far, y), (right + near, y, right + far, y)]
    return lines


def placement(
    cell: Box, source: tuple[float, float, float, float], rotation: int
) -> tuple[float, ...]:
    """The ``cm`` matrix that draws the source box (x, y, w, h) centred in ``cell``."""
    bx, by, bw, bh = source
    scale = min(cell.width / bw, cell.height / bh)
    dx, dy = (cell.width - bw * scale) / 2, (cell.height - bh * scale) / 2
    if rotation == 180:
        return (-scale, 0, 0, -scale, cell.right - dx + scale * bx, cell.top - dy + scale * by)
    return (scale, 0, 0, scale, cell.x + dx - scale * bx, cell.y + dy - scale * by)


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def sheet_content(placed: list[Placed], boxes: list[tuple[float, float, float, float]]) -> bytes:
    """Marks first, then each cell's page (form ``/P<n>``, ``boxes[n]``) clipped to it."""
    ops = ["q 0 G", f"{_number(MARK_WIDTH)} w"]
    for x1, y1, x2, y2 in cut_marks([cell for cell, _, _ in placed]):
        ops.append(f"{_number(x1)} {_number(y1)} m {_number(x2)} {_number(y2)} l S")
    ops.append("Q")
    for cell, page, rotation in placed:
        if page is None:
            continue  # a blank page of a booklet
        box = " ".join(_number(v) for v in (cell.x, cell.y, cell.width, cell.height))
        matrix = " ".join(_number(v) for v in placement(cell, boxes[page], rotation))
        ops.append(f"q {box} re W n {matrix} cm /P{page} Do Q")
    return ("\n".join(ops) + "\n").encode("ascii")


def copies(layout: Layout, boxes: list[tuple[float, float, float, float]]) -> list[list[Placed]]:
    """A sheet of copies per page; a two-sided brief's even pages behind the odd ones."""
    sheets: list[list[Placed]] = []
    for index, box in enumerate(boxes):
        cells = front_cells(layout, box[2], box[3])
        if len(boxes) > 1 and index % 2 == 1:
            turn = back_rotation(layout)
            sheets.append([(behind(cell, layout), index, turn) for cell in cells])
        else:
            sheets.append([(cell, index, 0) for cell in cells])
    return sheets


def folding_order(pages: int) -> list[int | None]:
    """The pages in reading order, padded with blanks (None) to a multiple of four; the
    blanks go before the last page, so that a brief's back page stays on the back."""
    blanks = -pages % 4
    order: list[int | None] = list(range(pages))
    if pages >= 2:
        return [*order[:-1], *([None] * blanks), order[-1]]
    return [*order, *([None] * blanks)]


def booklet(
    layout: Layout, boxes: list[tuple[float, float, float, float]], right_to_left: bool
) -> list[list[Placed]]:
    """Front and back of each folded sheet. Sheet k carries the k-th page from each end
    on its front, the spine side's page the earlier one; behind each page is the page
    that follows it (or precedes it, on the closing half of the booklet)."""
    order = folding_order(len(boxes))
    left, right = front_cells(layout, boxes[0][2], boxes[0][3])
    turn = back_rotation(layout)
    sheets: list[list[Placed]] = []
    for k in range(len(order) // 4):
        first, second = order[2 * k], order[2 * k + 1]
        last, before_last = order[-1 - 2 * k], order[-2 - 2 * k]
        opening, closing = (left, right) if right_to_left else (right, left)
        sheets.append([(closing, last, 0), (opening, first, 0)])
        sheets.append(
            [(behind(opening, layout), second, turn), (behind(closing, layout), before_last, turn)]
        )
    return sheets


def form_box(form: Any) -> tuple[float, float, float, float]:
    """The page's box as the form draws it: its /BBox through its /Matrix (rotation)."""
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    points = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def impose_pdf(source: Path, target: Path, layout_name: str) -> int:
    """Write ``target``: the pages of ``source`` n-up with cut marks, or as a booklet;
    returns the number of sheet sides."""
    import pikepdf

    layout = LAYOUTS[layout_name]
    with pikepdf.open(source) as pdf:
        count = len(pdf.pages)
        forms = [pdf.make_indirect(page.as_form_xobject()) for page in pdf.pages]
        for form in forms:
            if "/StructParents" in form:
                del form["/StructParents"]
        boxes = [form_box(form) for form in forms]
        if layout.booklet:
            rtl = direction(str(pdf.Root.get("/Lang", "")) or "en") == "rtl"
            sheets = booklet(layout, boxes, rtl)
        else:
            sheets = copies(layout, boxes)
        for placed in sheets:
            used = {f"/P{page}": forms[page] for _, page, _ in placed if page is not None}
            sheet = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, *layout.sheet],
                Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(used)),
                Contents=pdf.make_stream(sheet_content(placed, boxes)),
            )
            pdf.pages.append(pikepdf.Page(sheet))
        del pdf.pages[:count]
        for key in DROPPED:
            if key in pdf.Root:
                del pdf.Root[key]
        title = str(pdf.docinfo.get("/Title", source.stem))
        purpose = "for printing and folding" if layout.booklet else "for printing and cutting"
        pdf.docinfo["/Title"] = f"{title} ({layout.name}, {purpose})"
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
    write_atomic(target, buffer.getvalue())
    return len(sheets)


def imposed_path(pdf: Path, layout_name: str) -> Path:
    """``out/<id>-2up.pdf`` beside ``out/<id>.pdf`` (and in ``out/print/`` for print)."""
    return pdf.with_name(f"{pdf.stem}-{layout_name}.pdf")


def impose_all(sources: list[Path], layout: str) -> list[tuple[Path, int]]:
    """N-up print sheets of each built PDF, beside it; cheap (no WeasyPrint), so never cached."""
    made = []
    for source in sources:
        target = imposed_path(source, layout)
        made.append((target, impose_pdf(source, target, layout)))
    return made

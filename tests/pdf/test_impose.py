"""Imposition: n-up sheets on A4 with cut marks; backs behind their fronts for duplex."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from briefpress.pdf.impose import A4, LAYOUTS, MARGIN, MM, impose_pdf
from conftest import Result

Cli = Callable[..., Result]
A5 = (148 * MM, 210 * MM)
Matrix = tuple[float, float, float, float, float, float]


def source_pdf(path: Path, size: tuple[float, float], pages: int) -> Path:
    """A plain PDF of ``pages`` pages of ``size``, each with a filled rectangle."""
    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=size)
        page.Contents = pdf.make_stream(b"0.5 g 10 10 50 50 re f")
    pdf.save(path)
    return path


@dataclass
class Placed:
    clip: tuple[float, float, float, float]  # x, y, w, h of the cell
    matrix: Matrix


@dataclass
class Sheet:
    size: tuple[float, float]
    placed: list[Placed]
    lines: list[tuple[float, float, float, float]]


def read_sheets(path: Path) -> list[Sheet]:
    """Each sheet's size, the page copies it draws (clip and matrix) and its mark lines."""
    sheets = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            placed, lines, clip, matrix, start = [], [], None, None, None
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                values = [float(v) for v in operands] if op in ("re", "cm", "m", "l") else []
                if op == "re":
                    clip = tuple(values)
                elif op == "cm":
                    matrix = tuple(values)
                elif op == "Do":
                    placed.append(Placed(clip, matrix))  # type: ignore[arg-type]
                elif op == "m":
                    start = values
                elif op == "l" and start is not None:
                    lines.append((start[0], start[1], values[0], values[1]))
            sheets.append(Sheet((box[2], box[3]), placed, lines))
    return sheets


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def turned_over(point: tuple[float, float], sheet: tuple[float, float]) -> tuple[float, float]:
    """Where a point of the front is seen on the back after a long-edge flip."""
    x, y = point
    width, height = sheet
    return (width - x, y) if height >= width else (x, height - y)


def inside(point: tuple[float, float], clip: tuple[float, float, float, float]) -> bool:
    x, y = point
    cx, cy, cw, ch = clip
    return cx + 0.01 < x < cx + cw - 0.01 and cy + 0.01 < y < cy + ch - 0.01


@pytest.mark.parametrize(("layout", "sheet", "cells"), [("2up", (A4[1], A4[0]), 2), ("4up", A4, 4)])
def test_pages_sheet_size_and_cells(
    tmp_path: Path, layout: str, sheet: tuple[float, float], cells: int
) -> None:
    source = source_pdf(tmp_path / "handout.pdf", A5, pages=1)
    target = tmp_path / f"handout-{layout}.pdf"
    assert impose_pdf(source, target, layout) == 1
    (front,) = read_sheets(target)
    assert front.size == pytest.approx(sheet)
    assert len(front.placed) == cells
    boxes = [p.clip for p in front.placed]
    width, height = boxes[0][2], boxes[0][3]
    assert width / height == pytest.approx(A5[0] / A5[1], rel=1e-3)  # A-series cells
    for x, y, w, h in boxes:
        assert (w, h) == pytest.approx((width, height))
        assert x >= MARGIN - 0.01 and y >= MARGIN - 0.01
        assert x + w <= sheet[0] - MARGIN + 0.01 and y + h <= sheet[1] - MARGIN + 0.01
    # The cells abut (one cut between two handouts) and do not overlap.
    xs = sorted({round(b[0], 2) for b in boxes})
    assert all(round(b - a, 2) == round(width, 2) for a, b in itertools.pairwise(xs))
    for placed in front.placed:  # the page fills its cell
        corner = apply(placed.matrix, 0, 0)
        far = apply(placed.matrix, A5[0], A5[1])
        assert (min(corner[0], far[0]), min(corner[1], far[1])) == pytest.approx(placed.clip[:2])


def test_an_a4_handout_is_scaled_into_the_same_a5_cells(tmp_path: Path) -> None:
    a5 = read_sheets(_imposed(tmp_path, A5, 1, "2up"))[0]
    a4 = read_sheets(_imposed(tmp_path, A4, 1, "2up", "a4"))[0]
    # A5 is 148 mm wide, half of A4 would be 148.5: the cells agree to half a millimetre.
    for big, small in zip(a4.placed, a5.placed, strict=True):
        assert big.clip == pytest.approx(small.clip, abs=0.5 * MM)


def _imposed(
    tmp: Path, size: tuple[float, float], pages: int, layout: str, name: str = "h"
) -> Path:
    target = tmp / f"{name}-{layout}.pdf"
    impose_pdf(source_pdf(tmp / f"{name}.pdf", size, pages), target, layout)
    return target


@pytest.mark.parametrize("layout", ["2up", "4up"])
def test_cut_marks_are_outside_every_cell_and_on_every_cut(tmp_path: Path, layout: str) -> None:
    (front,) = read_sheets(_imposed(tmp_path, A5, 1, layout))
    assert front.lines
    for x1, y1, x2, y2 in front.lines:
        for placed in front.placed:
            assert not inside((x1, y1), placed.clip) and not inside((x2, y2), placed.clip)
            assert not inside(((x1 + x2) / 2, (y1 + y2) / 2), placed.clip)
    cuts_x = {round(v, 2) for p in front.placed for v in (p.clip[0], p.clip[0] + p.clip[2])}
    cuts_y = {round(v, 2) for p in front.placed for v in (p.clip[1], p.clip[1] + p.clip[3])}
    vertical = {round(x1, 2) for x1, _, x2, _ in front.lines if round(x1, 2) == round(x2, 2)}
    horizontal = {round(y1, 2) for _, y1, _, y2 in front.lines if round(y1, 2) == round(y2, 2)}
    assert vertical == cuts_x and horizontal == cuts_y
    sheet_w, sheet_h = front.size
    for x1, y1, x2, y2 in front.lines:  # on the sheet
        assert min(x1, x2) > 0 and max(x1, x2) < sheet_w and 0 < min(y1, y2) < sheet_h


@pytest.mark.parametrize("layout", ["2up", "4up"])
def test_backs_align_with_their_fronts_for_long_edge_duplex(tmp_path: Path, layout: str) -> None:
    front, back = read_sheets(_imposed(tmp_path, A5, 2, layout))
    assert len(front.placed) == len(back.placed) == (2 if layout == "2up" else 4)
    width = A5[0]
    for placed in front.placed:
        # A point on the handout's front, and the point of page 2 behind it when the cut
        # handout is turned over like a page of a book (mirrored left to right).
        for u, v in [(10.0, 20.0), (width - 30, A5[1] - 5), (width / 2, A5[1] / 3)]:
            on_sheet = turned_over(apply(placed.matrix, u, v), front.size)
            matches = [
                p
                for p in back.placed
                if apply(p.matrix, width - u, v) == pytest.approx(on_sheet, abs=0.05)
            ]
            assert len(matches) == 1, (layout, u, v)
            assert inside(on_sheet, matches[0].clip)


def test_one_sided_handout_has_only_fronts(tmp_path: Path) -> None:
    sheets = read_sheets(_imposed(tmp_path, A5, 1, "2up"))
    assert len(sheets) == 1
    assert all(p.matrix[0] > 0 for p in sheets[0].placed)  # upright


def test_layouts_are_a4() -> None:
    assert {name: tuple(sorted(layout.sheet)) for name, layout in LAYOUTS.items()} == {
        "2up": pytest.approx(tuple(sorted(A4))),
        "4up": pytest.approx(tuple(sorted(A4))),
        "booklet": pytest.approx(tuple(sorted(A4))),
    }


def booklet_sides(path: Path) -> list[tuple[list[int | None], bool]]:
    """Each side of a booklet: its pages (1-based) from left to right as the sheet lies
    (None for a blank), and whether they are drawn upside down (the backs)."""
    sides = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            cells: list[tuple[float, int]] = []
            turned, clip = False, (0.0, 0.0, 0.0, 0.0)
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "re":
                    clip = tuple(float(v) for v in operands)  # type: ignore[assignment]
                elif op == "cm":
                    turned = float(operands[0]) < 0
                elif op == "Do":
                    cells.append((clip[0], int(str(operands[0])[2:]) + 1))
            cells.sort()
            pages: list[int | None] = [number for _, number in cells]
            if len(pages) == 1:  # one page and a blank: which side is it on?
                middle = float(page.mediabox[2]) / 2
                pages = [pages[0], None] if cells[0][0] < middle - 1 else [None, pages[0]]
            sides.append((pages, turned))
    return sides


def lang_pdf(path: Path, pages: int, lang: str) -> Path:
    source_pdf(path, A4, pages)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.Lang = pikepdf.String(lang)
        pdf.save(path)
    return path


def test_a_booklet_folds_into_reading_order_with_its_spine_on_the_left(tmp_path: Path) -> None:
    """Four pages: the front has page 4 left of the fold and page 1 right of it; the back
    (upside down, for a long-edge flip) has page 2 behind page 1, page 3 behind page 4."""
    target = tmp_path / "brief-booklet.pdf"
    assert impose_pdf(lang_pdf(tmp_path / "brief.pdf", 4, "en"), target, "booklet") == 2
    assert booklet_sides(target) == [([4, 1], False), ([3, 2], True)]


def test_a_right_to_left_booklet_is_bound_on_its_right(tmp_path: Path) -> None:
    """An Arabic brief opens the other way: page 1 left of the fold, the spine on the right
    of the closed booklet, and each back page still behind the page it follows."""
    target = tmp_path / "brief-booklet.pdf"
    impose_pdf(lang_pdf(tmp_path / "brief.pdf", 4, "ar"), target, "booklet")
    assert booklet_sides(target) == [([1, 4], False), ([2, 3], True)]
    target = tmp_path / "he-booklet.pdf"
    impose_pdf(lang_pdf(tmp_path / "he.pdf", 8, "he-IL"), target, "booklet")
    assert booklet_sides(target) == [
        ([1, 8], False), ([2, 7], True), ([3, 6], False), ([4, 5], True)
    ]  # fmt: skip


def test_a_booklet_pads_with_blanks_before_the_back_page(tmp_path: Path) -> None:
    target = tmp_path / "brief-booklet.pdf"
    assert impose_pdf(lang_pdf(tmp_path / "brief.pdf", 6, "en"), target, "booklet") == 4
    assert booklet_sides(target) == [
        ([6, 1], False), ([None, 2], True), ([None, 3], False), ([5, 4], True)
    ]  # fmt: skip


HANDOUT = """\
report: mini-report
kind: handout
title: "No sanctions"
headline: "Decriminalisation is not enough while sanctions remain"
points: ["Fines still punish people.", "Thresholds are too low."]
ask: "Remove all sanctions."
"""


def test_build_impose_writes_the_imposed_handout(project: Path, cli: Cli) -> None:
    (project / "briefs/handout.yaml").write_text(HANDOUT)
    result = cli("build", "handout", "--impose", "4up")
    assert result.code == 0, result.output
    assert "imposed out/handout-4up.pdf (1 sheet)" in result.out
    (sheet,) = read_sheets(project / "out/handout-4up.pdf")
    assert sheet.size == pytest.approx(A4)
    assert len(sheet.placed) == 4
    with pikepdf.open(project / "out/handout-4up.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root  # a print sheet claims no tagging
        form = pdf.pages[0].Resources.XObject.P0
        assert form.Subtype == "/Form" and "/Font" in form.Resources

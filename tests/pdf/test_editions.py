"""The two editions by structure: PDF/UA screen files small enough to e-mail, and
PDF/X print files with bleed, trim and a CMYK output intent."""

from __future__ import annotations

import shutil
from typing import Any

import pikepdf
import pytest

BRIEFS = ["portugal", "handout-full-decriminalisation", "letter-policymakers", "theme-stigma",
          "overview-models"]  # fmt: skip
MM = 72 / 25.4


@pytest.fixture
def built(shipped: dict[str, Any]) -> dict[str, Any]:
    """The session's one build of the shipped project, both editions (conftest)."""
    failed = [b for b in BRIEFS for r in (shipped["results"][b], shipped["print"][b])
              if r.failed(strict=True)]  # fmt: skip
    assert not failed
    return shipped


def size(box: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return round((x1 - x0) / MM, 1), round((y1 - y0) / MM, 1)


@pytest.mark.parametrize("brief", BRIEFS)
def test_screen_edition_is_accessible_and_small(built: dict[str, Any], brief: str) -> None:
    path = built["root"] / "out" / f"{brief}.pdf"
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/Title"])
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert "/Outlines" in pdf.Root or len(pdf.pages) == 1  # bookmarks from headings
    assert path.stat().st_size < 200 * 1024  # small enough to e-mail


@pytest.mark.parametrize("brief", BRIEFS)
def test_print_edition_has_bleed_trim_and_cmyk_intent(built: dict[str, Any], brief: str) -> None:
    with pikepdf.open(built["root"] / "out" / "print" / f"{brief}.pdf") as pdf:
        intents = pdf.Root.OutputIntents
        assert str(intents[0].S) == "/GTS_PDFX"
        assert int(intents[0].DestOutputProfile.N) == 4  # a CMYK ICC profile
        page = pdf.pages[0]
        trim, bleed = size(page.obj.TrimBox), size(page.obj.BleedBox)
        assert bleed[0] == pytest.approx(trim[0] + 6, abs=0.2)  # 3 mm each side
        assert bleed[1] == pytest.approx(trim[1] + 6, abs=0.2)
        assert trim in ((210.0, 297.0), (297.0, 210.0))


def test_a_four_page_brief_is_under_200_kb(built: dict[str, Any]) -> None:
    path = built["root"] / "out" / "portugal.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 4
    assert path.stat().st_size < 200 * 1024


def test_letter_address_sits_in_the_dl_window(built: dict[str, Any]) -> None:
    """DIN 5008 / DL window: 20 mm from the left, 45 mm from the top, 90 x 45 mm."""
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = built["root"] / "out" / "letter-policymakers.pdf"
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    words = [line for line in html.splitlines() if ">Sample<" in line or ">Example<" in line]
    assert words
    for line in words:
        attrs = dict(part.split("=") for part in line.strip("<>/ ").split()[1:5])
        x, y = float(attrs["xMin"].strip('"')) / MM, float(attrs["yMin"].strip('"')) / MM
        assert 20 <= x <= 110 and 45 <= y <= 90, (x, y)

"""A second report, shaped unlike INPUD's, built end to end through the command line.

The cities fixture has cities instead of countries, no typology (no models.yaml), no
facts, multi-word organisation names and a logo. Every brief must come out populated by
its kind's defaults, in its own brand, with nothing of another report in it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import CITIES, run_cli

BRIEFS = ("kestrel-bay", "pharmacies", "handout", "letter", "overview")
# Words of the INPUD report and of the theme as it was when it spoke only of INPUD's.
FOREIGN = (
    "INPUD",
    "decriminalis",
    "Table 1",
    "study countries",
    "section 6",
    "Legal regulation",
    "calls for",
    "Model of",
    "people who use drugs",
    "country",
    "countries",
    "Way Forward",
)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("cities") / "cities"
    shutil.copytree(CITIES, root, ignore=shutil.ignore_patterns("out"))
    check = run_cli(["-C", str(root), "check", "--strict"])
    build = run_cli(["-C", str(root), "build", "--html"])
    return {"root": root, "check": check, "build": build}


def html(built: dict[str, Any], brief: str) -> str:
    return (built["root"] / "out" / f"{brief}.html").read_text(encoding="utf-8")


def test_the_second_report_checks_strictly_and_builds(built: dict[str, Any]) -> None:
    assert built["check"].code == 0, built["check"].output
    assert "selects no" not in built["check"].output
    assert built["build"].code == 0, built["build"].output
    for brief in BRIEFS:
        assert (built["root"] / "out" / f"{brief}.pdf").exists()


@pytest.mark.parametrize("brief", BRIEFS)
def test_no_word_of_another_report(built: dict[str, Any], brief: str) -> None:
    text = pdf_text(built["root"] / "out" / f"{brief}.pdf")
    found = [word for word in FOREIGN if word.casefold() in text.casefold()]
    assert not found, found
    assert "Naloxone Within Reach" in text or brief == "letter"


def test_a_place_brief_is_filled_by_its_defaults(built: dict[str, Any]) -> None:
    page = html(built, "kestrel-bay")
    assert "City brief" in page and ">City</dt>" in page
    assert 'id="quote-k1"' in page and 'id="quote-k2"' in page  # the city's quotes
    assert 'id="quote-p1"' not in page  # and no other city's
    names_unwrapped = re.sub(r'<span class="proper">([^<]*)</span>', r"\1", page)
    assert "What respondents in Kestrel Bay ask for" in names_unwrapped
    assert 'id="quote-k3"' in page
    assert 'id="finding-pharmacies-turn-away"' in page
    assert "LHRA 2024, section 4: Recommendations" in page  # cited from the data
    assert 'class="spectrum"' not in page  # no typology: no spectrum
    assert 'class="box glance"' not in page  # no facts: no "at a glance" box


def test_theme_and_overview_speak_of_cities(built: dict[str, Any]) -> None:
    theme = html(built, "pharmacies")
    assert "Voices from 2 cities" in theme and "Cities that spoke to this theme:" in theme
    overview = html(built, "overview")
    assert 'class="places-section"' in overview and "Norhaven" in overview
    assert "models-table" not in overview


def test_the_brand_logo_and_colours_are_printed(built: dict[str, Any]) -> None:
    logo = '<img class="logo" src="../logo.svg" alt="Lantern Harm Reduction Alliance">'
    assert html(built, "kestrel-bay").count(logo) == 2  # cover band and back page
    assert logo in html(built, "letter") and logo in html(built, "handout")
    assert "--primary: #0b5d5b;" in html(built, "overview")

"""A new user's path through the studio in a real headless Chromium, without touching a file.

On a copy of the cities fixture (another report's shape: cities, no typology): tag five
quotes (four at once, one by itself), make a place brief, add a quote to it and move it
up with the keyboard only, save, see the preview and the page-fill meter, then build
every brief from the page. Each page is scanned with axe-core when it is cached
(``scripts/system_deps.py test`` fetches it with npm); without it the scan is skipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from running import Studio, studio

import chromium as shared_chromium

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts"))
from system_deps import AXE_FILE

QUOTES = "reports/naloxone-2024/quotes.yaml"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for this module's tests (each gets a fresh context)."""
    with shared_chromium.sync_api().sync_playwright() as playwright:
        launched = shared_chromium.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """A fresh context (cookies, storage) in the module's Chromium, closed after the test."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # only so that the test can add axe-core to each page
    )
    context.set_default_timeout(20_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def running(cities: Path) -> Iterator[Studio]:
    with studio(cities, warm=True) as started:
        yield started


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.x A and AA violations on the page (nothing when not cached)."""
    if not Path(AXE_FILE).is_file():
        return []
    page.add_script_tag(path=AXE_FILE)
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]


def test_a_new_user_tags_composes_previews_and_builds(
    cities: Path, running: Studio, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    scans: dict[str, list[str]] = {}

    # Home: the briefs and the report's data.
    page.goto(running.url + "/")
    expect(page.get_by_role("heading", name="Briefs", level=1)).to_be_visible()
    scans["home"] = axe_violations(page)
    page.get_by_role("link", name="Quotes 6").click()

    # Tag four quotes at once: filter to those of section 2, select them, add a theme.
    expect(page.get_by_role("heading", name="Quotes", level=1)).to_be_visible()
    scans["quotes"] = axe_violations(page)
    for quote in ("k1", "p1", "k3", "p2"):
        page.get_by_label(f"Select quote {quote}").check()
    expect(page.locator("#selected-count")).to_have_text("4 selected")
    page.get_by_label("Theme for the selected").select_option("outreach")
    page.get_by_role("button", name="Add theme").click()
    expect(page.locator("#status")).to_contain_text("Added the theme to 4")
    # ... and one by itself: its Pharmacies box, saved as it is ticked.
    page.locator("#r-n1").get_by_label("Pharmacies").check()
    expect(page.locator("#status")).to_contain_text("Saved n1")
    text = (cities / QUOTES).read_text()
    assert text.count("themes: [outreach, pharmacy]") == 1  # n1
    assert text.count("themes: [pharmacy, outreach]") == 3  # k1, p1, p2
    assert 'section: "3", themes: [outreach]}' in text  # k3
    page.goto(running.url + "/reports/naloxone-2024/quotes?theme=-")
    expect(page.locator("#shown")).to_have_text("Showing 0 of 6.")

    # A new place brief for Norhaven.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New brief").click()
    scans["new"] = axe_violations(page)
    page.get_by_label("Kind of brief").select_option("country")
    page.get_by_label("Place").select_option(label="Norhaven")
    expect(page.get_by_label("File name (brief id)")).to_have_value("norhaven")
    page.get_by_label("Title").fill("Norhaven: kits all week")
    page.get_by_role("button", name="Make the brief").click()
    expect(page).to_have_url(running.url + "/briefs/norhaven")
    fill = page.locator("#fill-text")
    expect(fill).to_have_text(re.compile(r"^[1-4] of 4 pages$"), timeout=60_000)
    pages = int(fill.inner_text().split()[0])
    expect(page.locator("#preview-pages img")).to_have_count(pages)
    assert page.locator("#fill").get_attribute("value") == str(pages)
    scans["brief"] = axe_violations(page)

    # Keyboard only: add quote k2 to the quotes, move it first, save.
    quotes = page.locator('fieldset[data-section="quotes"]')
    quotes.get_by_label("Add to quotes").focus()
    page.keyboard.press("Home")  # the first choice
    chosen = quotes.get_by_label("Add to quotes").input_value()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Add
    expect(quotes.locator(".picked li")).to_have_count(2)
    quotes.get_by_role("button", name=f"Move {chosen} up").focus()
    page.keyboard.press("Enter")
    expect(quotes.locator(".picked li").first).to_have_attribute("data-id", chosen)
    page.get_by_label("Subtitle").focus()
    page.keyboard.type("What outreach teams told us")
    page.keyboard.press("Enter")  # submits the form from a text field
    expect(page.locator("#status")).to_contain_text("Preview updated", timeout=60_000)
    spec = (cities / "briefs/norhaven.yaml").read_text()
    assert f"ids: [{chosen}, n1]" in spec
    assert "subtitle: What outreach teams told us" in spec

    # A mistake is refused next to its field, and nothing is written.
    page.get_by_label("Page budget").fill("0")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator("#c-max_pages-problem")).to_be_visible()
    assert (cities / "briefs/norhaven.yaml").read_text() == spec
    page.get_by_label("Page budget").fill("")

    # Build every brief from the home page.
    page.goto(running.url + "/")
    page.get_by_role("button", name="Build all briefs").click()
    expect(page.locator("#build-result")).to_contain_text("6 of 6 briefs built", timeout=90_000)
    assert (cities / "out/norhaven.pdf").is_file()

    assert errors == []
    assert {name: found for name, found in scans.items() if found} == {}


def test_a_report_is_uploaded_and_its_review_settled(tmp_path: Path, browser: Any) -> None:
    from playwright.sync_api import expect
    from test_api import SEED_LIKE

    from conftest import run_cli

    root = tmp_path / "new-project"
    assert run_cli(["init", str(root)]).code == 0
    source = tmp_path / "Homes within reach.txt"
    source.write_text(SEED_LIKE, encoding="utf-8")
    with studio(root) as started:
        page = browser.new_page()
        page.goto(started.url + "/import")
        page.get_by_label("Short name for the report").fill("homes")
        page.get_by_role("button", name="Import").click()
        expect(page.locator("#import-problem")).to_contain_text("Choose a report file")
        page.get_by_label("Report file").set_input_files(str(source))
        page.get_by_role("button", name="Import").click()
        link = page.get_by_role("link", name=re.compile("Review the import"))
        expect(link).to_be_focused()
        link.click()
        scans = {"review": axe_violations(page)}
        left = int(page.locator("#left").get_attribute("data-left") or 0)
        assert left > 0
        page.locator("#review-items input[type=checkbox]").first.check()
        expect(page.locator("#left")).to_have_text(f"{left - 1} left to settle.")
        # Keyboard only: write the first place's summary and save with Enter.
        page.get_by_label(re.compile("^summary")).first.focus()
        page.keyboard.type("Tenants' groups describe evictions at a week's notice.")
        page.keyboard.press("Enter")
        expect(page.locator("#left")).to_have_text(f"{left - 2} left to settle.")
        places = (root / "reports/homes/countries.yaml").read_text(encoding="utf-8")
        assert "summary: \"Tenants' groups describe evictions at a week's notice.\"" in places
        assert "[x]" in (root / "reports/homes/REVIEW.md").read_text(encoding="utf-8")
        assert scans == {"review": []}


def test_two_tabs_editing_one_file_the_second_sees_the_conflict(cities: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    with studio(cities) as running:
        first, second = browser.new_page(), browser.new_page()
        for page in (first, second):
            page.goto(running.url + "/reports/naloxone-2024/quotes")
        first.locator("#r-k3").get_by_label("Pharmacies").check()
        expect(first.locator("#status")).to_contain_text("Saved k3")
        saved = (cities / QUOTES).read_text(encoding="utf-8")
        second.locator("#r-n1").get_by_label("Pharmacies").check()
        alert = second.get_by_role("alert").filter(has_text="changed on disk")
        expect(alert).to_contain_text("nothing was saved")
        assert (cities / QUOTES).read_text(encoding="utf-8") == saved  # the first tab's kept
        alert.get_by_role("button", name="Reload").click()
        expect(second.locator("#r-k3").get_by_label("Pharmacies")).to_be_checked()
        second.locator("#r-n1").get_by_label("Pharmacies").check()
        expect(second.locator("#status")).to_contain_text("Saved n1")

"""Report data in real Chromium: a quote re-cut from the report with the keyboard only,
reported as wrong, and an edit saved with JavaScript switched off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from running import Studio, studio
from test_recut import K1, SOURCE
from test_studio_browser import axe_violations, chromium

__all__ = ["chromium"]  # the module's one Chromium, a fixture

QUOTES = "reports/naloxone-2024/quotes.yaml"


@pytest.fixture
def kept(cities: Path) -> Path:
    (cities / "reports/naloxone-2024/source.txt").write_text(SOURCE, encoding="utf-8")
    return cities


@pytest.fixture
def running(kept: Path) -> Iterator[Studio]:
    with studio(kept) as started:
        yield started


def context(chromium: Any, javascript: bool = True) -> Any:
    made = chromium.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript, bypass_csp=True
    )
    made.set_default_timeout(20_000)
    return made


def test_a_quote_is_re_cut_with_the_keyboard_and_reported(
    kept: Path, running: Studio, chromium: Any
) -> None:
    from playwright.sync_api import expect

    browser = context(chromium)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(running.url + "/reports/naloxone-2024/quotes")
    page.get_by_role(
        "link", name="See it in the report, re-cut it or report it as wrong (quote k1)"
    ).click()
    expect(page.get_by_role("heading", name="Quote k1", level=1)).to_be_visible()
    expect(page.locator("#source-context mark")).to_have_text(K1)
    scans = {"quote": axe_violations(page)}
    # Keyboard only: the end one sentence later, then save.
    page.get_by_role("button", name="End a sentence later").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#source-context mark")).to_have_text(
        f"{K1} I went to three more before one had it."
    )
    page.get_by_role("button", name="Save the new cut").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("The new cut is saved.")
    text = (kept / QUOTES).read_text(encoding="utf-8")
    assert f'text: "{K1} I went to three more before one had it."' in text
    # A selection in the report's text proposes a cut at its whole words.
    page.evaluate(
        """() => {
          const node = document.querySelector('#source-context span').firstChild;
          const at = node.textContent.indexOf('respondents');
          const range = document.createRange();
          range.setStart(node, at + 3);
          range.setEnd(node, at + 20);
          document.getSelection().removeAllRanges();
          document.getSelection().addRange(range);
        }"""
    )
    page.get_by_role("button", name="Cut at the selected words").click()
    expect(page.locator("#source-context mark")).to_have_text("respondents had tried")
    # Report it as wrong instead: a note on the review list, the quote unchanged.
    page.get_by_label("What is wrong with this quote?").fill("Is this the same pharmacy?")
    page.get_by_role("button", name="Report as wrong").click()
    expect(page.locator("#status")).to_have_text("Your note is on the review list.")
    assert (kept / QUOTES).read_text(encoding="utf-8") == text
    review = (kept / "reports/naloxone-2024/REVIEW.md").read_text(encoding="utf-8")
    assert "**quotes.yaml (k1)**: reported as wrong: Is this the same pharmacy?" in review
    # The pages this work changed, scanned as the others are.
    for name, path in [
        ("findings", "/reports/naloxone-2024/findings"),
        ("organisations", "/reports/naloxone-2024/organisations"),
        ("review", "/reports/naloxone-2024/review"),
    ]:
        page.goto(running.url + path)
        scans[name] = axe_violations(page)
    assert errors == []
    assert {name: found for name, found in scans.items() if found} == {}
    browser.close()


def test_edits_are_saved_with_javascript_switched_off(
    kept: Path, running: Studio, chromium: Any
) -> None:
    from playwright.sync_api import expect

    browser = context(chromium, javascript=False)
    page = browser.new_page()
    page.goto(running.url + "/reports/naloxone-2024/quotes?section=3")
    expect(page.get_by_label("Select all shown")).to_be_hidden()  # it needs the script
    # One quote's theme, saved by its own button: the page comes back saying so.
    page.locator("#r-k3").get_by_label("Pharmacies").check()
    page.get_by_role("button", name="Save quote k3").click()
    expect(page.locator("#status")).to_have_text("Saved k3.")
    expect(page).to_have_url(
        running.url + "/reports/naloxone-2024/quotes?section=3&done=saved&id=k3"
    )
    expect(page.locator("#r-k3").get_by_label("Pharmacies")).to_be_checked()
    text = (kept / QUOTES).read_text(encoding="utf-8")
    assert 'section: "3", themes: [pharmacy]}' in text
    # Two at once with the bulk form; then a refusal shown next to the form.
    page.get_by_label("Select quote k3").check()
    page.get_by_label("Select quote p2").check()
    page.get_by_label("Theme for the selected").select_option("outreach")
    page.get_by_role("button", name="Add theme").click()
    expect(page.locator("#status")).to_have_text("Changed 2 quotes at once.")
    assert (kept / QUOTES).read_text(encoding="utf-8").count("[pharmacy, outreach]") == 2
    page.get_by_label("Select quote k3").check()
    page.get_by_label("Place for the selected").select_option("norhaven")
    page.get_by_role("button", name="Set place and organisation").click()
    expect(page.locator("#bulk-problem")).to_contain_text("not 'norhaven'")
    assert (kept / QUOTES).read_text(encoding="utf-8").count("[pharmacy, outreach]") == 2
    browser.close()


def test_a_refused_change_is_shown_under_its_field(
    kept: Path, running: Studio, chromium: Any
) -> None:
    from playwright.sync_api import expect

    browser = context(chromium)
    page = browser.new_page()
    page.goto(running.url + "/reports/naloxone-2024/quotes")
    before = (kept / QUOTES).read_text(encoding="utf-8")
    page.locator("#r-k3").get_by_label("Place").select_option("norhaven")  # saved at once
    problem = page.locator("#f-k3-place-problem")
    expect(problem).to_contain_text("not 'norhaven'")
    expect(page.locator("#problem-k3")).to_be_hidden()
    assert (kept / QUOTES).read_text(encoding="utf-8") == before
    browser.close()

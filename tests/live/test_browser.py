"""The live preview as a person uses it: a real headless Chromium against ``briefpress serve``.

It opens the index, opens a brief, then edits the brief's spec on disk as an
editor would, and waits for the open page to change by itself: no reload.
Needs Debian's ``chromium`` (``make test`` installs it when run as root, as in
CI) and Playwright's Python package, driving that Chromium (never a
downloaded browser). Elsewhere the test is skipped, with the reason shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from serving import Server, serving

import chromium

LIVE_TIMEOUT = 10_000  # ms; the page usually changes within a second or two


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A fresh headless Chromium with its own profile folder, closed after the test."""
    with chromium.sync_api().sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # --user-data-dir, new for every test
            executable_path=chromium.CHROMIUM,
            headless=True,
            args=chromium.FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def server(project: Path) -> Iterator[Server]:
    with serving(project) as running:
        yield running


def test_live_preview_in_a_real_browser(project: Path, server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The index: every brief, its kind, language, pages, status and first page.
    page.goto(server.url)
    arcadia = page.locator("#brief-arcadia")
    expect(arcadia.locator(".badge")).to_have_text("Built")
    expect(arcadia).to_contain_text("Country brief")
    expect(arcadia).to_contain_text("EN")
    pages = len(PdfReader(project / "out" / "arcadia.pdf").pages)
    expect(arcadia).to_contain_text(f"{pages} page{'s' if pages > 1 else ''}")
    expect(page.locator("#brief-fines .badge")).to_have_text("Built")
    expect(page.locator("#live")).to_have_text("Live")
    assert thumbnail_loaded(page, "#brief-arcadia .thumb img")

    # A brief's page: its pages as pictures and a link to its PDF.
    arcadia.get_by_role("link", name="Arcadia: no sanctions").click()
    expect(page).to_have_url(server.url + "brief/arcadia")
    expect(page.locator("h1")).to_have_text("Arcadia: no sanctions")
    expect(page.locator(".page img")).to_have_count(pages)
    expect(page.get_by_role("link", name="Open PDF")).to_have_attribute("href", "/out/arcadia.pdf")
    first_page = page.locator(".page img").first
    before = first_page.get_attribute("src")
    page.evaluate("window.notReloaded = true")

    # Save a new title: the open page follows by itself.
    spec = project / "briefs/arcadia.yaml"
    text = spec.read_text()
    saved = time.monotonic()
    spec.write_text(text.replace("Arcadia: no sanctions", "Arcadia without sanctions"))
    expect(page.locator("h1")).to_have_text("Arcadia without sanctions", timeout=LIVE_TIMEOUT)
    seconds = time.monotonic() - saved
    expect(first_page).not_to_have_attribute("src", before or "", timeout=LIVE_TIMEOUT)
    expect(page.locator(".brief-head .badge")).to_have_text("Built", timeout=LIVE_TIMEOUT)
    assert page.evaluate("window.notReloaded") is True, "the page was reloaded"
    # How fast is a figure to print, not to assert: a busy machine may take longer.
    print(f"the open page showed the new title {seconds:.1f} s after the save")

    # A mistake shows in the page, with file and line, and the watcher keeps going.
    spec.write_text(text.replace("country: arcadia", "country: atlantis"))
    problems = page.locator("#problems")
    expect(problems).to_contain_text("briefs/arcadia.yaml:4", timeout=LIVE_TIMEOUT)
    expect(problems).to_contain_text("unknown country 'atlantis'")
    expect(page.locator(".brief-head .badge")).to_have_text("Failed")

    spec.write_text(text)
    expect(problems).to_have_count(0, timeout=LIVE_TIMEOUT)
    expect(page.locator(".brief-head .badge")).to_have_text("Built", timeout=LIVE_TIMEOUT)
    expect(page.locator("h1")).to_have_text("Arcadia: no sanctions")
    assert page.evaluate("window.notReloaded") is True, "the page was reloaded"

    # Back on the index, the same story.
    page.get_by_role("link", name="All briefs").click()
    expect(page.locator("#brief-arcadia .badge")).to_have_text("Built")
    assert errors == [], errors
    assert "FAILED arcadia" in server.log, server.log  # the terminal says so too


def thumbnail_loaded(page: Any, selector: str) -> bool:
    """The picture arrived and decoded (a broken image has no natural width)."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete; }", arg=selector
    )
    return bool(page.eval_on_selector(selector, "img => img.naturalWidth > 0"))

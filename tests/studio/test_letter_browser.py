"""The letter's page in Chromium: its words edited with the keyboard and buttons, a
translation added beside the text, a refusal under its field; then the letters made with
a progress bar that follows them without a reload, and the page opened again after.
(That a mailing goes on without its page is tested through the API, test_letter_page.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from letterproject import letter_project
from running import studio
from test_studio_browser import axe_violations

import chromium

PAGE = "/briefs/letter/letter"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return letter_project(tmp_path / "project")


def opened(browser: Any, url: str, width: int = 1280) -> Any:
    context = browser.new_context(  # bypass_csp: only so that axe-core can be added
        viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(url)
    return page


def test_in_chromium_the_letters_words_and_a_translation(root: Path) -> None:
    sync_api = chromium.sync_api()
    file = root / "briefs/letter.yaml"
    with studio(root) as running, sync_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = opened(browser, running.url + PAGE)
            page.locator("#preview-pages img").first.wait_for()
            assert axe_violations(page) == []
            # Paragraph 2 moved up, from the keyboard.
            page.get_by_role("button", name="Move paragraph 2 up").focus()
            page.keyboard.press("Enter")
            assert page.get_by_label("Paragraph 1", exact=True).input_value() == (
                "We ask you to end the fines."
            )
            page.get_by_label("Paragraph 3", exact=True).fill("Thank you for reading this.")
            # A Spanish translation, each paragraph beside the one it translates.
            page.get_by_label("Add a translation into").select_option("es")
            page.get_by_role("button", name="Add the translation").click()
            spanish = page.locator('fieldset.translation[data-lang="es"]')
            assert "Spanish translation" in spanish.locator("legend").first.inner_text()
            originals = spanish.locator(".paragraph .original-text")
            assert originals.nth(0).inner_text() == "We ask you to end the fines."
            page.get_by_label("Subject, Spanish translation").fill("Sin sanciones en Arcadia")
            for n, text in enumerate(("Le pedimos.", "Le escribimos.", "Gracias."), 1):
                page.get_by_label(f"Paragraph {n}, Spanish translation").fill(text)
            page.get_by_role("button", name="Save and preview").click()
            page.locator("#status", has_text="Preview updated").wait_for()
            text = file.read_text(encoding="utf-8")
            assert text.index("We ask you to end the fines.") < text.index("We write to share")
            assert "Thank you for reading this." in text and '- "Le pedimos."' in text
            assert "# the ask comes second" in text

            # A paragraph left empty: refused under its field, nothing written.
            page.get_by_label("Paragraph 2", exact=True).fill("")
            page.get_by_role("button", name="Save and preview").click()
            problem = page.locator("#letter-body-1-problem")
            problem.wait_for()
            assert "Paragraph 2 is empty" in problem.inner_text()
            assert (
                page.get_by_label("Paragraph 2", exact=True).evaluate(
                    "el => el.getAttribute('aria-describedby')"
                )
                == "letter-body-1-problem"
            )
            assert file.read_text(encoding="utf-8") == text
            assert page.errors == []
        finally:
            browser.close()


def test_in_chromium_the_letters_made_with_progress_and_shown_again(root: Path) -> None:
    sync_api = chromium.sync_api()
    with studio(root) as running, sync_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = opened(browser, running.url + PAGE)
            assert page.get_by_label("The letter of").locator("option").count() == 1
            page.get_by_label("Recipients file").select_option("council.csv")
            page.get_by_role("button", name="Make the letters").click()
            page.locator("#make-message", has_text="made 4 letters").wait_for()
            bar = page.locator("#make-bar")  # followed without a reload
            assert (bar.get_attribute("max"), bar.evaluate("el => el.value")) == ("4", 4)
            assert page.locator("#make-count").inner_text() == "4 of 4"
            rows = page.locator("#made-table tbody tr")
            assert rows.count() == 4
            assert "no es translation" in rows.nth(3).inner_text()
            link = page.get_by_role("link", name="Chloé Martin (SAMPLE)'s letter (PDF)")
            assert link.get_attribute("href") == "/api/letters/letter/2.pdf"

            # The tab closed and opened again: the page shows what was made.
            page.close()
            page = opened(browser, running.url + PAGE)
            assert "made 4 letters" in page.locator("#make-message").inner_text()
            assert page.locator("#made-table tbody tr").count() == 4
            assert axe_violations(page) == []
            # A recipient's own letter beside the form.
            page.get_by_label("The letter of").select_option("2")
            picture = page.locator("#preview-pages img").first
            picture.wait_for()
            assert picture.get_attribute("src").startswith("/api/letters/letter/2/page/1.png")
            page.wait_for_function(
                "() => document.querySelector('#preview-pages img').naturalWidth > 0"
            )
            assert page.locator("#pdf-link").get_attribute("href") == "/api/letters/letter/2.pdf"
            assert page.errors == []
        finally:
            browser.close()

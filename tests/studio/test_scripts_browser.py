"""Report data in Arabic and Chinese, in real Chromium: what an officer whose report is not
in a Latin script sees and does.

A quote found by an Arabic word typed without its vowel marks, tagged; a country brief made
with an Arabic title and previewed; a Chinese quote found by "hiv" typed in ordinary letters.
The report's words carry the report's language and read in their own direction (Arabic right
to left, aligned right inside the English interface); nothing overflows a phone's width;
each page, the letter's and the mailing's too, is scanned with axe-core when it is cached.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from running import Studio, studio
from test_studio_browser import axe_violations, chromium

__all__ = ["chromium"]  # the module's one Chromium, a fixture

CLINICS = Path(__file__).parents[1] / "fixtures" / "clinics"
QUOTES = "reports/clinics-ar/quotes.yaml"
# How an element reads: its language, its dir attribute, and the direction it resolved to.
READING = (
    "(el) => [el.closest('[lang]').lang, el.getAttribute('dir'), getComputedStyle(el).direction]"
)


@pytest.fixture
def clinics(tmp_path: Path) -> Path:
    target = tmp_path / "clinics"
    shutil.copytree(CLINICS, target)
    return target


@pytest.fixture
def running(clinics: Path) -> Iterator[Studio]:
    with studio(clinics) as started:
        yield started


def reads(locator: Any) -> list[str]:
    return list(locator.evaluate(READING))


def search(page: Any, words: str) -> None:
    page.get_by_label("Search").fill(words)
    page.get_by_role("button", name="Filter").click()


def test_arabic_and_chinese_report_data(clinics: Path, running: Studio, chromium: Any) -> None:
    from playwright.sync_api import expect

    browser = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    browser.set_default_timeout(20_000)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(running.url + "/reports/clinics-ar/quotes")
    page.keyboard.press("Tab")  # the first stop is the skip link, and it shows
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    scans = {"quotes": axe_violations(page)}

    # Found without the vowel marks the report prints; shown right to left, in Arabic.
    search(page, "الصيدلي")
    expect(page.locator("#shown")).to_have_text("Showing 1 of 3.")
    quote = page.locator("#r-a1 blockquote")
    expect(quote).to_have_text("قال لنا الصَّيْدَلِيُّ إن الدواء غير متوفر منذ شهرين.")
    assert reads(quote) == ["ar", "auto", "rtl"]
    assert reads(page.locator("#r-a1 figcaption")) == ["ar", "auto", "rtl"]
    box, text = quote.bounding_box(), page.locator("#r-a1 .lock").bounding_box()
    assert box is not None and text is not None
    line = quote.evaluate(
        "(el) => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getBoundingClientRect().right; }"
    )
    assert abs(line - (box["x"] + box["width"])) < 2  # the line ends at the right edge

    # Tagged with an Arabic-named theme.
    page.goto(running.url + "/reports/clinics-ar/quotes?section=3")
    page.locator("#r-a3").get_by_label("الصيدليات").check()
    expect(page.locator("#status")).to_contain_text("Saved a3")
    assert 'section: "3", themes: [pharmacy]}' in (clinics / QUOTES).read_text(encoding="utf-8")

    # A brief titled in Arabic: an ASCII id spelled from the place, the preview made.
    page.goto(running.url + "/briefs/new")
    page.get_by_label("Report").select_option("clinics-ar")
    page.get_by_label("Kind of brief").select_option("country")
    page.get_by_label("Place").select_option(label="عين الصفا")
    expect(page.get_by_label("File name (brief id)")).to_have_value("yn-lsf")
    page.get_by_label("Title").fill("عين الصفا: الطريق إلى العيادة طويل")
    assert reads(page.get_by_label("Title"))[1:] == ["auto", "rtl"]
    page.get_by_role("button", name="Make the brief").click()
    expect(page).to_have_url(running.url + "/briefs/yn-lsf")
    expect(page.locator("#fill-text")).to_have_text(
        re.compile(r"^[1-4] of 4 pages$"), timeout=60_000
    )
    expect(page.locator("#preview-pages img").first).to_be_visible()
    assert reads(page.locator("#brief-title")) == ["ar", "auto", "rtl"]
    picked = page.locator(".section-pick[data-from=quotes] .picked bdi").first
    assert (
        reads(picked)[0] == "ar"
        and picked.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    )
    scans["brief"] = axe_violations(page)
    spec = (clinics / "briefs/yn-lsf.yaml").read_text(encoding="utf-8")
    assert 'title: "عين الصفا: الطريق إلى العيادة طويل"' in spec

    # Chinese on a phone: "hiv" finds the full-width ＨＩＶ; the long quote wraps.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(running.url + "/reports/clinics-zh/quotes")
    search(page, "hiv")
    expect(page.locator("#shown")).to_have_text("Showing 1 of 2.")
    assert reads(page.locator("#r-c1 blockquote")) == ["zh", "auto", "ltr"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    scans["chinese quotes"] = axe_violations(page)

    # The other pages with this data: a quote in the report's text, the letter, recipients,
    # sending; the same language and direction, and the same scan.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(running.url + "/reports/clinics-ar/quotes/a2")
    assert reads(page.locator("#source-context")) == ["ar", "auto", "rtl"]
    assert reads(page.locator("figure.verbatim .lock"))[2] == "ltr"  # our words stay ours
    scans["quote"] = axe_violations(page)
    page.goto(running.url + "/recipients/committee.csv")
    name = page.locator("td[data-column=name]").first
    expect(name).to_have_text("سلمى الخطيب (SAMPLE)")
    assert reads(name)[1:] == ["auto", "rtl"]
    scans["recipients"] = axe_violations(page)
    for where, path in [("letter", "/briefs/letter-ar/letter"), ("sending", "/sending/letter-ar")]:
        page.goto(running.url + path)
        scans[where] = axe_violations(page)
    assert errors == []
    assert {name: found for name, found in scans.items() if found} == {}
    browser.close()

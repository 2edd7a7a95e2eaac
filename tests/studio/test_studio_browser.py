"""A new user's path through the studio in a real headless Chromium, without touching a file.

``briefpress studio`` started in an empty folder: the project started in the page, a
report of another field uploaded (the harvest fixture: invented countries whose towns
no gazetteer knows) and its progress watched, every item of its review settled down to
0 (towns merged into their countries, one merge with the keyboard only), five quotes
tagged, a country brief made and previewed, a quote added to it and moved first with the
keyboard, every brief built, and the PDF read back. Each page is
scanned with axe-core when it is cached (``scripts/system_deps.py test`` fetches it
with npm); without it the scan is skipped.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from running import studio

import chromium as shared_chromium

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts"))
from system_deps import AXE_FILE

sys.path.insert(0, str(Path(__file__).parents[1] / "fixtures" / "import"))
import make_shapes

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


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.x A and AA violations on the page (nothing when not cached)."""
    if not Path(AXE_FILE).is_file():
        return []
    page.add_script_tag(path=AXE_FILE)
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]


def tab_to(page: Any, target: Any, most: int = 200) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    handle = target.element_handle()
    for _ in range(most):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


@contextlib.contextmanager
def studio_command(folder: Path) -> Iterator[str]:
    """``briefpress studio --port 0`` started in ``folder``, as a person would; its URL."""
    code = "from briefpress.cli import main; main()"
    command = [sys.executable, "-u", "-c", code, "studio", "--port", "0"]
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"Studio open at (http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# Each recorded value of the import's progress bar, across the page's navigations.
WATCH_PROGRESS = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("import-bar");
  if (bar) new MutationObserver(() => window.sawStage(`${bar.value}/${bar.max}`))
    .observe(bar, { attributes: true });
});
"""


def start_and_import(page: Any, url: str, source: Path, scans: dict[str, list[str]]) -> list[str]:
    """Start the project from the page, then upload the report and watch its progress."""
    from playwright.sync_api import expect

    seen: list[str] = []
    page.expose_function("sawStage", lambda value: seen.append(value))
    page.add_init_script(WATCH_PROGRESS)
    page.goto(url + "/")
    expect(page).to_have_url(url + "/start")
    expect(page.get_by_role("heading", name="Start a project", level=1)).to_be_visible()
    scans["start"] = axe_violations(page)
    page.get_by_label("Your organisation's name").fill("Harvest Rights Network")
    page.get_by_role("button", name="Start the project").click()
    expect(page).to_have_url(url + "/import")
    expect(page.locator("#status")).to_contain_text("Project started")
    scans["import"] = axe_violations(page)
    page.get_by_label("Report file").set_input_files(str(source))
    page.get_by_label("Short name for the report").fill("harvest")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/reports/harvest/review\?import="), timeout=60_000)
    page.get_by_text("What the import found").click()
    expect(page.locator(".imported pre")).to_contain_text("verified: every verbatim field")
    return seen


def merge(page: Any, towns: list[str], place: str, keyboard: bool = False) -> None:
    """Merge towns into a new place, with the pointer or with Tab, Space and Enter."""
    from playwright.sync_api import expect

    form = page.locator("#fold")
    if keyboard:
        for town in towns:
            tab_to(page, form.get_by_label(town, exact=True))
            page.keyboard.press("Space")
        tab_to(page, form.get_by_label("Name of the place they are in"))
        page.keyboard.type(place)
        page.keyboard.press("Enter")
    else:
        for town in towns:
            form.get_by_label(town, exact=True).check()
        form.get_by_label("Name of the place they are in").fill(place)
        form.get_by_role("button", name="Merge the ticked towns").click()
    expect(page.locator("#status")).to_contain_text(f"into {place}")
    for town in towns:
        expect(page.locator("#fold").get_by_label(town, exact=True)).to_have_count(0)


def settle_fields(page: Any) -> None:
    """Write the report's own fields, add its themes, leave findings empty for now."""
    from playwright.sync_api import expect

    fields = page.locator("#write-fields")
    for label, value in [
        ("short", "HRN"),
        ("name", "Harvest Rights Network"),
        ("year", "2025"),
        ("description", "Seasonal farmworkers in three countries on pay, housing and heat."),
    ]:
        field = fields.get_by_label(re.compile(f"^{label}:"))
        field.fill(value)
        field.press("Enter")
        expect(field).to_have_count(0)
    for theme in ("Pay", "Heat", "Housing"):
        fields.get_by_label("Theme name").fill(theme)
        fields.get_by_role("button", name="Add theme").click()
        expect(page.locator("#status")).to_contain_text(f"Added the theme {theme}")
    fields.get_by_role("button", name=re.compile("^None for now")).click()


def compose_with_the_keyboard(page: Any) -> dict[str, str]:
    """Add a quote to the brief's quotes, move it first and save: Tab, Enter, Home only."""
    from playwright.sync_api import expect

    quotes = page.locator('fieldset[data-section="quotes"]')
    shown = quotes.locator(".picked li").count()
    tab_to(page, quotes.get_by_label("Add to quotes"))
    page.keyboard.press("Home")  # the first choice
    chosen = quotes.get_by_label("Add to quotes").input_value()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Add
    expect(quotes.locator(".picked li")).to_have_count(shown + 1)
    for _ in range(shown):
        tab_to(page, quotes.get_by_role("button", name=f"Move {chosen} up"))
        page.keyboard.press("Enter")
    expect(quotes.locator(".picked li").first).to_have_attribute("data-id", chosen)
    tab_to(page, page.get_by_label("Subtitle"))
    page.keyboard.type("What seasonal workers told us")
    page.keyboard.press("Enter")  # submits the form from a text field
    expect(page.locator("#status")).to_contain_text("Preview updated", timeout=90_000)
    text = quotes.locator(".picked li").first.inner_text()
    return {"id": chosen, "text": text.removeprefix(chosen).strip()}


def test_a_new_user_goes_from_an_empty_folder_to_a_built_brief(
    tmp_path: Path, browser: Any
) -> None:
    """Start, import, settle the review, tag, compose, preview, build: never a file."""
    from playwright.sync_api import expect

    folder = tmp_path / "our briefs"
    folder.mkdir()
    source = make_shapes.make_txt("harvest", tmp_path / "Bitter Harvest.txt")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    scans: dict[str, list[str]] = {}
    with studio_command(folder) as url:
        seen = start_and_import(page, url, source, scans)
        assert seen[-1] == "4/4" and any(s.endswith("/4") and s != "4/4" for s in seen), seen
        left = page.locator("#left")
        expect(left).to_contain_text("left to settle")
        scans["review"] = axe_violations(page)

        # The towns, merged into the three countries; Valdoria with the keyboard only.
        merge(page, ["Vessly Ford", "Marrowick", "Tallowmere"], "Valdoria", keyboard=True)
        merge(page, ["Oskavel", "Druvenna"], "Estrenia")
        merge(page, ["Pellinor", "Quenby Hollow"], "Corvania")
        expect(page.locator("#fold")).to_have_count(0)
        # The organisation's two towns are one country now: nothing left to fix there.
        for box in page.locator("#review-items input[type=checkbox]:not(:checked)").all():
            box.check()
        settle_fields(page)
        expect(left).to_have_text("Nothing left to review: the import is settled.")
        page.reload()
        expect(left).to_have_attribute("data-left", "0")

        # Five quotes tagged: four at once, one by itself.
        page.goto(url + "/reports/harvest/quotes")
        for quote in ("q21-01", "q21-03", "q23-01", "q22-03"):
            page.get_by_label(f"Select quote {quote}").check()
        page.get_by_label("Theme for the selected").select_option(label="Pay")
        page.get_by_role("button", name="Add theme").click()
        expect(page.locator("#status")).to_contain_text("Added the theme to 4")
        page.locator("#r-q22-01").get_by_label("Heat").check()
        expect(page.locator("#status")).to_contain_text("Saved q22-01")
        scans["quotes"] = axe_violations(page)

        # A country brief for Estrenia, its preview, then every brief built.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="New brief").click()
        page.get_by_label("Report").select_option("harvest")
        page.get_by_label("Kind of brief").select_option("country")
        page.get_by_label("Place").select_option(label="Estrenia")
        expect(page.get_by_label("File name (brief id)")).to_have_value("estrenia")
        page.get_by_role("button", name="Make the brief").click()
        expect(page).to_have_url(url + "/briefs/estrenia")
        fill = page.locator("#fill-text")
        expect(fill).to_have_text(re.compile(r"^[1-4] of 4 pages$"), timeout=90_000)
        expect(page.locator("#preview-pages img").first).to_be_visible()
        scans["brief"] = axe_violations(page)
        chosen = compose_with_the_keyboard(page)
        page.get_by_label("Page budget").fill("0")
        page.get_by_role("button", name="Save and preview").click()
        expect(page.locator("#c-max_pages-problem")).to_be_visible()

        page.goto(url + "/")
        page.get_by_role("button", name="Build all briefs").click()
        result = page.locator("#build-result")
        expect(result).to_contain_text(re.compile(r"(\d+) of \1 briefs built"), timeout=120_000)

    text = "".join(p.extract_text() for p in pypdf.PdfReader(folder / "out/estrenia.pdf").pages)
    flat = " ".join(text.split())
    assert "Estrenia" in flat
    assert "Shade is written in the rules and nowhere else" in flat
    assert chosen["text"].split(".")[0] in flat  # the quote added with the keyboard
    spec = (folder / "briefs/estrenia.yaml").read_text(encoding="utf-8")
    assert f"ids: [{chosen['id']}, " in spec and "subtitle: What seasonal workers told us" in spec
    assert errors == []
    assert {name: found for name, found in scans.items() if found} == {}


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

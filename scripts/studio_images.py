"""Screenshots of the studio for docs/studio.md and README.md (``make studio-images``).

The studio runs on a temporary copy of the shipped project, and Debian's Chromium
(driven by Playwright, as the browser tests do) takes each page at a laptop's width and
at a phone's: the brief list, the quotes with their tags, a finding being edited, the
new-brief form, the composer with its preview, a refused value shown next to its
field, the start page of an empty folder, a report uploaded for import with its review as
a to-do list, one of its quotes in the report's text, being re-cut, and the quotes of a
report in Arabic (the clinics test fixture) found by a word typed without its vowel marks.
Each size is taken on its own fresh copy of the project, so no picture shows what an
earlier one did. The pictures go to docs/studio/.
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "studio"
sys.path.insert(0, str(REPO / "src"))
SIZES = {"desktop": (1280, 860), "phone": (390, 844)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def copy_project(target: Path) -> None:
    for name in ("briefs", "reports", "templates", "styles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "briefpress.yaml", target / "briefpress.yaml")


def start(project: Path) -> tuple[str, Any, threading.Thread]:
    import uvicorn

    from briefpress.studio.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(create_app(project), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


def shoot(page: Any, name: str, size: str, full: bool = False) -> None:
    page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=full)
    print(f"docs/studio/{name}-{size}.png")


def pages(page: Any, url: str, size: str, report: str) -> None:
    page.goto(f"{url}/")
    shoot(page, "briefs", size)
    page.goto(f"{url}/reports/{report}/quotes?place=estonia")
    shoot(page, "quotes", size)
    page.goto(f"{url}/reports/{report}/findings")
    shoot(page, "findings", size)
    page.goto(f"{url}/briefs/new")
    shoot(page, "new-brief", size)
    page.goto(f"{url}/briefs/estonia")
    page.wait_for_selector("#preview-pages img", timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#status:empty", state="attached", timeout=30_000)  # toast gone
    shoot(page, "composer", size)
    page.get_by_label("Page budget").fill("0")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_selector("#c-max_pages-problem:not([hidden])")
    page.get_by_label("Page budget").scroll_into_view_if_needed()
    shoot(page, "refused", size)


def start_page(page: Any, url: str, size: str) -> None:
    """The first page in an empty folder: start a project."""
    page.goto(f"{url}/")
    page.get_by_label("Your organisation's name").fill("Harvest Rights Network")
    shoot(page, "start", size)


def review_pages(page: Any, url: str, size: str, source: Path) -> None:
    """A report of another field imported (its progress), then its review with the
    towns the import could not place, ticked to be merged into their country."""
    page.goto(f"{url}/import")
    page.get_by_label("Report file").set_input_files(str(source))
    page.get_by_label("Short name for the report").fill("harvest")
    shoot(page, "import", size)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/reports/harvest/review*", timeout=120_000)
    for town in ("Oskavel", "Druvenna"):
        page.locator("#fold").get_by_label(town, exact=True).check()
    page.get_by_label("Name of the place they are in").fill("Estrenia")
    page.wait_for_selector("#status:empty", state="attached", timeout=30_000)  # toast gone
    shoot(page, "review", size)


def quote_page(page: Any, url: str, size: str, report: str) -> None:
    """A quote of the imported report in the report's text, its end moved a sentence back."""
    page.goto(f"{url}/reports/{report}/quotes")
    page.get_by_role("link", name="See it in the report").first.click()
    page.get_by_role("button", name="End a sentence earlier").click()
    page.wait_for_selector("text=The new cut")
    shoot(page, "quote", size)


def harvest_report(folder: Path) -> Path:
    sys.path.insert(0, str(REPO / "tests" / "fixtures" / "import"))
    import make_shapes

    return Path(make_shapes.make_docx("harvest", folder / "Bitter Harvest.docx"))


def arabic_quotes(browser: Any, folder: Path, size: str) -> None:
    """The quotes of a report in Arabic, searched for a word typed without its vowel marks."""
    project = folder / f"clinics-{size}"
    shutil.copytree(REPO / "tests" / "fixtures" / "clinics", project)
    url, server, thread = start(project)
    try:
        width, height = SIZES[size]
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{url}/reports/clinics-ar/quotes?q=%D8%B9%D9%8A%D8%A7%D8%AF%D8%A9")  # عيادة
        shoot(page, "quotes-arabic", size)
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def one_size(browser: Any, folder: Path, size: str, source: Path) -> None:
    """Every picture at one size, each size on a fresh copy of the project and a fresh
    studio, so that nothing one picture did (an undo button, say) shows in another."""
    project = folder / f"project-{size}"
    copy_project(project)
    report = sorted(p.name for p in (project / "reports").iterdir() if p.is_dir())[0]
    width, height = SIZES[size]
    empty = folder / f"start-{size}" / "our-briefs"
    empty.mkdir(parents=True)
    for root, shots in ((empty, "start"), (project, "pages")):
        url, server, thread = start(root)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            if shots == "start":
                start_page(page, url, size)
            else:
                pages(page, url, size, report)
                review_pages(page, url, size, source)
                quote_page(page, url, size, "harvest")
            page.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    arabic_quotes(browser, folder, size)


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="studio-images-") as folder:
        source = harvest_report(Path(folder))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for size in SIZES:
                one_size(browser, Path(folder), size, source)
            browser.close()


if __name__ == "__main__":
    main()

"""Screenshots of the studio for docs/studio.md and README.md (``make studio-images``).

The studio runs on a temporary copy of the shipped project, and Debian's Chromium
(driven by Playwright, as the browser tests do) takes each page at a laptop's width and
at a phone's: the brief list, the quotes with their tags, a finding being edited, the
new-brief form, the composer with its preview, a refused value shown next to its
field, a report uploaded for import with its review as a to-do list, and one of its
quotes in the report's text, being re-cut. The pictures go to docs/studio/.
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
    shoot(page, "composer", size)
    page.get_by_label("Page budget").fill("0")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_selector("#c-max_pages-problem:not([hidden])")
    page.get_by_label("Page budget").scroll_into_view_if_needed()
    shoot(page, "refused", size)


def review_pages(page: Any, url: str, size: str, source: Path) -> None:
    """The import of a report (the fixture report as a Word document), then its review."""
    page.goto(f"{url}/import")
    page.get_by_label("Report file").set_input_files(str(source))
    page.get_by_label("Short name for the report").fill(f"open-doors-{size}")
    shoot(page, "import", size)
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("#import-result:not([hidden])", timeout=120_000)
    page.get_by_role("link", name="Review the import").click()
    page.locator("#review-items input[type=checkbox]").first.check()
    page.wait_for_selector("#review-items .is-settled")
    shoot(page, "review", size)


def quote_page(page: Any, url: str, size: str, report: str) -> None:
    """A quote of the imported report in the report's text, its end moved a sentence on."""
    page.goto(f"{url}/reports/{report}/quotes")
    page.get_by_role("link", name="See it in the report").first.click()
    page.get_by_role("button", name="End a sentence later").click()
    page.wait_for_selector("text=The new cut")
    shoot(page, "quote", size)


def word_report(folder: Path) -> Path:
    sys.path.insert(0, str(REPO / "tests" / "fixtures" / "import"))
    import make_report

    return Path(make_report.make_docx(folder / "open-doors.docx"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="studio-images-") as folder:
        project = Path(folder) / "project"
        copy_project(project)
        report = sorted(p.name for p in (project / "reports").iterdir() if p.is_dir())[0]
        source = word_report(Path(folder))
        url, server, thread = start(project)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=FLAGS
                )
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.set_default_timeout(60_000)
                    pages(page, url, size, report)
                    review_pages(page, url, size, source)
                    quote_page(page, url, size, f"open-doors-{size}")
                    page.close()
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()

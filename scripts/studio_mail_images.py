"""Screenshots of the studio's mailing path for docs/studio.md (``make studio-images``).

On a temporary copy of the shipped project, in team mode with one sender, at a laptop's
width and a phone's (390 px): the login page, a spreadsheet of recipients uploaded with
one bad address shown on its row, the letter's page (its text, a translation beside it
and the preview), the letters made from it, a dry run listing the drafts, and the send
log after a send to an SMTP server on 127.0.0.1 that accepts everything and delivers
nothing. The sample recipients are made-up people.
"""

from __future__ import annotations

import csv
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
from studio_images import FLAGS, OUT, copy_project  # noqa: E402

PASSWORD = "an example password"
LETTER = "letter-policymakers"


class Accept:
    """An SMTP server's handler that takes every message and keeps none."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 Message accepted for delivery"


def spreadsheets(project: Path) -> None:
    """The sample recipients as .xlsx: one with a mistyped address, one fixed."""
    from openpyxl import Workbook

    with (REPO / "briefs/recipients/sample.csv").open(encoding="utf-8", newline="") as handle:
        samples = [r for r in csv.DictReader(handle) if r["language"] in ("en", "vi")]
    rows = []
    for index, first in enumerate(("Robin", "Kim", "Sam", "Jo", "Ali")):
        row = dict(samples[index % len(samples)])
        row["name"] = f"{first} Example (SAMPLE)"
        row["salutation"] = ""
        rows.append(row)
    for name, bad in (("council-draft.xlsx", True), ("council.xlsx", False)):
        book = Workbook()
        sheet = book.active
        sheet.title = "Council"
        sheet.append([*rows[0], "email"])
        for index, row in enumerate(rows):
            email = f"person{index + 1}@example.org"
            if bad and index == 2:
                email = "person3@example"
            sheet.append([*row.values(), email])
        book.save(project / "briefs/recipients" / name)


def start(project: Path) -> tuple[str, Any, threading.Thread]:
    import uvicorn

    from briefpress.studio.app import create_app
    from briefpress.studio.team_app import TeamMode

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    app = create_app(project, ("*",), team=TeamMode(project))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


def shoot(page: Any, name: str, full: bool = True) -> None:
    size = "phone" if page.viewport_size["width"] < 600 else "desktop"
    page.evaluate(
        "() => { const s = document.getElementById('status'); if (s) s.textContent = ''; }"
    )
    page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=full)
    print(f"docs/studio/{name}-{size}.png")


def log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/recipients")
    shoot(page, "login")
    page.get_by_label("Name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/recipients")


def letter_page(page: Any, url: str, make: bool) -> None:
    """The letter's words with a translation beside them, then its letters: made from the
    page (on the laptop), and one recipient's own letter in the preview."""
    page.goto(f"{url}/briefs/{LETTER}/letter")
    page.wait_for_selector("#preview-pages img", timeout=300_000)
    page.wait_for_load_state("networkidle")
    shoot(page, "letter", full=False)
    vietnamese = page.locator('fieldset.translation[data-lang="vi"]')
    vietnamese.evaluate("el => el.scrollIntoView({block: 'start'})")
    shoot(page, "translation", full=False)
    if make:
        page.get_by_label("Recipients file").select_option("council.xlsx")
        page.get_by_role("button", name="Make the letters").click()
        page.wait_for_selector("#make-message:has-text('made')", timeout=300_000)
    else:
        page.reload()
    page.get_by_label("The letter of").select_option("2")  # in Vietnamese
    page.wait_for_function("() => document.querySelector('#preview-pages img')?.naturalWidth > 0")
    section = page.locator("#make-letters")
    section.scroll_into_view_if_needed()
    page.evaluate(
        "() => { const s = document.getElementById('status'); if (s) s.textContent = ''; }"
    )
    size = "phone" if page.viewport_size["width"] < 600 else "desktop"
    section.screenshot(path=str(OUT / f"letters-{size}.png"))
    print(f"docs/studio/letters-{size}.png")
    page.evaluate("() => window.scrollTo(0, 0)")
    if size == "phone":
        page.evaluate("() => document.querySelector('#preview').scrollIntoView()")
    else:
        page.evaluate("() => document.querySelector('.side').scrollTo(0, 0)")
    shoot(page, "recipient-letter", full=False)


def dry_run(page: Any, url: str) -> None:
    page.goto(f"{url}/sending/{LETTER}")
    page.get_by_label("Recipients file").select_option("council.xlsx")
    page.get_by_role("button", name="Dry run").click()
    page.wait_for_selector("ul.drafts li", timeout=300_000)
    count = page.locator("#send-count").inner_text()
    page.get_by_label("Type the number of messages to send").fill(count)
    shoot(page, "dry-run")


def send(page: Any) -> None:
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#job-state")
    deadline = time.monotonic() + 120
    while page.locator("#job-state").inner_text() in ("preparing", "sending"):
        if time.monotonic() > deadline:
            raise SystemExit("the send did not finish")
        time.sleep(1)
        page.reload()


def mailing(laptop: Any, phone: Any, url: str) -> None:
    for page in (laptop, phone):
        log_in(page, url)
        page.goto(f"{url}/recipients/council-draft.xlsx")
        shoot(page, "recipients")
    letter_page(laptop, url, make=True)
    letter_page(phone, url, make=False)
    dry_run(phone, url)
    dry_run(laptop, url)
    send(laptop)
    shoot(laptop, "sending")
    phone.goto(f"{url}/sending/{LETTER}")
    shoot(phone, "sending")


def main() -> None:
    from aiosmtpd.controller import Controller
    from playwright.sync_api import sync_playwright

    from briefpress.studio.auth import add_user

    OUT.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Accept(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with tempfile.TemporaryDirectory(prefix="studio-mail-images-") as folder:
            project = Path(folder) / "project"
            copy_project(project)
            spreadsheets(project)
            with (project / "briefpress.yaml").open("a", encoding="utf-8") as config:
                config.write(
                    f"\nmail:\n  host: 127.0.0.1\n  port: {port}\n"
                    '  security: none\n  from: "Advocacy Team <team@example.org>"\n'
                )
            add_user(project, "officer", "sender", PASSWORD)
            url, server, thread = start(project)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path="/usr/bin/chromium", args=FLAGS
                    )
                    laptop = browser.new_page(viewport={"width": 1280, "height": 860})
                    phone = browser.new_page(viewport={"width": 390, "height": 844})
                    for page in (laptop, phone):
                        page.set_default_timeout(60_000)
                    mailing(laptop, phone, url)
                    browser.close()
            finally:
                server.should_exit = True
                thread.join(timeout=10)
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()

"""Screenshots of the studio's mailing path for docs/studio.md (``make studio-images``).

On a temporary copy of the shipped project, in team mode with one sender: the login
page, a spreadsheet of recipients with one bad address shown on its row as a form (on a
desktop and a phone), that row fixed in the table, the letter's page (its words, a
translation beside them, one recipient's own letter in the preview, the letters made
from it; desktop and phone), a dry run listing the drafts, and the send log after a send
to an SMTP server on 127.0.0.1 that accepts everything and delivers nothing (desktop and
phone). The sample recipients are made-up people.
"""

from __future__ import annotations

import csv
import re
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
ENDED = re.compile("done|stopped|failed|not sent")  # a send's last word


class Accept:
    """An SMTP server's handler that takes every message and keeps none."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 Message accepted for delivery"


def spreadsheets(project: Path) -> None:
    """The sample recipients as .xlsx, the third with a mistyped address."""
    from openpyxl import Workbook

    with (REPO / "briefs/recipients/sample.csv").open(encoding="utf-8", newline="") as handle:
        samples = [r for r in csv.DictReader(handle) if r["language"] in ("en", "vi")]
    rows = []
    for index, first in enumerate(("Robin", "Kim", "Sam", "Jo", "Ali")):
        row = dict(samples[index % len(samples)])
        row["name"] = f"{first} Example (SAMPLE)"
        row["salutation"] = ""
        rows.append(row)
    book = Workbook()
    sheet = book.active
    sheet.title = "Council"
    sheet.append([*rows[0], "email"])
    for index, row in enumerate(rows):
        email = "person3@example" if index == 2 else f"person{index + 1}@example.org"
        sheet.append([*row.values(), email])
    book.save(project / "briefs/recipients/council.xlsx")


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


def shoot(page: Any, name: str, phone: bool = False) -> None:
    page.screenshot(path=str(OUT / f"{name}-desktop.png"), full_page=True)
    print(f"docs/studio/{name}-desktop.png")
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(OUT / f"{name}-phone.png"), full_page=True)
        print(f"docs/studio/{name}-phone.png")
        page.set_viewport_size({"width": 1280, "height": 860})


SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
QUIET = "() => { const s = document.getElementById('status'); if (s) s.textContent = ''; }"


def snap(page: Any, name: str, size: str) -> None:
    """What the screen shows, without the last status message over it."""
    page.evaluate(QUIET)
    page.screenshot(path=str(OUT / f"{name}-{size}.png"))
    print(f"docs/studio/{name}-{size}.png")


def letter_page(page: Any, url: str, size: str) -> None:
    """The letter's words with a translation beside them, then its letters: made from the
    page (the first time), and one recipient's own letter (in Vietnamese) in the preview."""
    page.set_viewport_size(SIZES[size])
    page.goto(f"{url}/briefs/{LETTER}/letter")
    page.wait_for_selector("#preview-pages img", timeout=300_000)
    page.wait_for_load_state("networkidle")
    snap(page, "letter", size)
    vietnamese = page.locator('fieldset.translation[data-lang="vi"]')
    vietnamese.evaluate("el => el.scrollIntoView({block: 'start'})")
    snap(page, "translation", size)
    if size == "desktop":
        page.get_by_label("Recipients file").select_option("council.csv")
        page.get_by_role("button", name="Make the letters").click()
        page.wait_for_selector("#make-message:has-text('made')", timeout=300_000)
    page.get_by_label("The letter of").select_option("2")
    page.wait_for_function("() => document.querySelector('#preview-pages img')?.naturalWidth > 0")
    section = page.locator("#make-letters")
    section.scroll_into_view_if_needed()
    page.evaluate(QUIET)
    section.screenshot(path=str(OUT / f"letters-{size}.png"))
    print(f"docs/studio/letters-{size}.png")
    page.evaluate("() => window.scrollTo(0, 0)")
    if size == "phone":
        page.evaluate("() => document.querySelector('#preview').scrollIntoView()")
    else:
        page.evaluate("() => document.querySelector('.side').scrollTo(0, 0)")
    snap(page, "recipient-letter", size)
    page.set_viewport_size(SIZES["desktop"])


def mailing(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{url}/recipients")
    shoot(page, "login")
    page.get_by_label("Name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/recipients")
    page.goto(f"{url}/recipients/council.xlsx")
    shoot(page, "recipients", phone=True)
    email = page.get_by_label("email of row 3")
    email.fill("person3@example.org")
    email.press("Enter")
    page.wait_for_url(f"{url}/recipients/council.csv?**")
    shoot(page, "recipients-fixed")
    letter_page(page, url, "desktop")
    letter_page(page, url, "phone")
    page.goto(f"{url}/sending/{LETTER}")
    page.get_by_label("Recipients file").select_option("council.csv")
    page.get_by_role("button", name="Dry run").click()
    page.wait_for_selector("ul.drafts li", timeout=300_000)
    count = page.locator("#send-count").inner_text()
    page.get_by_label("Type the number of messages to send").fill(count)
    shoot(page, "dry-run", phone=True)
    page.get_by_role("button", name="Send", exact=True).click()
    # The page follows the send by itself (progress.js): wait for its last word.
    expect(page.locator("#job-state")).to_have_text(ENDED, timeout=120_000)
    shoot(page, "sending", phone=True)


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
                    page = browser.new_page(viewport={"width": 1280, "height": 860})
                    page.set_default_timeout(60_000)
                    mailing(page, url)
                    browser.close()
            finally:
                server.should_exit = True
                thread.join(timeout=10)
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()

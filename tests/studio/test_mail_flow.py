"""The whole mailing path of a studio in team mode, as an officer walks it in Chromium,
against a real SMTP server on 127.0.0.1: log in, upload a spreadsheet of five with one
bad address, fix it in the table, dry run (drafts listed and downloaded), preview one
person's letter, send (typing the count), close the tab mid-send, open it again, see
five sent; then who may do what (anonymous, editor, no CSRF token, out/mail/)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook
from teamclient import Client, team_studio

import chromium
from briefpress.studio import auth
from conftest import FIXTURE, TESTS
from sampleletter import LETTER

sys.path.insert(0, str(TESTS / "channels"))
from mailserver import Server, serving

PASSWORD = "a long pass phrase for sam"
EDITOR_PASSWORD = "another long phrase, eve's"
WAIT = 30_000  # ms: what the page waits on comes from the send, on a busy machine
PEOPLE = [
    ["name", "title", "organisation", "address", "email", "language"],
    ["Aigerim Sadykova (SAMPLE)", "Deputy", "Mazhilis", "1 Avenue\nAstana", "as@example.kz", "en"],
    [
        "Bongani Dlamini (SAMPLE)",
        "MP",
        "Parliament",
        "2 Plein St\nCape Town",
        "bd@example.za",
        "en",
    ],
    ["Camila Rojas (SAMPLE)", "Senadora", "Senado", "Calle 3\nSantiago", "cr@example.cl", "en"],
    ["Dũng Nguyễn (SAMPLE)", "Delegate", "National Assembly", "4 Phố\nHà Nội", "dn@", "en"],
    ["Ewa Nowak (SAMPLE)", "Posłanka", "Sejm", "Wiejska 4\nWarszawa", "en@example.pl", "en"],
]


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


@pytest.fixture
def project(tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture project with a letter, mail settings for this test's server, and a
    sender and an editor (cheap argon2 settings: the test is about the path, not hashes)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    (root / "briefpress.yaml").write_text(
        "mail:\n  host: 127.0.0.1\n"
        f"  port: {server.port}\n  security: none\n"
        '  from: "Advocacy Team <team@example.org>"\n  retry_delay: 0.01\n  timeout: 10\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    auth.add_user(root, "sam", "sender", PASSWORD)
    auth.add_user(root, "eve", "editor", EDITOR_PASSWORD)
    return root


@pytest.fixture
def url(project: Path) -> Iterator[str]:
    with team_studio(project) as running:
        yield running


def spreadsheet(path: Path) -> Path:
    book = Workbook()
    for row in PEOPLE:
        book.active.append(row)
    book.save(path)
    return path


def test_an_officer_fixes_a_list_dry_runs_and_sends_in_chromium(
    url: str, project: Path, server: Server, tmp_path: Path
) -> None:
    sync_api = chromium.sync_api()
    expect = sync_api.expect
    server.mailbox.hold_data = {2}  # the third message waits: the tab closes meanwhile
    with sync_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)
            page = context.new_page()
            log_in(page, url)
            upload_and_fix(page, url, tmp_path)
            preview_row_3(page, url)
            dry_run_and_preview(page, url, context, tmp_path)

            page.evaluate("window.notReloaded = true")
            page.get_by_label("Type the number of messages to send").fill("5")
            page.get_by_role("button", name="Send", exact=True).click()
            assert server.mailbox.holding.wait(60)
            # Followed live, without a reload: two sent, the third being handed over.
            expect(page.locator("#send-progress-text")).to_have_text("2 of 5", timeout=WAIT)
            expect(page.locator("#log-rows tr.state-sending")).to_have_count(1, timeout=WAIT)
            assert page.evaluate("window.notReloaded") is True
            page.close()  # the tab closes mid-send

            page = context.new_page()
            page.goto(url + "/sending/letter")
            expect(page.locator("#job-state")).to_have_text("sending", timeout=WAIT)
            assert "started by sam" in page.locator("#job").inner_text()
            expect(page.locator("#send-progress-text")).to_have_text("2 of 5", timeout=WAIT)
            expect(page.locator("#log-rows tr.state-sent")).to_have_count(2, timeout=WAIT)
            page.evaluate("window.notReloaded = true")
            server.mailbox.release.set()
            expect(page.locator("#job-state")).to_have_text("done", timeout=WAIT)
            expect(page.locator("#log-rows tr.state-sent")).to_have_count(5, timeout=WAIT)
            assert "5 of 5 sent" in page.locator("#job").inner_text()
            assert page.evaluate("window.notReloaded") is True
            assert page.get_by_role("button", name="Dry run").is_visible()
        finally:
            browser.close()
    assert sorted(r.rcpt_tos[0] for r in server.mailbox.received) == sorted(
        ["as@example.kz", "bd@example.za", "cr@example.cl", "dn@example.vn", "en@example.pl"]
    )
    assert (project / "briefs/recipients/people.xlsx").is_file()  # kept as uploaded


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/recipients")
    assert "/login?next=%2Frecipients" in page.url
    page.get_by_label("Name").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/recipients")


def upload_and_fix(page: Any, url: str, tmp_path: Path) -> None:
    """The spreadsheet uploaded; row 4's address fixed in the table, from the keyboard."""
    people = spreadsheet(tmp_path / "people.xlsx")
    page.get_by_label("Recipients file").set_input_files(str(people))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(url + "/recipients/people.xlsx")
    row = page.locator("#row-4")
    assert "'dn@': not an e-mail address" in row.inner_text()
    assert page.locator("tr.bad").count() == 1
    email = page.get_by_label("email of row 4")
    email.fill("dn@example.vn")
    email.press("Enter")
    page.wait_for_url(url + "/recipients/people.csv?saved=4&from=people.xlsx#row-4")
    assert page.locator("tr.bad").count() == 0
    assert "dn@example.vn" in page.locator("#row-4").inner_text()
    assert "Row 4 saved" in page.get_by_role("status").all_inner_texts()[-1]


def preview_row_3(page: Any, url: str) -> None:
    """Before any dry run: the letters made from the letter's page, with their progress,
    and recipient 3's own letter shown beside the letter's words."""
    page.goto(url + "/briefs/letter/letter")
    page.get_by_label("Recipients file").select_option("people.csv")
    page.get_by_role("button", name="Make the letters").click()
    page.locator("#make-message", has_text="made 5 letters").wait_for(timeout=WAIT)
    # The table of letters is filled after the message: wait for it, not for a moment.
    page.locator("#made-table tbody tr").nth(4).wait_for(timeout=WAIT)
    assert page.locator("#made-table tbody tr").count() == 5
    chosen = page.get_by_label("The letter of")
    chosen.select_option("3")
    assert "Camila Rojas" in chosen.locator("option:checked").inner_text()
    picture = page.locator("#preview-pages img").first
    picture.wait_for()
    assert picture.get_attribute("src").startswith("/api/letters/letter/3/page/1.png")
    page.wait_for_function("() => document.querySelector('#preview-pages img').naturalWidth > 0")
    pdf = page.context.request.get(url + page.locator("#pdf-link").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def dry_run_and_preview(page: Any, url: str, context: Any, tmp_path: Path) -> None:
    """The dry run of the fixed list: five drafts listed, one downloaded; row 3's letter."""
    page.goto(url + "/sending/letter")
    # The list fixed last is the one chosen (people.xlsx is still there, as uploaded).
    assert page.get_by_label("Recipients file").input_value() == "people.csv"
    page.get_by_role("button", name="Dry run").click()
    drafts = page.locator("ul.drafts li")
    drafts.first.wait_for()
    assert drafts.count() == 5
    third = "row 3: Camila Rojas (SAMPLE) <cr@example.cl>"
    assert third in drafts.nth(2).inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=third).click()
    saved = tmp_path / "draft.eml"
    download.value.save_as(saved)
    assert b"cr@example.cl" in saved.read_bytes()
    letter = page.get_by_role("link", name="Camila Rojas (SAMPLE)'s letter (PDF)")
    pdf = context.request.get(url + letter.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_who_may_do_what(url: str, project: Path) -> None:
    anonymous, sender, editor = Client(url), Client(url), Client(url)
    sender.login("sam", PASSWORD)
    editor.login("eve", EDITOR_PASSWORD)
    (project / "out/mail/letter").mkdir(parents=True)
    (project / "out/mail/letter/plan.csv").write_text("name,email\nA,a@example.org\n")

    for path in ("/sending/letter", "/recipients", "/"):
        answer = anonymous.get(path)
        assert answer.status == 303 and answer.headers["location"].startswith("/login?next=")
    for path in ("/api/send/letter/progress", "/api/recipients", "/api/session"):
        assert anonymous.get(path).status == 401
    assert anonymous.request("POST", "/api/send/letter/start", {"confirm": 5}).status == 401

    body = {"recipients": "people.csv"}
    assert editor.write("POST", "/api/send/letter/dry-run", body).status == 403
    assert editor.get("/api/send/letter/failed.csv").status == 403
    assert editor.get("/sending/letter").status == 403
    assert editor.get("/").status == 200

    no_token = Client(url, cookie=sender.cookie)  # the session cookie, not the page's token
    assert no_token.write("POST", "/api/send/letter/dry-run", body).status == 403
    assert no_token.write("POST", "/recipients/people.csv/rows/1", {}).status == 403

    for client in (anonymous, sender, editor):
        for path in ("/out/mail/letter/plan.csv", "/out/mail/letter/", "/out/letters/x.pdf"):
            answer = client.get(path)
            assert answer.status == 404, (path, answer.status)
            assert b"a@example.org" not in answer.body

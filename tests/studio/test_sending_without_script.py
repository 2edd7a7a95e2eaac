"""The Recipients and Sending pages in Chromium with JavaScript switched off, in team
mode, against a real SMTP server on 127.0.0.1: a refused upload said at the file field,
the spreadsheet uploaded, the mail settings refused at the port then saved, a dry run
listed, a count that is not a number refused at its field, the send confirmed and
followed by the page reloading itself until all five are sent. Each is a real form
posting its CSRF token; the server answers with a redirect back, or the page again
with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from teamclient import Client
from test_mail_flow import (
    EDITOR_PASSWORD,
    PASSWORD,
    WAIT,
    Server,
    log_in,
    project,
    server,
    spreadsheet,
    url,
)

import chromium

__all__ = ["project", "server", "url"]  # the fixtures this module shares with the mail flow's


def test_recipients_and_sending_work_without_javascript(
    url: str, project: Path, server: Server, tmp_path: Path
) -> None:
    sync_api = chromium.sync_api()
    server.mailbox.hold_data = {2}  # the third message waits: the page is seen mid-send
    with sync_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, java_script_enabled=False
            )
            context.set_default_timeout(60_000)
            page = context.new_page()
            log_in(page, url)
            upload(page, url, tmp_path)
            mail_settings(page, url, project, server)
            dry_run(page, url)
            send(page, url, server, sync_api.expect)
        finally:
            browser.close()
    assert len(server.mailbox.received) == 5


def upload(page: Any, url: str, tmp_path: Path) -> None:
    """A file that is not a list is refused at the field; the spreadsheet is taken,
    and its row 4 fixed in the table."""
    wrong = tmp_path / "people.pdf"
    wrong.write_bytes(b"%PDF-1.7\n")
    page.get_by_label("Recipients file").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(url + "/recipients")
    problem = page.locator("#recipients-problem")
    assert problem.is_visible() and problem.inner_text().startswith("Not uploaded: ")
    assert page.get_by_label("Recipients file").get_attribute("aria-invalid") == "true"

    page.get_by_label("Recipients file").set_input_files(str(spreadsheet(tmp_path / "p.xlsx")))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(url + "/recipients/p.xlsx?uploaded=1")
    assert "Uploaded p.xlsx." in page.get_by_role("status").all_inner_texts()[-1]
    assert "'dn@': not an e-mail address" in page.locator("#row-4").inner_text()
    email = page.get_by_label("email of row 4")
    email.fill("dn@example.vn")
    email.press("Enter")
    page.wait_for_url(url + "/recipients/p.csv?saved=4&from=p.xlsx#row-4")
    assert page.locator("tr.bad").count() == 0


def mail_settings(page: Any, url: str, project: Path, server: Server) -> None:
    """A port that is none is refused next to the port, the values typed kept; then saved."""
    page.goto(url + "/sending")
    page.get_by_label("Port").fill("70000")
    page.get_by_label("Reply to").fill("replies@example.org")
    page.get_by_role("button", name="Save the mail settings").click()
    assert page.locator("#mail-port-problem").inner_text() == "port: a number, 1 to 65535"
    assert page.get_by_label("Port").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Reply to").input_value() == "replies@example.org"
    assert "replies@" not in (project / "briefpress.yaml").read_text(encoding="utf-8")
    page.get_by_label("Port").fill(str(server.port))
    page.get_by_role("button", name="Save the mail settings").click()
    page.wait_for_url(url + "/sending?done=mail-saved#mail-h")
    assert "Mail settings saved." in page.locator("#status").inner_text()
    saved = (project / "briefpress.yaml").read_text(encoding="utf-8")
    assert 'reply_to: "replies@example.org"' in saved and "retry_delay: 0.01" in saved


def dry_run(page: Any, url: str) -> None:
    page.get_by_role("link", name="letter").click()
    assert page.get_by_label("Recipients file").input_value() == "p.csv"
    assert not page.locator("#send-panel").is_visible()  # no send before a dry run
    page.get_by_role("button", name="Dry run").click()
    page.wait_for_url(url + "/sending/letter?done=dry-run#plan")
    drafts = page.locator("ul.drafts li")
    assert drafts.count() == 5
    assert "row 3: Camila Rojas (SAMPLE) <cr@example.cl>" in drafts.nth(2).inner_text()
    assert page.locator("#send-count").inner_text() == "5"


def send(page: Any, url: str, server: Server, expect: Any) -> None:
    """Not a number: refused at the field, the dry run still shown; then five sent, the
    page following the send by reloading itself."""
    page.get_by_label("Type the number of messages to send").fill("five")
    page.get_by_role("button", name="Send", exact=True).click()
    problem = page.locator("#send-problem")
    assert problem.inner_text() == "Type the number of messages to send, in figures."
    assert page.locator("ul.drafts li").count() == 5 and not server.mailbox.received
    page.get_by_label("Type the number of messages to send").fill("5")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(url + "/sending/letter?done=sending#job")
    assert server.mailbox.holding.wait(60)
    expect(page.locator("#job-state")).to_have_text("sending", timeout=WAIT)
    assert page.get_by_role("button", name="Stop the send").is_visible()
    server.mailbox.release.set()
    expect(page.locator("#job-state")).to_have_text("done", timeout=WAIT)  # reloaded by itself
    expect(page.locator("#log-rows tr.state-sent")).to_have_count(5, timeout=WAIT)
    assert not page.locator("#send-panel").is_visible()  # a new send needs a new dry run


def test_the_forms_are_a_senders_and_need_the_token(url: str) -> None:
    anonymous, sender, editor = Client(url), Client(url), Client(url)
    sender.login("sam", PASSWORD)
    editor.login("eve", EDITOR_PASSWORD)
    paths = ("/sending", "/recipients", "/sending/letter/dry-run", "/sending/letter/send")
    for path in (*paths, "/sending/letter/stop"):
        assert anonymous.request("POST", path, {}).status in (401, 303)
        assert editor.write("POST", path, {}).status == 403
        no_token = Client(url, cookie=sender.cookie)
        assert no_token.write("POST", path, {}).status == 403

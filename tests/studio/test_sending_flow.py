"""A mailing from the Sending page's API against a real SMTP server on 127.0.0.1: a dry
run with its drafts, a send confirmed by its count that runs on without the page, a stop."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from running import Studio, studio

from briefpress.mail.letters import mail
from conftest import FIXTURE, TESTS
from sampleletter import LETTER

sys.path.insert(0, str(TESTS / "channels"))
from mailserver import Server, serving

PEOPLE = [
    ["name", "title", "organisation", "address", "email"],
    ["Ama Mensah (SAMPLE)", "MP", "Parliament", "1 High St\nAccra", "ama@example.org"],
    ["Björn Lund (SAMPLE)", "MP", "Riksdag", "2 Gatan\nStockholm", "bjorn@example.org"],
    ["Chen Wei (SAMPLE)", "Deputy", "Assembly", "3 Road\nTaipei", "chen@example.org"],
    ["Dina Haddad (SAMPLE)", "MP", "Parliament", "4 Street\nAmman", "dina@example.org"],
    ["Eru Ngata (SAMPLE)", "MP", "Parliament", "5 Terrace\nWellington", "eru@example.org"],
]


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with a letter, a spreadsheet of five and their letters made once."""
    root = tmp_path_factory.mktemp("made") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    book = Workbook()
    for row in PEOPLE:
        book.active.append(row)
    (root / "briefs/recipients").mkdir(exist_ok=True)
    book.save(root / "briefs/recipients/mps.xlsx")
    mail(root, "letter", root / "briefs/recipients/mps.xlsx")
    return root


@pytest.fixture
def project(made: Path, tmp_path: Path, server: Server) -> Path:
    """A copy of the made project (its letters current) sending to this test's server."""
    root = tmp_path / "project"
    shutil.copytree(made, root)
    config = root / "briefpress.yaml"
    config.write_text(
        "mail:\n  host: 127.0.0.1\n"
        f"  port: {server.port}\n  security: none\n"
        '  from: "Advocacy Team <team@example.org>"\n  retry_delay: 0.01\n  timeout: 10\n',
        encoding="utf-8",
    )
    # Mail settings do not change the letters: as if written before they were made.
    before = (root / "out/letters/letter/manifest.csv").stat().st_mtime - 60
    os.utime(config, (before, before))
    return root


def wait_for(studio_: Studio, done: Any, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = studio_.get("/api/send/letter/job").json
        if done(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"the send did not get there: {job}")


def test_dry_run_then_a_confirmed_send_that_outlives_the_page(
    project: Path, server: Server
) -> None:
    with studio(project) as running:
        assert b'href="/sending/letter"' in running.get("/sending").body
        plan = running.write("POST", "/api/send/letter/dry-run", {"recipients": "mps.xlsx"})
        assert plan.status == 200, plan.body
        assert plan.json["count"] == 5 and plan.json["letters_made"] is None
        third = plan.json["to_send"][2]
        assert (third["row"], third["email"]) == (3, "chen@example.org")
        draft = running.get(f"/api/send/letter/drafts/{third['draft']}")
        assert draft.status == 200 and b"chen@example.org" in draft.body
        assert draft.headers["content-type"].startswith("message/rfc822")
        assert running.get("/api/send/letter/drafts/..%2F..%2Fbriefpress.yaml").status == 404
        assert server.mailbox.received == []

        # The wrong count sends nothing.
        start = {"recipients": "mps.xlsx", "confirm": 4}
        assert running.write("POST", "/api/send/letter/start", start).status == 202
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "not sent" and "4 was typed, but 5" in job["message"]
        assert server.mailbox.received == []
        assert running.request("POST", "/api/send/letter/start", start).status == 403  # no token

        answer = running.write("POST", "/api/send/letter/start", {**start, "confirm": 5})
        assert answer.status == 202
        # The page is gone (no request made); the send goes on; the page, opened again,
        # shows where it is.
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "done", job
        assert job["counts"] == {"sent": 5}
        assert len(server.mailbox.received) == 5
        log = running.get("/api/send/letter/log").json
        assert log["counts"]["sent"] == 5
        page = running.get("/sending/letter").body.decode()
        assert "5 of 5 sent" in page and "chen@example.org" in page

        # Again: nothing left to send, nobody gets a second message.
        answer = running.write("POST", "/api/send/letter/start", {**start, "confirm": 0})
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "not sent" and len(server.mailbox.received) == 5


def test_stopping_a_send_is_ctrl_c_and_a_new_send_goes_on(project: Path, server: Server) -> None:
    server.mailbox.hold_data = {1}  # the second message waits until released
    with studio(project) as running:
        running.write("POST", "/api/send/letter/dry-run", {"recipients": "mps.xlsx"})
        start = {"recipients": "mps.xlsx", "confirm": 5}
        assert running.write("POST", "/api/send/letter/start", start).status == 202
        assert server.mailbox.holding.wait(60)
        assert running.write("POST", "/api/send/letter/start", start).status == 409  # one at once
        page = running.get("/sending/letter").body.decode()  # without script: it reloads
        refresh = (
            '<noscript><meta http-equiv="refresh" content="3; url=/sending/letter"></noscript>'
        )
        assert refresh in page
        assert running.write("POST", "/api/send/letter/stop").status == 202
        server.mailbox.release.set()
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "stopped", job
        counts = running.get("/api/send/letter/log").json["counts"]
        assert counts["sent"] == 2 and counts["pending"] == 3
        assert len(server.mailbox.received) == 2

        start["confirm"] = 3
        assert running.write("POST", "/api/send/letter/start", start).status == 202
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "done", job
        assert sorted(r.rcpt_tos[0] for r in server.mailbox.received) == sorted(
            row[4] for row in PEOPLE[1:]
        )


def test_a_recipients_own_letter_is_shown_to_a_sender_by_row(project: Path) -> None:
    with studio(project) as running:
        letter = running.get("/api/letters/letter/3.pdf")
        assert letter.status == 200 and letter.body.startswith(b"%PDF")
        made = project / "out/letters/letter/003-chen-wei-sample.pdf"
        assert letter.body == made.read_bytes()
        assert running.get("/api/letters/letter/9.pdf").status == 404
        assert running.get("/api/letters/..%2Fletter/3.pdf").status == 404
        assert running.get("/out/letters/letter/003-chen-wei-sample.pdf").status == 404


def test_unknown_messages_are_sent_again_only_when_asked(project: Path, server: Server) -> None:
    server.mailbox.drop_after_data = {1}  # the second message is kept, its answer lost
    with studio(project) as running:
        start = {"recipients": "mps.xlsx", "confirm": 5}
        running.write("POST", "/api/send/letter/start", start)
        job = wait_for(running, lambda j: not j["running"])
        assert job["counts"].get("unknown") == 1, job
        plan = running.write("POST", "/api/send/letter/dry-run", {"recipients": "mps.xlsx"}).json
        assert plan["count"] == 0 and [u["row"] for u in plan["unknown"]] == [2]
        page = running.get("/sending/letter").body.decode()
        assert 'id="resend-unknown">' in page and "the 1 message whose fate is unknown" in page
        again = {"recipients": "mps.xlsx", "resend_unknown": True}
        plan = running.write("POST", "/api/send/letter/dry-run", again).json
        assert plan["count"] == 1 and plan["to_send"][0]["row"] == 2
        running.write("POST", "/api/send/letter/start", {**again, "confirm": 1})
        job = wait_for(running, lambda j: not j["running"])
        assert job["state"] == "done" and job["counts"] == {"sent": 1}
    assert [r.rcpt_tos[0] for r in server.mailbox.received].count("bjorn@example.org") == 2


def test_progress_as_json_and_failed_csv_through_the_studio(project: Path, server: Server) -> None:
    server.mailbox.rcpt_answers = {"dina@example.org": ["550 5.1.1 no such mailbox"]}
    with studio(project) as running:
        assert running.get("/api/send/letter/failed.csv").status == 404  # nobody failed yet
        start = {"recipients": "mps.xlsx", "confirm": 5}
        assert running.write("POST", "/api/send/letter/start", start).status == 202
        wait_for(running, lambda j: not j["running"])
        progress = running.get("/api/send/letter/progress").json
        assert progress["job"]["state"] == "done" and progress["job"]["handled"] == 5
        assert progress["log"]["counts"]["failed"] == 1 and progress["failed"] is True
        failed = running.get("/api/send/letter/failed.csv")
        assert failed.status == 200 and failed.headers["content-type"].startswith("text/csv")
        assert failed.headers["content-disposition"] == 'attachment; filename="letter-failed.csv"'
        assert b"dina@example.org" in failed.body and b"no such mailbox" in failed.body
        assert b"chen@example.org" not in failed.body
        page = running.get("/sending/letter").body.decode()
        assert 'id="failed-csv" href="/api/send/letter/failed.csv">' in page
        assert "Refresh" not in running.get("/sending/letter").headers
        assert running.get("/out/mail/letter/failed.csv").status == 404
        assert running.get("/api/send/..%2Fletter/failed.csv").status == 404

"""The Sending page: a mailing's send log as a table, read through the channel's log, for
senders only; never the log file itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from running import studio
from teamclient import Client, team_studio

from briefpress.channels.log import open_log
from briefpress.studio import auth

PASSWORD = "a sender's long password"


@pytest.fixture
def mailed(cities: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose letter 'letter' was sent to three people: one each way."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    with open_log(cities / "out/mail/letter") as log:
        for row, (email, name) in enumerate(
            [
                ("ana@example.org", "Ana Ruiz"),
                ("bo@example.net", "Bo Lin"),
                ("cy@example.com", "Cy"),
            ],
            start=1,
        ):
            log.register(email, row, name)
        log.mark("ana@example.org", "sending", time.time())
        log.mark("ana@example.org", "sent", time.time(), "250 2.0.0 queued")
        log.mark("bo@example.net", "failed", time.time(), "550 5.1.1 no such user")
    auth.add_user(cities, "sam", "sender", PASSWORD)
    auth.add_user(cities, "eve", "editor", PASSWORD)
    return cities


@pytest.fixture
def url(mailed: Path) -> Iterator[str]:
    with team_studio(mailed) as running:
        yield running


def test_a_sender_sees_the_send_log_as_a_table(url: str) -> None:
    sender = Client(url)
    sender.login("sam", PASSWORD)
    assert b'href="/sending/letter"' in sender.get("/sending").body
    page = sender.get("/sending/letter")
    assert page.status == 200
    html = page.body.decode()
    assert "550 5.1.1 no such user" in html and "Bo Lin" in html and "cy@example.com" in html
    assert '<tr class="state-failed">' in html
    log = sender.get("/api/send/letter/log").json
    assert log["counts"] == {"pending": 1, "sending": 0, "sent": 1, "failed": 1, "unknown": 0}
    assert [e["state"] for e in log["entries"]] == ["sent", "failed", "pending"]
    assert sender.get("/api/send/..%2F..%2Fetc/log").status == 404
    assert sender.get("/api/send/nothing/log").status == 404
    missing = sender.get("/sending/nothing")
    assert missing.status == 404 and b"no letter &#39;nothing&#39;" in missing.body
    assert sender.get("/out/mail/letter/send-log.sqlite").status == 404


def test_an_editor_neither_sees_nor_reaches_it(url: str) -> None:
    editor = Client(url)
    editor.login("eve", PASSWORD)
    assert b'href="/sending"' not in editor.get("/").body
    for path in ("/sending", "/sending/letter", "/api/send/letter/log"):
        answer = editor.get(path)
        assert answer.status == 403 and b"bo@example.net" not in answer.body


def test_alone_at_this_machine_the_page_needs_no_login(mailed: Path) -> None:
    with studio(mailed) as running:
        assert b'href="/sending"' in running.get("/").body
        assert b"Bo Lin" in running.get("/sending/letter").body

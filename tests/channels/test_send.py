"""The e-mail channel against a real SMTP server on 127.0.0.1: each recipient gets exactly one
message with their own letter, whatever the server answers, however the run is stopped."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from mailserver import PASSWORD, USER, Received, Server, free_port, serving

from briefpress.channels.consent import Consent
from briefpress.channels.drafts import Options, Plan, Timing
from briefpress.channels.send import Report, prepare
from briefpress.core.errors import BriefpressError
from briefpress.mail.letters import mail
from conftest import FIXTURE, REPO, Result, run_cli
from sampleletter import LETTER, SAMPLE

EMAILS = ["alex@example.org", "nguyen@example.org", "ivan@example.org", "maria@example.org"]
CC = {3: "office@example.org"}


def people_csv(count: int = 4) -> str:
    """The shipped sample recipients with an address each, and one copy address."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0], "email", "cc"])
    writer.writeheader()
    for index, row in enumerate(rows):
        writer.writerow({**row, "email": EMAILS[index], "cc": CC.get(index, "")})
    return out.getvalue()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with a letter and its four letters made once for the module."""
    root = tmp_path_factory.mktemp("made") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    (root / "people.csv").write_text(people_csv(), encoding="utf-8")
    mail(root, "letter", root / "people.csv")
    return root


@pytest.fixture
def project(made: Path, tmp_path: Path) -> Path:
    """A copy of the made project (file times kept: its letters stay current)."""
    target = tmp_path / "project"
    shutil.copytree(made, target)
    return target


def configure(
    project: Path, port: int, *lines: str, security: str = "none", timeout: int = 10
) -> None:
    """``mail:`` settings for the test server. They do not change the letters, so the file
    keeps a time before the letters were made, as if it had been written first."""
    config = project / "briefpress.yaml"
    settings = [
        "mail:",
        "  host: 127.0.0.1",
        f"  port: {port}",
        f"  security: {security}",
        '  from: "Advocacy Team <team@example.org>"',
        "  reply_to: replies@example.org",
        "  retry_delay: 0.01",
        f"  timeout: {timeout}",
        *(f"  {line}" for line in lines),
    ]
    config.write_text("\n".join(settings) + "\n", encoding="utf-8")
    before = (project / "out/letters/letter/manifest.csv").stat().st_mtime - 60
    os.utime(config, (before, before))


class FakeTime:
    """A clock that moves only when the send sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1_767_225_600.0  # 1 January 2026
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    @property
    def timing(self) -> Timing:
        return Timing(self.clock, self.sleep)


def send(
    project: Path,
    timing: Timing | None = None,
    password: str | None = None,
    **options: Any,
) -> tuple[Plan, Report]:
    """One run of a send, as ``briefpress send --yes`` does it."""
    timing = timing or FakeTime().timing
    people = project / "people.csv"
    with prepare(project, "letter", people, Options(**options), timing) as (run, plan):
        report = run.send(plan, password, lambda event: None, Consent.GIVEN)
    return plan, report


def cli(project: Path, *args: str) -> Result:
    return run_cli(["-C", str(project), *args])


def pdf_of(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in message.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part.get_filename() or "", payload


def letters(project: Path) -> list[Path]:
    return sorted((project / "out/letters/letter").glob("0*.pdf"))


def assert_each_got_one(received: list[Received], project: Path) -> None:
    """Every address got exactly one message, and it carries that person's own letter."""
    for address, pdf in zip(EMAILS, letters(project), strict=True):
        got = [r for r in received if address in r.rcpt_tos]
        assert len(got) == 1, (address, len(got))
        assert pdf_of(got[0].message)[1] == pdf.read_bytes()
    assert len(received) == len(EMAILS)


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


# --- checked before anything is made ----------------------------------------------------


def test_addresses_are_checked_before_anything_is_rendered(made: Path, tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    shutil.copytree(made, root, ignore=shutil.ignore_patterns("out"))
    configure_fresh = root / "briefpress.yaml"
    configure_fresh.write_text('mail:\n  host: 127.0.0.1\n  from: "T <t@example.org>"\n')
    (root / "bad.csv").write_text(
        "name,title,organisation,address,email,cc\n"
        "A (SAMPLE),MP,P,1 Street,a@example.org,\n"  # line 2
        "B (SAMPLE),MP,P,2 Street,not-an-address,\n"  # line 3
        'C (SAMPLE),MP,P,3 Street,"c@example.org\nBcc: everyone@example.org",\n'  # line 4
        "D (SAMPLE),MP,P,4 Street,A@Example.org,\n"  # line 6: row 1's address again
        "E (SAMPLE),MP,P,5 Street,,\n"  # line 7: no address
        'F (SAMPLE),MP,P,6 Street,"F <f@example.org>","x@example.org; y@"\n',  # line 8
        encoding="utf-8",
    )
    result = cli(root, "send", "letter", "--recipients", "bad.csv", "--dry-run")
    assert result.code == 1, result.output
    err = result.err
    assert "bad.csv:3: error: email 'not-an-address': not an e-mail address (expected one @)" in err
    assert "bad.csv:4: error: email 'c@example.org\\nBcc: everyone@example.org': " in err
    assert "the address contains a line break or control character (row 3)" in err
    assert "bad.csv:6: error: the address 'a@example.org' is also in row 1 on line 2 (row 4)" in err
    assert "bad.csv:7: error: missing email (row 5)" in err
    assert "bad.csv:8: error: email 'F <f@example.org>': expected only the address" in err
    assert "bad.csv:8: error: cc 'y@': not an e-mail address (row 6)" in err
    assert "Traceback" not in result.output
    assert not (root / "out/arcadia.pdf").exists()  # nothing rendered
    assert not (root / "out/mail").exists()


def test_check_refuses_a_password_in_the_file_and_plain_text_to_another_host(
    project: Path,
) -> None:
    (project / "briefpress.yaml").write_text(
        "mail:\n"
        "  host: smtp.example.org\n"
        "  security: none\n"
        "  username: team@example.org\n"
        "  password: hunter2\n"
        "  rate: hotmail\n"
        '  from: "Team <team@example>"\n',
        encoding="utf-8",
    )
    result = cli(project, "check")
    assert result.code == 1
    assert "briefpress.yaml:5:13: error: a password does not belong in a file" in result.err
    assert "BRIEFPRESS_SMTP_PASSWORD" in result.err
    assert "briefpress.yaml:3:13: error: security: none sends the letters unencrypted" in result.err
    assert "briefpress.yaml:6:9: error: unknown rate preset 'hotmail'" in result.err
    assert "briefpress.yaml:7:9: error: from: not an e-mail address" in result.err


# --- drafts -------------------------------------------------------------------------------


def test_dry_run_writes_every_draft_and_sends_nothing(project: Path, server: Server) -> None:
    configure(project, server.port)
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--dry-run")
    assert result.code == 0, result.output
    assert "(4 messages to send)" in result.out and "dry run: nothing sent." in result.out
    # Without --yes, from a script, a send is a dry run too.
    result = cli(project, "send", "letter", "--recipients", "people.csv")
    assert result.code == 0, result.output
    assert "not sent: add --yes" in result.out
    assert server.mailbox.received == []

    folder = project / "out/mail/letter"
    drafts = sorted((folder / "drafts").glob("*.eml"))
    assert [d.stem for d in drafts] == [p.stem for p in letters(project)]
    with (folder / "plan.csv").open(encoding="utf-8-sig") as handle:
        plan = list(csv.DictReader(handle))
    assert [(r["email"], r["action"]) for r in plan] == [(e, "send") for e in EMAILS]
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"

    raw = drafts[3].read_bytes()
    assert raw.startswith(b"X-Unsent: 1\r\n")
    message = Received("", [], raw).message
    assert message["To"] == '"María Ejemplo (SAMPLE)" <maria@example.org>'
    assert message["Cc"] == "office@example.org"
    assert message["From"] == "Advocacy Team <team@example.org>"
    assert message["Reply-To"] == "replies@example.org"
    assert message["Subject"] == "No sanctions in Arcadia"
    assert message["Content-Language"] == "es"
    body = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert body is not None and html is not None
    lines = body.get_content().splitlines()
    assert lines[0] == "Estimado/a María Ejemplo (SAMPLE):"
    assert lines[2] == (
        "Le adjuntamos nuestra carta, seguida de nuestro informe «Arcadia: no sanctions»."
    )
    assert lines[-4:] == ["Atentamente,", "", "Our Name", "Our Organisation"]
    assert "<p>Estimado/a María Ejemplo (SAMPLE):</p>" in html.get_content()
    name, pdf = pdf_of(message)
    assert name == "A letter about Arcadia.pdf"
    assert pdf == letters(project)[3].read_bytes()


def test_a_project_template_overrides_the_subject(project: Path, server: Server) -> None:
    configure(project, server.port)
    (project / "templates/mail").mkdir(parents=True)
    (project / "templates/mail/subject.txt.j2").write_text(
        "{{ letter.subject }} ({{ recipient.organisation }})\n"
    )
    os.utime(project / "templates/mail/subject.txt.j2", (0, 0))  # older than the letters
    _, report = send(project)
    assert report.sent == 4
    subjects = [r.message["Subject"] for r in server.mailbox.received]
    assert subjects[0] == "No sanctions in Arcadia (Sample Parliament)"


# --- sending --------------------------------------------------------------------------------


def test_each_recipient_gets_one_message_and_a_rerun_sends_nothing(
    project: Path, server: Server
) -> None:
    configure(project, server.port)
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
    assert result.code == 0, result.output
    assert "sent 4 messages in" in result.out
    received = server.mailbox.received
    assert_each_got_one(received, project)
    assert all(r.mail_from == "team@example.org" for r in received)
    assert received[3].rcpt_tos == ["maria@example.org", "office@example.org"]
    assert b"X-Unsent" not in received[0].data
    draft = sorted((project / "out/mail/letter/drafts").glob("*.eml"))[0].read_bytes()
    assert received[0].data == draft.removeprefix(b"X-Unsent: 1\r\n")

    again = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
    assert again.code == 0, again.output
    assert "already sent: 4 recipients (not sent again)" in again.out
    assert "nothing to send." in again.out
    assert len(server.mailbox.received) == 4
    status = cli(project, "send", "letter", "--status")
    assert status.out.startswith("pending: 0, sending: 0, sent: 4, failed: 0, unknown: 0")


def test_starttls_with_a_login(project: Path, tmp_path: Path) -> None:
    for server in serving(tls=project / "ca.pem"):
        configure(project, server.port, f"username: {USER}", "ca_file: ca.pem", security="starttls")
        with pytest.raises(BriefpressError, match="refused the login of mailer"):
            send(project, password="wrong")
        assert server.mailbox.received == []
        _, report = send(project, password=PASSWORD)
        assert report.sent == 4
        assert_each_got_one(server.mailbox.received, project)


def test_a_451_is_retried_and_a_550_fails_while_the_mailing_goes_on(project: Path) -> None:
    answers = {
        "nguyen@example.org": ["451 4.7.1 greylisted, try again later", "250 OK"],
        "ivan@example.org": ["550 5.1.1 no such mailbox"],
    }
    for server in serving(rcpt_answers=answers):
        configure(project, server.port)
        fake = FakeTime()
        _, report = send(project, fake.timing)
        assert (report.sent, report.failed, report.deferred) == (3, 1, 0)
        assert fake.slept and fake.slept[0] == pytest.approx(0.01)
        box = server.mailbox
        assert [len(box.to(a)) for a in EMAILS] == [1, 1, 0, 1]
        failed = (project / "out/mail/letter/failed.csv").read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(failed)))
        assert [(r["row"], r["email"], r["state"]) for r in rows] == [
            ("3", "ivan@example.org", "failed")
        ]
        assert rows[0]["line"] == "people.csv:7"
        assert "550 5.1.1 no such mailbox" in rows[0]["answer"]
        # The address is fixed at the server: the rerun sends to that one alone.
        answers["ivan@example.org"] = ["250 OK"]
        _, report = send(project, fake.timing)
        assert report.sent == 1
        assert_each_got_one(box.received, project)
        assert not (project / "out/mail/letter/failed.csv").exists()


def test_a_451_every_time_is_deferred_to_the_next_run(project: Path) -> None:
    answers = {"alex@example.org": ["451 4.3.0 mailbox busy"]}
    for server in serving(rcpt_answers=answers):
        configure(project, server.port, "retries: 2")
        fake = FakeTime()
        _, report = send(project, fake.timing)
        assert (report.sent, report.deferred) == (3, 1)
        assert fake.slept == pytest.approx([0.01, 0.02])  # backoff doubles
        status = cli(project, "send", "letter", "--status")
        assert "deferred row 1: Alex Sample (SAMPLE) <alex@example.org>: " in status.out
        assert "alex@example.org: 451 4.3.0 mailbox busy" in status.out


def test_a_refused_sender_stops_the_run_and_fails_no_recipient(project: Path) -> None:
    for server in serving(mail_answer="553 5.7.1 sender address not allowed"):
        configure(project, server.port)
        _, report = send(project)
        assert report.sent == report.failed == 0
        assert report.stopped == (
            "127.0.0.1 refuses team@example.org: 553 5.7.1 sender address not allowed"
        )
        status = cli(project, "send", "letter", "--status")
        assert status.out.startswith("pending: 4, sending: 0, sent: 0, failed: 0")
        assert server.mailbox.received == []


def test_a_dropped_connection_neither_loses_nor_repeats_a_message(project: Path) -> None:
    # The server hangs up at the second MAIL (nothing sent: sent again on a new connection)
    # and after taking the third message without answering (it arrived: unknown).
    for server in serving(drop_at_mail={1}, drop_after_data={2}):
        configure(project, server.port)
        _, report = send(project)
        assert (report.sent, report.unknown) == (3, 1)
        assert_each_got_one(server.mailbox.received, project)
        result = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
        assert result.code == 0, result.output
        assert "unknown: 1 message may or may not have arrived" in result.err
        assert "row 3: Иван Образцов (SAMPLE) <ivan@example.org>" in result.err
        assert len(server.mailbox.received) == 4  # not sent again
        # The user asked: it never arrived. Only then is it sent again.
        result = cli(
            project, "send", "letter", "--recipients", "people.csv", "--yes", "--resend-unknown"
        )
        assert result.code == 0, result.output
        assert len(server.mailbox.to("ivan@example.org")) == 2


def test_killed_mid_mailing_and_run_again(project: Path) -> None:
    """SIGKILL while the server holds the second message: on the rerun that one is
    reported as unknown, not sent again; the rest are sent once."""
    for server in serving(hold_data={1}):
        configure(project, server.port)
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        command = [sys.executable, "-m", "briefpress", "-C", str(project), "send", "letter"]
        command += ["--recipients", "people.csv", "--yes"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.mailbox.holding.wait(60), process.communicate(timeout=5)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            server.mailbox.release.set()
        assert len(server.mailbox.received) == 2
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "unknown: 1 message may or may not have arrived" in rerun.stderr
        assert "row 2: Nguyễn Văn Mẫu (SAMPLE) <nguyen@example.org>" in rerun.stderr
        assert "sent 2 messages" in rerun.stdout
        assert_each_got_one(server.mailbox.received, project)


# --- limits -----------------------------------------------------------------------------------


def test_the_daily_cap_stops_cleanly_and_the_next_day_continues(project: Path) -> None:
    for server in serving():
        configure(project, server.port, "per_day: 3")
        fake = FakeTime()
        _, report = send(project, fake.timing)
        assert report.sent == 3 and report.stopped == "reached 3 messages a day"
        assert report.resume_at == pytest.approx(fake.now + 86400)
        fake.now += 3600
        _, report = send(project, fake.timing)
        assert report.sent == 0 and report.stopped
        fake.now += 86400
        _, report = send(project, fake.timing)
        assert report.sent == 1 and report.stopped is None
        assert_each_got_one(server.mailbox.received, project)


def test_the_cc_counts_against_the_addresses_of_a_day(project: Path) -> None:
    for server in serving():
        configure(project, server.port, "rate: gmail", "recipients_per_day: 4")
        _, report = send(project)
        assert report.sent == 3  # the fourth letter has two addresses: 5 > 4
        assert report.stopped == "reached 4 addresses a day"


def test_per_minute_the_send_waits(project: Path) -> None:
    for server in serving():
        configure(project, server.port, "per_minute: 2")
        fake = FakeTime()
        _, report = send(project, fake.timing)
        assert report.sent == 4
        assert sum(fake.slept) == pytest.approx(60, abs=1)
        assert_each_got_one(server.mailbox.received, project)


def test_a_changed_letter_says_how_many_got_the_earlier_version(project: Path) -> None:
    for server in serving():
        configure(project, server.port, "per_day: 2")
        fake = FakeTime()
        send(project, fake.timing)
        spec = project / "briefs/letter.yaml"
        spec.write_text(LETTER.replace("told the study.", "told the study in 2021."))
        fake.now += 86400
        plan, report = send(project, fake.timing)
        assert plan.letters_made == "briefs/letter.yaml changed after the letters were made"
        assert (plan.already_sent, plan.earlier_version, report.sent) == (2, 2, 2)
        box = server.mailbox
        assert [len(box.to(a)) for a in EMAILS] == [1, 1, 1, 1]
        for address, pdf in zip(EMAILS[2:], letters(project)[2:], strict=True):
            assert pdf_of(box.to(address)[0].message)[1] == pdf.read_bytes()


# --- attachments ---------------------------------------------------------------------------------


def test_an_attachment_over_the_limit_stops_the_send(project: Path, server: Server) -> None:
    configure(project, server.port, "max_attachment_mb: 0.001")
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
    assert result.code == 1
    assert "people.csv:2: error: 001-alex-sample-sample.pdf:" in result.err
    assert "over the limit of 1 kB (row 1)" in result.err
    assert server.mailbox.received == []


def test_letters_for_other_recipients_are_made_again(project: Path, server: Server) -> None:
    configure(project, server.port)
    (project / "people.csv").write_text(people_csv(2), encoding="utf-8")
    plan, report = send(project)
    assert plan.letters_made == "the letters were made for other recipients"
    assert report.sent == 2
    assert len(letters(project)) == 2


# --- a send that cannot do its job says so ----------------------------------------------------


def test_an_unreachable_server_sends_nothing_and_exits_non_zero(project: Path) -> None:
    configure(project, free_port(), "retries: 1")
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
    assert result.code == 1, result.output
    assert "sent 0 messages" in result.out
    assert "stopped: cannot reach 127.0.0.1: cannot connect to 127.0.0.1" in result.err


def test_starttls_not_offered_is_permanent_not_retried(project: Path, server: Server) -> None:
    configure(project, server.port, "retries: 3", security="starttls")
    fake = FakeTime()
    with pytest.raises(BriefpressError, match=r"127\.0\.0\.1 does not offer STARTTLS") as raised:
        send(project, fake.timing)
    assert fake.slept == []  # not retried as if it were temporary
    assert "ca_file" in str(raised.value)
    assert server.mailbox.received == []
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--yes")
    assert result.code == 1 and "nothing sent: 127.0.0.1 does not offer STARTTLS" in result.err


def test_a_certificate_that_does_not_verify_is_permanent(project: Path) -> None:
    for server in serving(tls=project / "ca.pem"):  # its CA is not trusted: no ca_file
        configure(project, server.port, f"username: {USER}", security="starttls")
        fake = FakeTime()
        with pytest.raises(BriefpressError, match=r"certificate of 127\.0\.0\.1 does not verify"):
            send(project, fake.timing, password=PASSWORD)
        assert fake.slept == [] and server.mailbox.received == []


def test_sigterm_while_the_server_is_slow_stops_at_once(project: Path) -> None:
    """The server holds its answer to the first message; SIGTERM ends the send promptly,
    not after the SMTP timeout (a minute here) spent saying goodbye to it."""
    for server in serving(hold_data={0}):
        configure(project, server.port, timeout=60)
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        command = [sys.executable, "-m", "briefpress", "-C", str(project), "send", "letter"]
        command += ["--recipients", "people.csv", "--yes"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.mailbox.holding.wait(60), process.communicate(timeout=5)
            stopped = time.monotonic()
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=60)
            took = time.monotonic() - stopped
        finally:
            server.mailbox.release.set()
        assert process.returncode == 130, err
        assert took < 20, f"{took:.1f} s to stop"  # not the server's 30 s, nor the 60 s timeout
        assert b"Traceback" not in err
        status = cli(project, "send", "letter", "--status")
        assert status.out.startswith("pending: 3, sending: 1, sent: 0")


# --- mistakes in the settings and the log are located problems ------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            'mail:\n  host: 127.0.0.1\n  hots: x\n  from: "T <t@example.org>"\n',
            "briefpress.yaml:3:3: error: unknown field 'hots' (did you mean 'host'?)",
        ),
        (
            'brand:\n  body_font: null\nmail:\n  host: 127.0.0.1\n  from: "T <t@example.org>"\n',
            "briefpress.yaml:2:14: error: expected text, found nothing (null)",
        ),
    ],
)
def test_a_mistake_in_the_settings_is_shown_not_an_internal_error(
    project: Path, config: str, expected: str
) -> None:
    (project / "briefpress.yaml").write_text(config, encoding="utf-8")
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--dry-run")
    assert result.code == 1, result.output
    assert expected in result.err.splitlines()
    assert "internal error" not in result.err and "no mail: settings" not in result.err


@pytest.mark.parametrize("damage", ["garbage", "folder", "read-only"])
def test_a_send_log_that_cannot_be_used_is_a_clean_error(
    project: Path, server: Server, damage: str
) -> None:
    if damage == "read-only" and getattr(os, "geteuid", lambda: -1)() == 0:
        pytest.skip("root writes a read-only file")
    configure(project, server.port)
    log = project / "out/mail/letter/send-log.sqlite"
    if damage == "read-only":
        assert cli(project, "send", "letter", "--recipients", "people.csv").code == 0
        log.chmod(0o444)
        log.parent.chmod(0o500)
    else:
        log.parent.mkdir(parents=True)
        if damage == "folder":
            log.mkdir()
        else:
            log.write_bytes(b"not a database, but a spreadsheet someone saved here" * 100)
    try:
        for args in (["--recipients", "people.csv", "--yes"], ["--status"]):
            result = cli(project, "send", "letter", *args)
            assert result.code == 1, result.output
            assert "out/mail/letter/send-log.sqlite: error: " in result.err, result.err
            assert "internal error" not in result.err and "Traceback" not in result.err
    finally:
        log.parent.chmod(0o700)
    assert server.mailbox.received == []


def test_a_second_send_of_the_same_mailing_is_refused(project: Path, server: Server) -> None:
    configure(project, server.port)
    people = project / "people.csv"
    refused = pytest.raises(BriefpressError, match="another briefpress send of this mailing")
    first = prepare(project, "letter", people, Options(), FakeTime().timing)
    second = prepare(project, "letter", people, Options(), FakeTime().timing)
    with first, refused, second:
        pass
    with prepare(project, "letter", people, Options(), FakeTime().timing):  # released
        pass


def test_an_id_that_is_not_a_letter_changes_nothing_outside_the_project(
    project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "x"
    outside.mkdir(mode=0o755)
    (outside / "send-log.sqlite").write_bytes(b"")
    for args in (["../../x", "--status"], ["../../x", "--recipients", "people.csv"]):
        result = cli(project, "send", *args)
        assert result.code == 1, result.output
        assert "internal error" not in result.err
    assert "'../../x' is not a letter's id" in cli(project, "send", "../../x", "--status").err
    assert sorted(p.name for p in outside.iterdir()) == ["send-log.sqlite"]
    assert outside.stat().st_mode & 0o777 == 0o755


def test_each_warning_is_shown_once(project: Path, server: Server) -> None:
    """Letters made again within a send report what the send found already: once."""
    configure(project, server.port)
    people = project / "people.csv"
    long_line = "1 Example Street, with a line far too long for the window of an envelope"
    people.write_text(people_csv().replace("1 Example Street", long_line, 1), encoding="utf-8")
    result = cli(project, "send", "letter", "--recipients", "people.csv", "--dry-run")
    assert result.code == 0, result.output
    warnings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert len(warnings) == len(set(warnings)) >= 1, result.err
    assert "made the letters again" in result.out


def test_a_header_line_servers_refuse_stops_at_its_draft(project: Path) -> None:
    """The name's limit keeps the To: line short; a line over 998 octets (a project's own
    subject template, say) is caught in the draft, not refused by the server mid-run."""
    from briefpress import channels
    from briefpress.channels.base import Letter
    from briefpress.channels.drafts import load_send
    from briefpress.channels.email.messages import Composer, draft_bytes, overlong_line
    from briefpress.channels.email.settings import SmtpSettings
    from briefpress.mail.recipients import Recipient

    configure(project, 25)
    loaded, letter, recipients, settings = load_send(
        project, "letter", project / "people.csv", False, False, channels.get("email")
    )
    person = next(iter(recipients))
    assert isinstance(settings, SmtpSettings)
    composer = Composer(Letter(loaded, letter, {}, loaded.config.brand), settings)
    fine = composer.message(person, b"%PDF", "0" * 64, 0.0)
    assert overlong_line(draft_bytes(fine)) is None
    long = Recipient(**{**{f: getattr(person, f) for f in person.__slots__}, "name": "N" * 1200})
    line = overlong_line(draft_bytes(composer.message(long, b"%PDF", "0" * 64, 0.0)))
    assert line is not None and line.strip().startswith("NNNN")


def test_the_letters_stamp_is_replaced_whole(project: Path, server: Server) -> None:
    """The record of what the letters were made from is written beside and renamed into
    place: a crash mid-write leaves the previous record, never half of one."""
    configure(project, server.port)
    send(project)
    stamp = project / "out/mail/letter/letters.stamp"
    before = stamp.stat().st_ino
    (project / "people.csv").write_text(people_csv(3), encoding="utf-8")
    send(project)
    assert stamp.stat().st_ino != before
    assert json.loads(stamp.read_text(encoding="utf-8"))["inputs"]


# --- the channel layer: registry, consent, typed events, an injected transport ----------------


def test_the_email_channel_is_registered_and_an_unknown_one_is_a_clean_error() -> None:
    from briefpress import channels

    assert "email" in channels.names() and channels.get().name == "email"
    with pytest.raises(BriefpressError, match="no channel 'fax'"):
        channels.get("fax")


def test_no_yes_is_a_dry_run_and_sending_refuses_without_one() -> None:
    from briefpress.channels.consent import answered, consent

    assert consent(dry_run=True, yes=True, can_ask=True) is Consent.DRY_RUN
    assert consent(dry_run=False, yes=True, can_ask=False) is Consent.GIVEN
    assert consent(dry_run=False, yes=False, can_ask=True) is Consent.ASK
    assert consent(dry_run=False, yes=False, can_ask=False) is Consent.DRY_RUN  # a script
    assert answered(Consent.ASK, lambda: False) is Consent.DRY_RUN
    assert answered(Consent.ASK, lambda: True) is Consent.GIVEN


def test_deliver_without_consent_drafts_and_sends_nothing(project: Path, server: Server) -> None:
    """The studio's call: a plan back, nothing sent without a yes, then everything with one."""
    from briefpress.channels.send import deliver

    configure(project, server.port)
    people = project / "people.csv"
    timing = FakeTime().timing
    asked: list[int] = []

    def say_no(plan: Plan) -> bool:
        asked.append(len(plan.to_send))
        return False

    done = deliver(project, "letter", people, Consent.ASK, confirm=say_no, timing=timing)
    assert (done.consent, done.report, asked) == (Consent.DRY_RUN, None, [4])
    assert len(done.plan.to_send) == 4 and server.mailbox.received == []
    events: list[object] = []
    done = deliver(project, "letter", people, Consent.GIVEN, on_event=events.append, timing=timing)
    assert done.report is not None and done.report.sent == 4 and done.report.complete
    assert_each_got_one(server.mailbox.received, project)
    refused = pytest.raises(BriefpressError, match="sending needs a yes")
    with prepare(project, "letter", people, Options(), timing) as (run, plan), refused:
        run.send(plan, None, events.append, Consent.DRY_RUN)


class Scripted:
    """A transport that answers from a script (a future channel's would deliver): it
    keeps what it was handed, and is told when a message left."""

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = list(outcomes)
        self.handed: list[tuple[tuple[str, ...], bytes]] = []
        self.closed = False

    def deliver(self, addresses: Any, prepared: bytes, on_handover: Any) -> Any:
        from briefpress.channels.base import Attempt, Outcome

        outcome = Outcome(self.outcomes.pop(0) if self.outcomes else "sent")
        if outcome is not Outcome.TEMPORARY:
            on_handover()
            self.handed.append((tuple(addresses), prepared))
        return Attempt(outcome, f"{outcome.value} by script")

    def drop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_any_transport_drives_the_same_loop_with_typed_events(project: Path) -> None:
    from briefpress.channels.events import EventKind, SendEvent

    configure(project, free_port())  # no server: the channel's own transport is not used
    transport = Scripted("temporary", "sent", "permanent")
    events: list[SendEvent] = []
    fake = FakeTime()
    people = project / "people.csv"
    with prepare(project, "letter", people, Options(), fake.timing) as (run, plan):
        report = run.send(plan, None, events.append, Consent.GIVEN, transport)
    assert [(e.kind, e.item.row) for e in events] == [
        (EventKind.RETRY, 1),
        (EventKind.SENT, 2),
        (EventKind.FAILED, 3),
        (EventKind.SENT, 4),
        (EventKind.SENT, 1),
    ]
    assert (report.sent, report.failed, report.complete) == (3, 1, False)
    assert transport.closed and transport.handed[0][0] == ("nguyen@example.org",)
    draft = sorted((project / "out/mail/letter/drafts").glob("*.eml"))[1]
    assert transport.handed[0][1] == draft.read_bytes()  # the draft, as written

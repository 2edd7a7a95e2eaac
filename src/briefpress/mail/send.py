"""``briefpress send``: e-mail every recipient their letter, once, resumably, within limits.

A send has two phases. First, always, the drafts: the letters are made (or
found up to date), every attachment is checked, and each recipient's message
is written to ``out/mail/<id>/drafts/`` as an ``.eml`` file together with
``plan.csv``; that is all a dry run does. Then, if asked, the sending: each
draft, in row order, is handed to the SMTP server exactly as written, one at a
time (a mailing of 10,000 holds one message in memory, not 10,000).

The send log (:mod:`briefpress.sendlog`) records each recipient's state before
each step, so the process may be stopped at any moment, by Ctrl-C or a crash,
and run again: it sends only to those not yet sent, and never again to one
whose message may have arrived.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import heapq
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefpress.checks.validate import validate_project
from briefpress.core import i18n
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import csv_table, spreadsheet_text, write_atomic
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec
from briefpress.mail.accompany import briefs_by_language
from briefpress.mail.addresses import normalise
from briefpress.mail.attachments import (
    LetterFile,
    attachment_problems,
    inputs_digest,
    letter_files,
    remember,
    stale_reason,
)
from briefpress.mail.letters import (
    brief_pdfs_for,
    glyph_check,
    letter_problems,
    load_mailing,
    mail,
)
from briefpress.mail.limits import DAY, Limiter
from briefpress.mail.log import Entry, SendLog, open_log
from briefpress.mail.messages import Composer, draft_bytes, sent_bytes
from briefpress.mail.recipients import Recipient, RecipientsFile, load_recipients
from briefpress.mail.settings import SmtpSettings, resolve
from briefpress.mail.smtp import PERMANENT, SENT, UNKNOWN, Attempt, Connection, LoginFailed
from briefpress.pdf.postcheck import machine_traces

DRAFTS = "drafts"
PLAN_FILE = "plan.csv"
FAILED_FILE = "failed.csv"
STAMP_FILE = "letters.stamp"  # what the letters a send used were made from


@dataclass(frozen=True)
class Timing:
    """The clock and the sleep a send uses: real ones, or a test's fast ones."""

    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Options:
    edition: str = ""  # none: the default edition
    strict: bool = False
    jobs: int = 1
    resend_unknown: bool = False  # the user checked: those messages did not arrive


@dataclass(slots=True)
class Item:
    """A recipient whose message is to be sent in this run: only what sending and its
    progress lines need (a send holds one for every message it plans)."""

    row: int
    name: str
    addresses: tuple[str, ...]  # to, then cc
    key: str  # the address as the log knows it
    draft: Path
    attempts: int = 0

    @classmethod
    def of(cls, recipient: Recipient, key: str, draft: Path) -> Item:
        assert recipient.email is not None
        addresses = (recipient.email, *recipient.cc)
        return cls(recipient.row, recipient.name, addresses, key, draft)


@dataclass
class Plan:
    """What the drafts phase found and what a send would do."""

    letter_id: str
    folder: Path
    to_send: list[Item] = field(default_factory=list)
    already_sent: int = 0
    unknown: list[Entry] = field(default_factory=list)
    earlier_version: int = 0  # sent before the letter changed
    letters_made: str | None = None  # why the letters were made again, if they were
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    """What one run sent, and why it stopped if it did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    unknown: int = 0
    stopped: str | None = None
    resume_at: float | None = None
    seconds: float = 0.0


Event = Callable[[str, Item, str], None]


def mail_folder(project: Project, letter_id: str) -> Path:
    """Where a mailing's drafts and log live: out/mail/<id>/, apart from out/letters/,
    which ``briefpress letters`` replaces as a whole."""
    return project.out_dir / "mail" / letter_id


# --- checking everything before anything is made -------------------------------------


def load_send(
    root: Path, letter_id: str, recipients_file: Path, strict: bool, sending: bool
) -> tuple[Project, BriefSpec, RecipientsFile, SmtpSettings]:
    """The letter, what it accompanies, every recipient with an address and the mail
    settings: all their problems at once, before any rendering."""
    project = load_mailing(root, letter_id)
    letter = project.briefs.get(letter_id)
    language = letter.language if letter else i18n.SOURCE_LANGUAGE
    shown = project.display(recipients_file)
    recipients, row_checks = load_recipients(
        recipients_file, shown, language, need_email=True, check=glyph_check(project)
    )
    settings, setting_problems = resolve(project, sending)
    problems = [*validate_project(project), *letter_problems(project, letter_id), *row_checks]
    problems += setting_problems
    raise_if_errors(problems, strict=strict)
    assert letter is not None and settings is not None
    project.problems = [p for p in problems if not p.is_error]
    return project, letter, recipients, settings


def current_letters(
    project: Project,
    letter: BriefSpec,
    recipients_file: Path,
    recipients: RecipientsFile,
    options: Options,
) -> tuple[dict[int, LetterFile], str | None]:
    """The letters for these recipients, made again first if they are not the current
    build; and why they were made, if they were."""
    folder = project.out_dir / "letters" / letter.id
    languages = list(recipients.languages)
    by_language, _ = brief_pdfs_for(project, letter, languages, options.edition, options.strict)
    brief_pdfs = sorted(set(by_language.values()))
    stamp = mail_folder(project, letter.id) / STAMP_FILE
    reason = stale_reason(
        project, letter.file, recipients_file, recipients, folder, brief_pdfs, stamp
    )
    if reason is not None:
        made = mail(
            project.root,
            letter.id,
            recipients_file,
            None,
            options.edition,
            options.strict,
            options.jobs,
        )
        project.problems.extend(made.problems)
    remember(stamp, folder, inputs_digest(project, letter.file, recipients_file, brief_pdfs))
    return letter_files(folder), reason


# --- the drafts ------------------------------------------------------------------------


class Send:
    """One run of ``briefpress send`` on one mailing, holding its log locked."""

    def __init__(
        self,
        project: Project,
        letter: BriefSpec,
        recipients: RecipientsFile,
        settings: SmtpSettings,
        log: SendLog,
        timing: Timing,
    ) -> None:
        self.project = project
        self.letter = letter
        self.recipients = recipients
        self.settings = settings
        self.log = log
        self.timing = timing
        self.folder = log.path.parent
        by_language = briefs_by_language(project, letter, list(recipients.languages))
        titles = {language: project.briefs[i].title for language, i in by_language.items()}
        self.composer = Composer(project.root, letter, titles, settings, project.config.brand)

    def draft_all(self, files: dict[int, LetterFile], options: Options) -> Plan:
        """Write every unsent recipient's draft and the plan; stop before sending if any
        attachment fails its checks."""
        plan = Plan(self.letter.id, self.folder, warnings=list(self.project.problems))
        self.log.recover()
        if options.resend_unknown:
            self.log.release_unknown()
        drafts = self.folder / DRAFTS
        drafts.mkdir(exist_ok=True)
        fonts = self.project.config.brand.every_family()
        traces = machine_traces(self.project.root)
        problems: list[Problem] = []
        # One sync for all the drafts' entries (see SendLog.batch); the plan is written a
        # row at a time and appears whole when every draft is written.
        with self.log.batch(), csv_table(self.folder / PLAN_FILE, PLAN_COLUMNS) as rows:
            for recipient in self.recipients:
                letter_file = files[recipient.row]
                action, found = self._draft(recipient, letter_file, drafts, plan, fonts, traces)
                problems += found
                rows.writerow(plan_row(recipient, letter_file, action))
        raise_if_errors(problems)
        return plan

    def _draft(
        self,
        recipient: Recipient,
        letter_file: LetterFile,
        drafts: Path,
        plan: Plan,
        fonts: tuple[str, ...],
        traces: list[bytes],
    ) -> tuple[str, list[Problem]]:
        """One recipient's draft (unless sent already), and the plan's word for it."""
        assert recipient.email is not None
        key = normalise(recipient.email)
        entry = self.log.register(key, recipient.row, recipient.name)
        try:
            pdf = letter_file.path.read_bytes()
        except OSError:
            missing = f"{letter_file.path.name} is missing (row {recipient.row})"
            return "blocked", [Problem(recipient.loc, missing)]
        digest = hashlib.sha256(pdf).hexdigest()
        if entry.state == "sent":
            plan.already_sent += 1
            if entry.attachment_sha256 != digest:
                plan.earlier_version += 1
                return "sent (earlier version)", []
            return "sent", []
        if entry.state == "unknown":
            plan.unknown.append(entry)
            return "unknown: not sent again", []
        problems = attachment_problems(
            recipient, letter_file, pdf, self.settings.max_attachment_bytes, fonts, traces
        )
        if problems:
            return "blocked", problems
        message = self.composer.message(recipient, pdf, digest, self.timing.clock())
        draft = drafts / f"{letter_file.path.stem}.eml"
        write_atomic(draft, draft_bytes(message))
        self.log.prepare(key, str(message["Message-ID"]), digest, 1 + len(recipient.cc))
        plan.to_send.append(Item.of(recipient, key, draft))
        return "send", []

    # --- sending -------------------------------------------------------------------------

    def send(self, plan: Plan, password: str | None, on_event: Event) -> Report:
        """Hand every planned message to the server, within the limits; stop cleanly at
        the day's cap or when the server cannot be reached."""
        clock, sleep = self.timing.clock, self.timing.sleep
        report = Report()
        began = clock()
        limiter = Limiter(self.settings.limits, self.log.started_since(began - DAY))
        connection = Connection(self.settings, password)
        queue = Queue(plan.to_send)
        broken = 0  # connection failures in a row
        try:
            while (item := queue.next(clock, sleep)) is not None:
                wait = limiter.wait(clock(), len(item.addresses))
                if wait.stop:
                    report.stopped = f"reached {wait.reason}"
                    report.resume_at = wait.until
                    break
                if wait.seconds > 0:
                    on_event("wait", item, f"{wait.seconds:.0f} s")
                    sleep(wait.seconds)
                attempt = self._attempt(connection, item, limiter)
                if attempt.reconnect:
                    connection.drop()
                if attempt.no_answer:  # nothing was handed over: try the same one again
                    broken += 1
                    if broken > self.settings.retries:
                        report.stopped = f"cannot reach {self.settings.host}: {attempt.answer}"
                        break
                    on_event("reconnect", item, attempt.answer)
                    sleep(self._delay(broken))
                    queue.again(item)
                    continue
                broken = 0
                if attempt.sender_refused:  # about the sender, not this recipient: stop
                    self.log.mark(item.key, "pending", clock(), attempt.answer)
                    sender = self.settings.sender.addr_spec
                    report.stopped = f"{self.settings.host} refuses {sender}: {attempt.answer}"
                    break
                self._settle(item, attempt, queue, report, on_event)
        except LoginFailed as exc:
            raise BriefpressError(
                f"{self.settings.host} refused the login of {self.settings.username}: {exc}"
            ) from None
        finally:
            connection.close()
            report.seconds = clock() - began
            self.write_failed()
        return report

    def _delay(self, attempts: int) -> float:
        return float(self.settings.retry_delay * 2 ** max(0, attempts - 1))

    def _attempt(self, connection: Connection, item: Item, limiter: Limiter) -> Attempt:
        message = sent_bytes(item.draft.read_bytes())

        def handover() -> None:
            now = self.timing.clock()
            self.log.mark(item.key, "sending", now)
            limiter.record(now, len(item.addresses))

        sender = self.settings.sender.addr_spec
        return connection.send(sender, list(item.addresses), message, handover)

    def _settle(
        self, item: Item, attempt: Attempt, queue: Queue, report: Report, on_event: Event
    ) -> None:
        """Record what the server said about one message."""
        now = self.timing.clock()
        if attempt.outcome == SENT:
            self.log.mark(item.key, "sent", now, attempt.answer)
            report.sent += 1
            on_event("sent", item, attempt.answer)
        elif attempt.outcome == PERMANENT:
            self.log.mark(item.key, "failed", now, attempt.answer)
            report.failed += 1
            on_event("failed", item, attempt.answer)
        elif attempt.outcome == UNKNOWN:
            self.log.mark(item.key, "unknown", now, attempt.answer)
            report.unknown += 1
            on_event("unknown", item, attempt.answer)
        else:  # temporary: the server did not take it, so it may be offered again
            self.log.mark(item.key, "pending", now, attempt.answer)
            item.attempts += 1
            if item.attempts <= self.settings.retries:
                queue.retry(item, now + self._delay(item.attempts))
                on_event("retry", item, attempt.answer)
            else:
                report.deferred += 1
                on_event("deferred", item, attempt.answer)

    def write_failed(self) -> None:
        """failed.csv: every current recipient who did not get the letter and why, with the
        line of their row, to fix and send again; removed when there are none."""
        rows = []
        for recipient in self.recipients:
            assert recipient.email is not None
            entry = self.log.entry(normalise(recipient.email))
            if entry is None or entry.state == "sent":
                continue
            if entry.state == "pending" and not entry.answer:
                continue
            state = "deferred" if entry.state == "pending" else entry.state
            rows.append(
                [
                    str(recipient.row),
                    str(recipient.loc),
                    _cell(recipient.name),
                    recipient.email,
                    ";".join(recipient.cc),
                    state,
                    _cell(entry.answer or ""),
                ]
            )
        path = self.folder / FAILED_FILE
        if rows:
            write_atomic(path, table(FAILED_COLUMNS, rows))
        else:
            path.unlink(missing_ok=True)


class Queue:
    """The messages in row order, with temporarily refused ones offered again later: a
    retry waits for its time without holding up the others."""

    def __init__(self, items: list[Item]) -> None:
        self.items = iter(items)
        self.later: list[tuple[float, int, Item]] = []
        self.count = 0
        self.head: Item | None = None

    def retry(self, item: Item, at: float) -> None:
        """Offer ``item`` again at ``at``, after the others ready by then."""
        self.count += 1
        heapq.heappush(self.later, (at, self.count, item))

    def again(self, item: Item) -> None:
        """Offer ``item`` again next (its connection broke before anything was sent)."""
        self.head = item

    def next(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> Item | None:
        """The next message to send, waiting for a retry's time when nothing else is left."""
        if self.head is not None:
            head, self.head = self.head, None
            return head
        if self.later and self.later[0][0] <= clock():
            return heapq.heappop(self.later)[2]
        fresh = next(self.items, None)
        if fresh is not None or not self.later:
            return fresh
        at, _, later = heapq.heappop(self.later)
        if at > clock():
            sleep(at - clock())
        return later


# --- files -------------------------------------------------------------------------------

PLAN_COLUMNS = ("row", "name", "email", "cc", "language", "attachment", "action")
FAILED_COLUMNS = ("row", "line", "name", "email", "cc", "state", "answer")


def plan_row(recipient: Recipient, letter_file: LetterFile, action: str) -> list[str]:
    return [
        str(recipient.row),
        _cell(recipient.name),
        recipient.email or "",
        ";".join(recipient.cc),
        recipient.language,
        letter_file.path.name,
        action,
    ]


def _cell(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return spreadsheet_text(value)


def table(columns: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --- the command ---------------------------------------------------------------------------


@contextlib.contextmanager
def prepare(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    options: Options = Options(),
    timing: Timing = Timing(),
    sending: bool = True,
) -> Iterator[tuple[Send, Plan]]:
    """Check everything, make the letters if they are not current, write the drafts and
    the plan; yield the run, ready to send, with its log locked."""
    project, letter, recipients, settings = load_send(
        root, letter_id, recipients_file, options.strict, sending
    )
    files, reason = current_letters(project, letter, recipients_file, recipients, options)
    with open_log(mail_folder(project, letter_id), lock=True) as log:
        run = Send(project, letter, recipients, settings, log, timing)
        plan = run.draft_all(files, options)
        plan.letters_made = reason
        yield run, plan


def status(root: Path, letter_id: str) -> tuple[dict[str, int], list[Entry]]:
    """The log's counts by state, and the entries that need a person's attention."""
    project = Project(root=root)
    folder = mail_folder(project, letter_id)
    if not (folder / "send-log.sqlite").is_file():
        where = Location(project.display(folder))
        raise BriefpressError([Problem(where, f"no send log for {letter_id!r} yet")])
    with open_log(folder) as log:
        entries = [e for e in log.entries() if e.state in ("failed", "unknown", "sending")]
        entries += [e for e in log.entries() if e.state == "pending" and e.answer]
        return log.counts(), sorted(entries, key=lambda e: e.row)

"""The drafts of a mailing: what a send would do, written down before anything is sent.

Always first, and all that a dry run does: the letters are made (or found up to date),
every attachment is checked as a build checks its output, and each recipient's message,
prepared by the channel, is written to ``out/mail/<id>/drafts/`` with ``plan.csv`` (who
gets what, who is skipped and why). A draft is exactly what is sent, byte for byte, so a
person can open one in their mail program before saying yes.

The send log (:mod:`briefpress.channels.log`) learns every recipient here, by address, so
a reordered recipients file changes nothing, and one already sent is never drafted again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefpress.channels.base import DEFAULT_CHANNEL, Channel, Composer, DeliverySettings, Letter
from briefpress.channels.log import Entry, SendLog
from briefpress.checks.validate import validate_project
from briefpress.core import i18n
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import csv_table, printable, spreadsheet_text, write_atomic
from briefpress.data.load import ID_RE, Project
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
    language_problems,
    letter_problems,
    load_mailing,
    mail,
)
from briefpress.mail.recipients import Recipient, RecipientsFile, load_recipients
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
    channel: str = DEFAULT_CHANNEL  # the channel to deliver through (the registry's name)
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
    def of(cls, recipient: Recipient, addresses: tuple[str, ...], draft: Path) -> Item:
        return cls(recipient.row, recipient.name, addresses, normalise(addresses[0]), draft)


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


def mail_folder(project: Project, letter_id: str) -> Path:
    """Where a mailing's drafts and log live: out/mail/<id>/, apart from out/letters/,
    which ``briefpress letters`` replaces as a whole. The id is checked as a brief's is:
    ``../../x`` names no mailing, and no folder outside out/mail/ is made or changed."""
    if not ID_RE.match(letter_id) or ".." in letter_id:
        raise BriefpressError(
            [
                Problem(
                    Location("briefpress"),
                    f"{printable(letter_id)!r} is not a letter's id",
                    "an id is the name of a file in briefs/, without .yaml: "
                    "lower-case letters, digits and hyphens",
                )
            ]
        )
    return project.out_dir / "mail" / letter_id


# --- checking everything before anything is made -------------------------------------


def load_send(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    strict: bool,
    sending: bool,
    channel: Channel,
) -> tuple[Project, BriefSpec, RecipientsFile, DeliverySettings]:
    """The letter, what it accompanies, every recipient with an address and the channel's
    settings: all their problems at once, before any rendering."""
    project = load_mailing(root, letter_id)
    letter = project.briefs.get(letter_id)
    language = letter.language if letter else i18n.SOURCE_LANGUAGE
    shown = project.display(recipients_file)
    recipients, row_checks = load_recipients(
        recipients_file, shown, language, need_email=True, check=glyph_check(project)
    )
    settings, setting_problems = channel.settings(project, sending)
    problems = [*validate_project(project), *letter_problems(project, letter_id), *row_checks]
    if letter is not None and letter.letter is not None:
        problems += language_problems(recipients, letter, project.root)
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
    brief_pdfs = sorted(set(by_language.values()))  # the brief in each reader's language
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
        # The mailing reports the warnings this send found already (it checks the same
        # project and rows): each is shown once.
        known = set(project.problems)
        project.problems.extend(p for p in dict.fromkeys(made.problems) if p not in known)
    remember(stamp, folder, inputs_digest(project, letter.file, recipients_file, brief_pdfs))
    return letter_files(folder), reason


class Drafting:
    """One run on one mailing through one channel, holding its log locked: the drafts
    here, the sending in :class:`briefpress.channels.send.Send`."""

    def __init__(
        self,
        channel: Channel,
        project: Project,
        letter: BriefSpec,
        recipients: RecipientsFile,
        settings: DeliverySettings,
        log: SendLog,
        timing: Timing,
    ) -> None:
        self.channel = channel
        self.project = project
        self.letter = letter
        self.recipients = recipients
        self.settings = settings
        self.log = log
        self.timing = timing
        self.folder = log.path.parent
        by_language = briefs_by_language(project, letter, list(recipients.languages))
        titles = {language: project.briefs[i].title for language, i in by_language.items()}
        about = Letter(project, letter, titles, project.config.brand)
        self.composer: Composer = channel.composer(about, settings)

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
        addresses = self.channel.addresses(recipient)
        key = normalise(addresses[0])
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
        prepared, problems = self.composer.prepare(recipient, pdf, digest, self.timing.clock())
        if prepared is None:
            return "blocked", problems
        draft = drafts / f"{letter_file.path.stem}{self.channel.draft_suffix}"
        write_atomic(draft, prepared.draft)
        self.log.prepare(key, prepared.message_id, digest, len(addresses))
        plan.to_send.append(Item.of(recipient, addresses, draft))
        return "send", []

    def write_failed(self) -> None:
        """failed.csv: every current recipient who did not get the letter and why, with the
        line of their row, to fix and send again; removed when there are none."""
        rows = []
        for recipient in self.recipients:
            addresses = self.channel.addresses(recipient)
            entry = self.log.entry(normalise(addresses[0]))
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
                    addresses[0],
                    ";".join(addresses[1:]),
                    state,
                    _cell(entry.answer or ""),
                ]
            )
        path = self.folder / FAILED_FILE
        if rows:
            write_atomic(path, table(FAILED_COLUMNS, rows))
        else:
            path.unlink(missing_ok=True)


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

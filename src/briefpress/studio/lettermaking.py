"""``briefpress letters`` run from the studio: one mailing's letters made in the background.

Making a few hundred letters takes a minute or more; an officer will not keep a tab open
for it. So the mailing runs in a thread of the studio's process, as a send does
(mailing.py): it goes on without the page, and the page, opened again, finds it by the
letter's id and follows it to the end. Its progress is the mailing's own
(``mail.letters.mail``'s ``progress``: letters made of letters in all), and a stop is the
mailing's Ctrl-C: the half-made mailing is dropped and the previous one stays whole.
Letters are made in this process, one at a time (no worker processes forked from the
server): a 1,000-letter mailing takes a minute or two.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefpress.core.errors import BriefpressError, Problem
from briefpress.mail.letters import Mailing, mail
from briefpress.studio.recipientlists import FOLDER, check_name
from briefpress.studio.store import Refused, check_id

ROW = re.compile(r"\(row (\d+)\)|\bfor row (\d+)\b")


class Stopped(BaseException):
    """Raised from the progress callback: the mailing stops as on Ctrl-C."""


class Busy(Exception):
    """This letter's letters are being made, or sent, already."""


def problem_row(problem: Problem) -> dict[str, Any]:
    """A problem on the recipient's row it names (None: the letter's or the file's own)."""
    found = ROW.search(problem.message)
    row = int(found.group(1) or found.group(2)) if found else None
    return {
        "row": row,
        "message": problem.message,
        "hint": problem.hint,
        "where": str(problem.location),
        "severity": problem.severity,
    }


@dataclass
class MakeJob:
    """One mailing being made from the studio."""

    letter: str
    recipients: str
    user: str | None
    state: str = "checking"  # checking, making, done, failed, stopped
    done: int = 0
    total: int = 0
    letters: int = 0
    message: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return self.state in ("checking", "making")

    def json(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "recipients": self.recipients,
            "user": self.user,
            "state": self.state,
            "running": self.running,
            "done": self.done,
            "total": self.total,
            "letters": self.letters,
            "message": self.message,
            "problems": list(self.problems),
            "seconds": round((self.finished or time.time()) - self.started, 1),
        }

    def progress(self, done: int, total: int) -> None:
        if self.stop.is_set():
            raise Stopped
        self.state, self.done, self.total = "making", done, total

    def succeeded(self, mailing: Mailing) -> None:
        self.letters = mailing.letters
        self.problems = [problem_row(p) for p in mailing.problems]
        count = f"{mailing.letters} letter{'s' if mailing.letters != 1 else ''}"
        self.state, self.message = "done", f"made {count} ({mailing.mailing_pages} pages to print)"

    def failed(self, message: str, problems: list[Problem]) -> None:
        self.state, self.message = "failed", message
        self.problems = [problem_row(p) for p in problems]


class LetterMaking:
    """The studio's mailings being made, one per letter at a time.

    ``sending(letter)`` says whether a send of that letter is running: its letters are
    not remade under it."""

    def __init__(self, root: Path, sending: Callable[[str], bool] = lambda _letter: False):
        self.root = root
        self.sending = sending
        self.jobs: dict[str, MakeJob] = {}
        self.lock = threading.Lock()

    def start(self, letter: str, recipients: str, user: str | None) -> MakeJob:
        """The letters of ``letter`` for the rows of ``recipients``, in a thread."""
        letter = check_id(letter, "letter's id")
        path = self.root / FOLDER / check_name(recipients)
        if not path.is_file():
            raise Refused(f"no recipients file {recipients!r} in {FOLDER.as_posix()}/")
        with self.lock:
            if self.running(letter):
                raise Busy(f"the letters of {letter} are being made already")
            if self.sending(letter):
                raise Busy(f"a send of {letter} is running: its letters stay as they are")
            job = self.jobs[letter] = MakeJob(letter, recipients, user)
        threading.Thread(target=self.run, args=(job, path), daemon=True).start()
        return job

    def running(self, letter: str) -> bool:
        job = self.jobs.get(letter)
        return job is not None and job.running

    def run(self, job: MakeJob, path: Path) -> None:
        try:
            job.succeeded(mail(self.root, job.letter, path, progress=job.progress))
        except (Stopped, KeyboardInterrupt):  # the stop button, or the studio stopping
            job.state = "stopped"
            job.message = "stopped: the letters made before are kept as they were"
        except BriefpressError as exc:
            job.failed("no letters made: fix the problems below and make them again", exc.problems)
        except Exception as exc:  # a mailing must never die silently
            job.failed(f"no letters made: {exc}", [])
        finally:
            job.finished = time.time()

    def job(self, letter: str) -> MakeJob | None:
        with self.lock:
            return self.jobs.get(letter)

    def stop(self, letter: str) -> bool:
        job = self.job(letter)
        if job is None or not job.running:
            return False
        job.stop.set()
        return True

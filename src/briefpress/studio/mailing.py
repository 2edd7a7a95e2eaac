"""Dry runs and sends started from the studio, through the channel's Python API.

A send of a few hundred letters takes minutes; an officer will close the tab, or lose
the connection. So a send runs in a thread of the studio's process, not in the request:
it goes on without the page, and the page, opened again, shows its state (the job's,
here, and the send log's, which is the truth on disk). Stopping it is Ctrl-C's stop:
the next message is not handed over, and a message being handed over is ``unknown``,
never sent twice. The SMTP password, when one is needed, is given to this one run and
kept nowhere; ``BRIEFPRESS_SMTP_PASSWORD`` works as on the command line.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefpress.channels.consent import Consent
from briefpress.channels.drafts import Options, Plan
from briefpress.channels.events import EventKind, SendEvent
from briefpress.channels.send import Delivery, deliver
from briefpress.core.errors import BriefpressError
from briefpress.studio.recipientlists import FOLDER, check_name
from briefpress.studio.store import check_id

MAX_EVENTS = 200  # the latest events a page shows


class Stopped(BaseException):
    """Raised from the progress callback: the send stops as on Ctrl-C."""


class Busy(Exception):
    """A send of this letter is running already."""


def plan_json(plan: Plan) -> dict[str, Any]:
    """What a send would do, for the page: every message with its draft's file name."""
    return {
        "count": len(plan.to_send),
        "to_send": [
            {
                "row": item.row,
                "name": item.name,
                "email": item.addresses[0],
                "cc": list(item.addresses[1:]),
                "draft": item.draft.name,
            }
            for item in plan.to_send
        ],
        "already_sent": plan.already_sent,
        "unknown": [{"row": e.row, "name": e.name, "email": e.email} for e in plan.unknown],
        "letters_made": plan.letters_made,
        "warnings": [str(p) for p in plan.warnings],
    }


@dataclass
class Job:
    """One send started from the studio."""

    letter: str
    recipients: str
    user: str | None
    state: str = "preparing"  # preparing, sending, done, stopped, not sent, failed
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS))
    message: str = ""
    started: float = field(default_factory=time.time)
    stop: threading.Event = field(default_factory=threading.Event)

    def json(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "recipients": self.recipients,
            "user": self.user,
            "state": self.state,
            "running": self.state in ("preparing", "sending"),
            "total": self.total,
            "handled": sum(self.counts.get(k.value, 0) for k in EventKind if k.settles),
            "counts": dict(self.counts),
            "events": list(self.events),
            "message": self.message,
        }

    def event(self, event: SendEvent) -> None:
        kind = event.kind.value
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.events.append(
            {"kind": kind, "row": event.item.row, "name": event.item.name, "answer": event.answer}
        )
        if self.stop.is_set():
            raise Stopped


class Mailings:
    """The studio's dry runs and its running sends, one per letter at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.jobs: dict[str, Job] = {}
        # Each letter's last dry run, so that the page shows it again when it is opened
        # (after a form's redirect, without script); a send started clears it.
        self.plans: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        # Whether a letter's letters are being made from its page (lettermaking.py):
        # no dry run or send takes them half-made.
        self.making: Callable[[str], bool] = lambda _letter: False

    def recipients_path(self, name: str) -> Path:
        return self.root / FOLDER / check_name(name)

    def dry_run(self, letter: str, recipients: str, resend_unknown: bool = False) -> dict[str, Any]:
        """Drafts and plan written (out/mail/<letter>/), nothing sent: what a send would do.
        ``resend_unknown``: the officer checked that the ``unknown`` messages did not arrive."""
        letter = check_id(letter, "letter's id")
        self.refuse_if_running(letter)
        path, options = self.recipients_path(recipients), Options(resend_unknown=resend_unknown)
        delivery = deliver(self.root, letter, path, Consent.DRY_RUN, options=options)
        plan = plan_json(delivery.plan)
        with self.lock:
            self.plans[letter] = {
                **plan,
                "recipients": recipients,
                "resend_unknown": resend_unknown,
            }
        return plan

    def plan(self, letter: str) -> dict[str, Any] | None:
        """The letter's last dry run (with the recipients file and choice it was made
        with), until a send of it is confirmed."""
        with self.lock:
            return self.plans.get(letter)

    def refuse_if_running(self, letter: str) -> None:
        if self.making(letter):
            raise Busy(f"the letters of {letter} are being made: wait for them")
        with self.lock:
            job = self.jobs.get(letter)
            if job is not None and job.state in ("preparing", "sending"):
                raise Busy(f"a send of {letter} is running: stop it first, or wait")

    def start(
        self,
        letter: str,
        recipients: str,
        confirm: int,
        password: str | None,
        user: str | None,
        resend_unknown: bool = False,
    ) -> Job:
        """A send in its own thread; it sends only if ``confirm`` is the number of messages
        the plan has (the officer typed it), else it is a dry run."""
        letter = check_id(letter, "letter's id")
        path = self.recipients_path(recipients)
        with self.lock:
            running = self.jobs.get(letter)
            if running is not None and running.state in ("preparing", "sending"):
                raise Busy(f"a send of {letter} is running already")
            if self.making(letter):
                raise Busy(f"the letters of {letter} are being made: wait for them")
            job = self.jobs[letter] = Job(letter, recipients, user)
        thread = threading.Thread(
            target=self.run, args=(job, path, confirm, password, resend_unknown), daemon=True
        )
        thread.start()
        return job

    def run(
        self, job: Job, path: Path, confirm: int, password: str | None, resend_unknown: bool
    ) -> None:
        def confirmed(plan: Plan) -> bool:
            job.total = len(plan.to_send)
            if job.total != confirm:
                job.message = f"not sent: {confirm} was typed, but {job.total} messages are to send"
                return False
            job.state = "sending"
            with self.lock:  # the dry run is done with: a new one comes before the next send
                self.plans.pop(job.letter, None)
            return not job.stop.is_set()

        ask = (lambda _text: password) if password else None
        try:
            delivery = deliver(
                self.root,
                job.letter,
                path,
                Consent.ASK,
                on_event=job.event,
                confirm=confirmed,
                environ=os.environ,
                ask_secret=ask,
                options=Options(resend_unknown=resend_unknown),
            )
            self.finished(job, delivery)
        except Stopped:
            job.state, job.message = "stopped", "stopped: run the send again to continue"
        except BriefpressError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception as exc:  # a send must never die silently
            job.state, job.message = "failed", f"the send stopped: {exc}"

    def finished(self, job: Job, delivery: Delivery) -> None:
        report = delivery.report
        if report is None:
            job.state = "not sent"
            job.message = job.message or "nothing to send"
            return
        job.state = "done" if report.stop is None else "stopped"
        job.message = f"sent {report.sent}, failed {report.failed}, unknown {report.unknown}"
        if report.stopped:
            job.message += f"; stopped: {report.stopped}"

    def job(self, letter: str) -> Job | None:
        with self.lock:
            return self.jobs.get(letter)

    def stop(self, letter: str) -> bool:
        job = self.job(letter)
        if job is None or job.state not in ("preparing", "sending"):
            return False
        job.stop.set()
        return True

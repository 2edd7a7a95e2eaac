"""``briefpress send``: deliver every recipient their letter, once, resumably, within limits.

A send has two phases. First, always, the drafts (:mod:`briefpress.channels.drafts`):
that is all a dry run does. Then, with consent (:mod:`briefpress.channels.consent`), the
sending: each draft, in row order, is handed to the channel's transport exactly as
written, one at a time (a mailing of 10,000 holds one message in memory, not 10,000).

The send log (:mod:`briefpress.channels.log`) records each recipient's state before
each step, so the process may be stopped at any moment, by Ctrl-C or a crash, and run
again: it sends only to those not yet sent, and never again to one whose message may
have arrived. Nothing here prints: callers (the command line, the studio) get a
:class:`Plan`, typed events (:mod:`briefpress.channels.events`) and a :class:`Report`.
"""

from __future__ import annotations

import contextlib
import heapq
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from briefpress import channels
from briefpress.channels.base import Ask, Attempt, Outcome, Transport, Undeliverable
from briefpress.channels.consent import Consent, require
from briefpress.channels.drafts import (
    Drafting,
    Item,
    Options,
    Plan,
    Timing,
    current_letters,
    load_send,
    mail_folder,
)
from briefpress.channels.events import EventKind, OnEvent, SendEvent, StopReason
from briefpress.channels.limits import DAY, Limiter
from briefpress.channels.log import LOG_FILE, Entry, open_log
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.data.load import CONFIG_FILE, Project


@dataclass
class Report:
    """What one run sent, and why it stopped if it did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    unknown: int = 0
    stopped: str | None = None  # why, in words
    stop: StopReason | None = None
    resume_at: float | None = None
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """Whether the run did its job: every message taken, or stopped only at a limit
        (the next run goes on from there)."""
        failed = self.failed or self.deferred or self.unknown
        return not failed and self.stop in (None, StopReason.LIMIT)

    def stopped_by(self, reason: StopReason, words: str) -> None:
        self.stop, self.stopped = reason, words


# What the log records for each outcome, and the event that says so.
SETTLED = {
    Outcome.SENT: ("sent", EventKind.SENT),
    Outcome.PERMANENT: ("failed", EventKind.FAILED),
    Outcome.UNKNOWN: ("unknown", EventKind.UNKNOWN),
}


class Send(Drafting):
    """One run of ``briefpress send``: the drafts (:class:`Drafting`), then the sending."""

    def send(
        self,
        plan: Plan,
        password: str | None,
        on_event: OnEvent,
        consent: Consent,
        transport: Transport | None = None,
    ) -> Report:
        """Hand every planned message over, within the limits; stop cleanly at the day's
        cap or when the other side cannot be reached. ``transport``: the channel's own
        when None (tests and other channels give theirs)."""
        require(consent)
        clock = self.timing.clock
        report = Report()
        began = clock()
        limiter = Limiter(self.settings.limits, self.log.started_since(began - DAY))
        link = transport or self.channel.transport(self.settings, password)
        try:
            self._loop(plan, link, limiter, report, on_event)
        except Undeliverable as exc:
            where = Location(CONFIG_FILE)
            raise BriefpressError([Problem(where, str(exc), exc.hint)]) from None
        except BaseException:
            link.drop()  # stopped (Ctrl-C, SIGTERM): no goodbye to a slow server
            raise
        finally:
            link.close()
            report.seconds = clock() - began
            self.write_failed()
        return report

    def _loop(
        self,
        plan: Plan,
        link: Transport,
        limiter: Limiter,
        report: Report,
        on_event: OnEvent,
    ) -> None:
        clock, sleep = self.timing.clock, self.timing.sleep
        queue = Queue(plan.to_send)
        broken = 0  # connection failures in a row
        where, sender = self.settings.destination, self.settings.identity
        while (item := queue.next(clock, sleep)) is not None:
            wait = limiter.wait(clock(), len(item.addresses))
            if wait.stop:
                report.stopped_by(StopReason.LIMIT, f"reached {wait.reason}")
                report.resume_at = wait.until
                return
            if wait.seconds > 0:
                on_event(SendEvent(EventKind.WAIT, item, f"{wait.seconds:.0f} s"))
                sleep(wait.seconds)
            attempt = self._attempt(link, item, limiter)
            if attempt.reconnect:
                link.drop()
            if attempt.no_answer:  # nothing was handed over: try the same one again
                broken += 1
                if broken > self.settings.retries:
                    words = f"cannot reach {where}: {attempt.answer}"
                    report.stopped_by(StopReason.UNREACHABLE, words)
                    return
                on_event(SendEvent(EventKind.RECONNECT, item, attempt.answer))
                sleep(self._delay(broken))
                queue.again(item)
                continue
            broken = 0
            if attempt.sender_refused:  # about the sender, not this recipient: stop
                self.log.mark(item.key, "pending", clock(), attempt.answer)
                words = f"{where} refuses {sender}: {attempt.answer}"
                report.stopped_by(StopReason.SENDER_REFUSED, words)
                return
            self._settle(item, attempt, queue, report, on_event)

    def _delay(self, attempts: int) -> float:
        return float(self.settings.retry_delay * 2 ** max(0, attempts - 1))

    def _attempt(self, link: Transport, item: Item, limiter: Limiter) -> Attempt:
        prepared = item.draft.read_bytes()

        def handover() -> None:
            now = self.timing.clock()
            self.log.mark(item.key, "sending", now)
            limiter.record(now, len(item.addresses))

        return link.deliver(item.addresses, prepared, handover)

    def _settle(
        self, item: Item, attempt: Attempt, queue: Queue, report: Report, on_event: OnEvent
    ) -> None:
        """Record what the other side said about one message."""
        now = self.timing.clock()
        if attempt.outcome in SETTLED:
            state, kind = SETTLED[attempt.outcome]
            self.log.mark(item.key, state, now, attempt.answer)
            setattr(report, kind.value, getattr(report, kind.value) + 1)
            on_event(SendEvent(kind, item, attempt.answer))
            return
        # Temporary: the other side did not take it, so it may be offered again.
        self.log.mark(item.key, "pending", now, attempt.answer)
        item.attempts += 1
        if item.attempts <= self.settings.retries:
            queue.retry(item, now + self._delay(item.attempts))
            on_event(SendEvent(EventKind.RETRY, item, attempt.answer))
        else:
            report.deferred += 1
            on_event(SendEvent(EventKind.DEFERRED, item, attempt.answer))


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


# --- the Python API: what the command line and the studio call ---------------------------

DEFAULT_OPTIONS = Options()
REAL_TIME = Timing()


@contextlib.contextmanager
def prepare(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    options: Options = DEFAULT_OPTIONS,
    timing: Timing = REAL_TIME,
    sending: bool = True,
) -> Iterator[tuple[Send, Plan]]:
    """Check everything, make the letters if they are not current, write the drafts and
    the plan; yield the run, ready to send, with its log locked. ``sending``: check the
    settings a real send needs too (a dry run needs fewer)."""
    channel = channels.get(options.channel)
    project, letter, recipients, settings = load_send(
        root, letter_id, recipients_file, options.strict, sending, channel
    )
    files, reason = current_letters(project, letter, recipients_file, recipients, options)
    folder = mail_folder(project, letter_id)
    with open_log(folder, lock=True, display=project.display(folder / LOG_FILE)) as log:
        run = Send(channel, project, letter, recipients, settings, log, timing)
        plan = run.draft_all(files, options)
        plan.letters_made = reason
        yield run, plan


@dataclass
class Delivery:
    """What :func:`deliver` did: the plan always, the report when it sent."""

    plan: Plan
    report: Report | None  # None: nothing was sent (a dry run, or no yes, or nothing to)
    consent: Consent


def deliver(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    given: Consent,
    *,
    options: Options = DEFAULT_OPTIONS,
    on_event: OnEvent = lambda event: None,
    confirm: Callable[[Plan], bool] | None = None,
    environ: Mapping[str, str] = os.environ,
    ask_secret: Ask | None = None,
    transport: Transport | None = None,
    timing: Timing = REAL_TIME,
) -> Delivery:
    """A whole send, as one call: the drafts, then, with consent, the sending.

    ``given`` comes from :func:`briefpress.channels.consent.consent`; with ``ASK``,
    ``confirm`` is shown the plan and says yes or no (no ``confirm``: a dry run).
    ``ask_secret`` asks for a password when the environment has none. Nothing printed:
    the caller shows the plan, the events and the report as it likes.
    """
    sending = given is not Consent.DRY_RUN
    with prepare(root, letter_id, recipients_file, options, timing, sending) as (run, plan):
        if not plan.to_send or not sending:
            return Delivery(plan, None, Consent.DRY_RUN if not sending else given)
        answer = given
        if given is Consent.ASK:
            answer = Consent.GIVEN if confirm is not None and confirm(plan) else Consent.DRY_RUN
        if answer is not Consent.GIVEN:
            return Delivery(plan, None, answer)
        password = run.channel.credentials(run.settings, environ, ask_secret)
        return Delivery(plan, run.send(plan, password, on_event, answer, transport), answer)


def status(root: Path, letter_id: str) -> tuple[dict[str, int], list[Entry]]:
    """The log's counts by state, and the entries that need a person's attention."""
    project = Project(root=root)
    folder = mail_folder(project, letter_id)
    if not (folder / LOG_FILE).exists():
        where = Location(project.display(folder))
        raise BriefpressError([Problem(where, f"no send log for {letter_id!r} yet")])
    with open_log(folder, display=project.display(folder / LOG_FILE)) as log:
        entries = [e for e in log.entries() if e.state in ("failed", "unknown", "sending")]
        entries += [e for e in log.entries() if e.state == "pending" and e.answer]
        return log.counts(), sorted(entries, key=lambda e: e.row)

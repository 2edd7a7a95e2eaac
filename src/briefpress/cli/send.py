"""``briefpress send``: the plan, the question, progress and the summary on the terminal.

Sending needs a yes: on a terminal briefpress asks, in a script ``--yes`` says it.
Without either, a send is a dry run, so that a first look never mails anyone. The rule
itself is the channels' (:mod:`briefpress.channels.consent`); this module only asks the
question and prints.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Self

import click

from briefpress import channels
from briefpress.build.builder import default_jobs
from briefpress.channels.consent import Consent, answered, consent
from briefpress.channels.drafts import FAILED_FILE, PLAN_FILE, Options, Plan
from briefpress.channels.events import EventKind, SendEvent
from briefpress.channels.send import Report, Send, prepare, status
from briefpress.cli.app import Context, cli, complete_brief_ids, letter_options
from briefpress.cli.progress import Bar


@cli.command("send")
@click.argument("letter_id", metavar="ID", shell_complete=complete_brief_ids)
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV or YAML as for letters, with an email column (and optionally cc).",
)
@click.option("--dry-run", is_flag=True, help="Write the drafts and the plan; send nothing.")
@click.option("--yes", is_flag=True, help="Send without asking (for scripts).")
@click.option("--status", "show_status", is_flag=True, help="Show the send log and stop.")
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Send again to those whose earlier message may or may not have arrived.",
)
@click.option(
    "--channel",
    type=click.Choice(channels.names()),
    default=channels.DEFAULT,
    show_default=True,
    help="How the letters are delivered.",
)
@letter_options("The edition of the letters attached.")
@click.option("--json", "as_json", is_flag=True, help="With --status: print it as JSON.")
@click.pass_obj
def send_cmd(
    obj: Context,
    letter_id: str,
    recipients_file: Path | None,
    dry_run: bool,
    yes: bool,
    show_status: bool,
    resend_unknown: bool,
    channel: str,
    edition: str,
    strict: bool,
    jobs: int | None,
    as_json: bool,
) -> None:
    """E-mail every recipient their letter, once; run again to continue after a stop."""
    if show_status:
        show_send_status(obj.project, letter_id, as_json)
        return
    if as_json:
        raise click.UsageError("--json goes with --status")
    if recipients_file is None:
        raise click.UsageError("--recipients FILE is needed (or --status)")
    options = Options(channel, edition, strict, jobs or default_jobs(), resend_unknown)
    recipients = obj.project / recipients_file  # relative paths: to the project, as with -C
    run_send(obj.project, letter_id, recipients, options, dry_run=dry_run, yes=yes)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def describe_plan(root: Path, plan: Plan, run: Send) -> None:
    """What the drafts phase found: what will be sent, and what will not, and why."""
    for problem in plan.warnings:
        click.echo(str(problem), err=True)
    if plan.letters_made:
        click.echo(f"made the letters again: {plan.letters_made}")
    folder = _shown(root, plan.folder)
    click.echo(
        f"drafts: {folder}/drafts/ ({_plural(len(plan.to_send), 'message')} to send), "
        f"plan: {folder}/{PLAN_FILE}"
    )
    if plan.already_sent:
        click.echo(f"already sent: {_plural(plan.already_sent, 'recipient')} (not sent again)")
    if plan.earlier_version:
        click.echo(
            f"note: {_plural(plan.earlier_version, 'recipient')} got an earlier version of "
            "this letter, before it changed; the rest will get the current one",
            err=True,
        )
    if plan.unknown:
        click.echo(
            f"unknown: {_plural(len(plan.unknown), 'message')} may or may not have arrived "
            "(the send stopped while handing them over); not sent again. Ask the recipients "
            "or the server's log, then use --resend-unknown for those that did not arrive:",
            err=True,
        )
        for entry in plan.unknown:
            click.echo(f"  row {entry.row}: {entry.name} <{entry.email}>", err=True)
    if plan.to_send and run.settings.destination:
        click.echo(run.channel.describe(run.settings))


def run_send(
    root: Path, letter_id: str, recipients_file: Path, options: Options, *, dry_run: bool, yes: bool
) -> None:
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    given = consent(dry_run, yes, interactive)
    sending = given is not Consent.DRY_RUN
    with prepare(root, letter_id, recipients_file, options, sending=sending) as (run, plan):
        describe_plan(root, plan, run)
        if not plan.to_send:
            click.echo("nothing to send.")
            return
        if dry_run:
            click.echo("dry run: nothing sent.")
            return
        if not sending:
            click.echo("not sent: add --yes to send from a script (this was a dry run).")
            return
        question = f"Send {_plural(len(plan.to_send), 'message')} now?"
        given = answered(given, lambda: click.confirm(question, default=False))
        if given is not Consent.GIVEN:
            click.echo("nothing sent.")
            return
        ask = (lambda text: click.prompt(text, hide_input=True)) if interactive else None
        password = run.channel.credentials(run.settings, os.environ, ask)
        try:
            with SendProgress(interactive, len(plan.to_send)) as progress:
                report = run.send(plan, password, progress.event, given)
        except KeyboardInterrupt:
            counts = run.log.counts()
            click.echo(
                f"stopped: {counts['sent']} sent so far, {counts['pending']} still to send; "
                "run the same command again to continue.",
                err=True,
            )
            raise
        summarise(root, run, report)
        if not report.complete:
            sys.exit(1)


class SendProgress(Bar):
    """A bar on a terminal; a line per message otherwise (for a script's log)."""

    def __init__(self, enabled: bool, total: int) -> None:
        super().__init__("sending", eta=True)
        self.enabled = enabled
        self.total = total

    def __enter__(self) -> Self:
        if self.enabled:
            self.show(self.total)
        return self

    def event(self, event: SendEvent) -> None:
        item, answer, kind = event.item, event.answer, event.kind
        who = f"row {item.row}: {item.name} <{item.addresses[0]}>"
        if kind is EventKind.SENT:
            if self.shown:
                self.step()
            else:
                self.echo(f"sent    {who}")
        elif kind.settles:
            self.step()
            self.echo(f"{kind.value:<8}{who}: {answer}")
        elif kind is EventKind.RETRY:
            self.echo(f"retry   {who}: {answer}")
        elif kind is EventKind.RECONNECT:
            self.echo(f"reconnecting: {answer}")
        elif kind is EventKind.WAIT:
            self.echo(f"waiting {answer}: the per-minute limit")


def summarise(root: Path, run: Send, report: Report) -> None:
    """The run in one line, then what needs a person: who failed, where to look."""
    rate = report.sent / report.seconds if report.seconds > 0 else 0.0
    pace = f"{rate:.1f} a second" if rate >= 1 or rate == 0 else f"{rate * 60:.1f} a minute"
    parts = [f"sent {_plural(report.sent, 'message')}"]
    parts += [f"{n} {what}" for n, what in ((report.failed, "failed"),) if n]
    parts += [f"{n} deferred" for n in (report.deferred,) if n]
    parts += [f"{n} unknown" for n in (report.unknown,) if n]
    click.echo(", ".join(parts) + f" in {report.seconds:.1f} s ({pace}).")
    counts = run.log.counts()
    if report.stopped:
        resume = ""
        if report.resume_at:
            when = dt.datetime.fromtimestamp(report.resume_at).strftime("%Y-%m-%d %H:%M")
            resume = f"; the next can go at {when}"
        click.echo(
            f"stopped: {report.stopped}. {_plural(counts['pending'], 'message')} still to "
            f"send{resume}: run the same command again to continue.",
            err=True,
        )
    if (run.folder / FAILED_FILE).exists():
        click.echo(
            f"not delivered: see {_shown(root, run.folder / FAILED_FILE)} "
            "(fix the rows and run again: only those not sent are sent)",
            err=True,
        )


def show_send_status(root: Path, letter_id: str, as_json: bool = False) -> None:
    """``--status``: the log's counts, and each recipient who needs attention."""
    counts, entries = status(root, letter_id)
    if as_json:
        from briefpress.cli.jsonout import emit, status_json

        emit(status_json(letter_id, counts, entries))
        return
    click.echo(", ".join(f"{state}: {n}" for state, n in counts.items()))
    for e in entries:
        state = "deferred" if e.state == "pending" else e.state
        click.echo(f"{state:<8} row {e.row}: {e.name} <{e.email}>: {e.answer or ''}")

"""The ``briefpress`` command group, its shared options and the one place errors reach users.

User mistakes print as ``file:line:column: error: message`` lines; tracebacks appear only
with ``--debug``. Each command lives in its own module of this package and stays thin: it
parses options, calls a capability, and prints.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from click.shell_completion import CompletionItem

from briefpress import __version__, editions
from briefpress.core.errors import BriefpressError, Problem
from briefpress.core.signals import interrupt_on_signals
from briefpress.data.load import find_root

F = TypeVar("F", bound=Callable[..., Any])

STOPPED = "Stopped: files finished before the stop are kept, none is left half-written."


class Context:
    """What every command gets: the project (found upward from ``start``, as git finds
    its repository), where the search started (``init`` writes there, never into a
    project above), ``--debug``, and the verbosity: -1 with ``-q``, 1 with ``-v``."""

    def __init__(
        self, debug: bool, project: Path, start: Path | None = None, verbosity: int = 0
    ) -> None:
        self.debug = debug
        self.project = project
        self.start = start or project
        self.verbosity = verbosity

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    @property
    def verbose(self) -> bool:
        return self.verbosity > 0

    def say(self, text: str) -> None:
        """A line that tells what was done: left out under ``-q``."""
        if not self.quiet:
            click.echo(text)


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.is_error)
    click.echo(f"{errors or len(problems)} problem(s) found.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    help="Where to look for the project: this folder or the nearest one above it with a "
    "briefpress.yaml (default: the current folder).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings, errors and results.")
@click.option("-v", "--verbose", is_flag=True, help="Print more: every warning of every brief.")
@click.version_option(
    __version__, "-V", "--version", prog_name="briefpress", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, project: Path, quiet: bool, verbose: bool) -> None:
    """Turn report data into print-ready PDF briefs."""
    start = project.resolve()
    ctx.obj = Context(debug, find_root(start) or start, start, int(verbose) - int(quiet))


def complete_brief_ids(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Brief ids for the shell to complete: the names in briefs/ of the project that
    ``-C`` (or the current folder) leads to. Reads the folder only, so it is instant."""
    start = ctx.find_root().params.get("project") or Path(".")
    root = find_root(Path(start).resolve())
    if root is None:
        return []
    try:
        names = sorted(path.stem for path in (root / "briefs").glob("*.yaml"))
    except OSError:
        return []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def letter_options(edition_help: str) -> Callable[[F], F]:
    """``--edition``, ``--strict`` and ``--jobs`` as ``letters`` and ``send`` take them: one
    definition, so that the two commands cannot drift apart in what they accept."""

    def decorate(command: F) -> F:  # bottom up, as stacked decorators apply
        jobs = click.option(
            "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes."
        )
        strict = click.option(
            "--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors."
        )
        pdfs = [e.name for e in editions.pdf_editions()]
        edition = click.option(
            "--edition",
            type=click.Choice(pdfs),
            default=editions.default().name,
            show_default=True,
            help=edition_help,
        )
        return edition(strict(jobs(command)))

    return decorate


def main(argv: list[str] | None = None) -> None:
    """Entry point: clean messages for every user mistake, tracebacks only with --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        with interrupt_on_signals():  # SIGTERM and SIGHUP stop a command as Ctrl-C does
            cli.main(args=args, prog_name="briefpress", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo(STOPPED, err=True)
        sys.exit(130)
    except BriefpressError as exc:
        if debug:
            raise
        if "--json" in args:  # a script asked for JSON: the problems come as JSON too
            from briefpress.cli.jsonout import emit, problems_json

            emit({"ok": False, "problems": problems_json(exc.problems)})
        fail(exc.problems)
    except Exception as exc:
        if debug:
            raise
        click.echo(f"briefpress: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("Run again with --debug for the traceback, and report it.", err=True)
        sys.exit(2)

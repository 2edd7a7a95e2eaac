"""What a watcher prints, and ``build --watch``: the live builder and its loop driven
from a terminal (the preview server drives the same loop from its pages)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from briefpress.build.results import BriefResult
from briefpress.core.errors import Problem, grouped_warnings
from briefpress.core.signals import request_stop
from briefpress.live.watch import Affected, Hooks, LiveBuilder, Rebuild, run_live


class Terminal:
    """What a watcher prints: one line per brief made or failed, problems as file:line."""

    def __init__(self, root: Path, strict: bool, echo: Callable[..., None] | None = None) -> None:
        import click

        self.root = root.resolve()
        self.strict = strict
        self.echo = echo or click.echo
        self.warnings: list[tuple[str, Problem]] = []  # this rebuild's, shown once at its end

    def stamp(self) -> str:
        return dt.datetime.now().strftime("%H:%M:%S")

    def hooks(self, since: float | None) -> Hooks:
        return Hooks(self.rebuild, self.result, since=since, on_notice=self.notice)

    def notice(self, text: str) -> None:
        self.echo(f"{self.stamp()} {text}", err=True)

    def result(self, result: BriefResult) -> None:
        """Each PDF as it is made (briefs found up to date are only counted, at the end)."""
        if result.fresh:
            return
        output = result.output
        shown = output.relative_to(self.root) if output.is_relative_to(self.root) else output
        if result.failed(self.strict):
            self.echo(f"{self.stamp()} FAILED {result.brief.id} ({result.edition})", err=True)
        else:
            plural = "s" if result.pages != 1 else ""
            self.echo(f"{self.stamp()} built  {shown} ({result.pages} page{plural})")
        for problem in result.problems:
            if problem.is_error or self.strict:
                self.echo(f"  {problem}", err=True)
            else:
                self.warnings.append((result.brief.id, problem))

    def rebuild(self, outcome: Rebuild) -> None:
        """Briefs whose input is wrong, then a one-line summary."""
        shared = {str(p) for p in outcome.shared}
        stopping = [p for p in outcome.shared if p.is_error or self.strict]
        if stopping:
            self.echo(f"{self.stamp()} problems that stop every brief using these files:", err=True)
        for problem in stopping:
            self.echo(f"  {problem}", err=True)
        for card in outcome.blocked:
            self.echo(f"{self.stamp()} FAILED {card.id} (not built)", err=True)
            for problem in card.problems:
                if str(problem) not in shared:
                    self.echo(f"  {problem}", err=True)
        for line in grouped_warnings(self.warnings):
            self.echo(line, err=True)
        self.warnings.clear()
        failed = len(outcome.blocked) + sum(1 for r in outcome.results if r.failed(self.strict))
        fresh = sum(1 for r in outcome.results if r.fresh)
        built = len(outcome.results) - fresh - (failed - len(outcome.blocked))
        if not outcome.results and not outcome.blocked:
            self.echo(f"{self.stamp()} no brief affected")
            return
        summary = f"{built} built, {failed} failed, {fresh} up to date"
        self.echo(f"{self.stamp()} {summary} ({outcome.seconds:.1f} s)")


def first_build(builder: LiveBuilder, terminal: Terminal, jobs: int, force: bool) -> float:
    """Build everything once (in parallel), then warm up; returns when it started."""
    started = time.time()
    affected = Affected.all()
    if force:
        affected.forced = set(builder.brief_ids())
    terminal.rebuild(builder.rebuild(affected, jobs=jobs, on_result=terminal.result))
    if builder.stopped:
        raise KeyboardInterrupt
    builder.warm()
    return started


def watch_build(
    root: Path,
    only: list[str] | None,
    editions: tuple[str, ...],
    strict: bool,
    write_html: bool,
    jobs: int,
    force: bool = False,
) -> None:
    """``briefpress build --watch``: build, then rebuild on every save until Ctrl-C."""
    import anyio

    builder = LiveBuilder(root, editions, strict, write_html, only)
    terminal = Terminal(root, strict)
    hooks = terminal.hooks(since=first_build(builder, terminal, jobs, force))
    hooks.on_ready = lambda: terminal.echo("Watching for changes; press Ctrl-C to stop.")
    try:
        anyio.run(run_live, builder, hooks)
    except KeyboardInterrupt:
        if finish_rebuild(builder):  # stopped in the middle of a rebuild: exit as a stop
            raise
        terminal.echo("Stopped watching.")


def finish_rebuild(builder: LiveBuilder) -> bool:
    """After a stop signal, end a rebuild still running in its worker thread: its workers
    are stopped and it makes no further brief; True when one was running.

    The thread outlives the event loop that started it, and the stop flag is cleared
    when the command ends, so it is ended here, while the flag still stands."""
    busy = builder.rebuilding.locked()
    request_stop()
    with builder.rebuilding:  # the thread stops at the next brief (or when its pool dies)
        return busy or builder.stopped

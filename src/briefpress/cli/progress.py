"""Build progress on the terminal: a rich bar when several PDFs are made, lines otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import click

from briefpress.build.results import BriefResult


def report_line(result: BriefResult, root: Path, strict: bool) -> str:
    """One line per PDF: built, up to date, or failed."""
    rel = result.output.relative_to(root) if result.output.is_relative_to(root) else result.output
    if result.stopped_by:
        count = len(result.stopped_by)
        told = f"{count} problem{'s' if count != 1 else ''} above"
        return f"FAILED {result.brief.id} ({result.edition}): not built, stopped by {told}"
    if result.failed(strict):
        return f"FAILED {result.brief.id} ({result.edition})"
    if result.fresh:
        return f"fresh  {rel} (up to date)"
    if not result.pages:  # a page of a site, not a paged document
        return f"built  {rel}"
    return f"built  {rel} ({result.pages} page{'s' if result.pages != 1 else ''})"


class Bar:
    """A rich progress bar, or plain lines where none is shown: build and send both report
    this way. While the bar runs, a line goes above it rather than through it."""

    def __init__(self, label: str, eta: bool) -> None:
        self.label = label
        self.eta = eta  # the time still to go, else the time taken so far
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def show(self, total: int) -> None:
        """Start the bar (callers decide whether a terminal wants one)."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn() if self.eta else TimeElapsedColumn(),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=total)

    @property
    def shown(self) -> bool:
        return self.bar is not None

    def step(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def echo(self, line: str, err: bool = False) -> None:
        if self.bar is not None:
            self.bar.console.print(line, highlight=False, markup=False)
        else:
            click.echo(line, err=err)


class Progress(Bar):
    """A bar on a terminal when several PDFs are made; plain lines otherwise."""

    def __init__(self, enabled: bool) -> None:
        super().__init__("building", eta=False)
        self.enabled = enabled

    def start(self, total: int) -> None:
        if self.enabled and total >= 2:
            self.show(total)

    def advance(self, line: str) -> None:
        self.echo(line)
        if not line.startswith("fresh"):
            self.step()

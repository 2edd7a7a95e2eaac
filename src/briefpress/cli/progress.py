"""Build progress on the terminal: a rich bar when several PDFs are made, lines otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefpress.build.results import BriefResult


def report_line(result: BriefResult, root: Path, strict: bool) -> str:
    """One line per PDF: built, up to date, or failed."""
    rel = result.output.relative_to(root) if result.output.is_relative_to(root) else result.output
    if result.failed(strict):
        return f"FAILED {result.brief.id} ({result.edition})"
    if result.fresh:
        return f"fresh  {rel} (up to date)"
    return f"built  {rel} ({result.pages} page{'s' if result.pages != 1 else ''})"


class Progress:
    """A rich progress bar on a terminal when several PDFs are made; plain lines otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, total: int) -> None:
        if not self.enabled or total < 2:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("build", total=total)

    def echo(self, line: str, err: bool = False) -> None:
        if self.bar is not None:
            self.bar.console.print(line, highlight=False, markup=False)
        else:
            click.echo(line, err=err)

    def advance(self, line: str) -> None:
        self.echo(line)
        if self.bar is not None and not line.startswith("fresh"):
            self.bar.advance(self.task)

"""``--json``: what ``check``, ``build``, ``letters`` and ``send --status`` print for scripts.

One object on standard output, its keys documented in docs/cli-json.md and kept stable:
``schema`` (raised only when a key changes meaning or goes), ``ok``, ``problems`` (each
with file, line, column, severity, message, hint) and, for commands that write files,
``outputs`` (each with path, pages, edition, state). Progress and human lines are left
out, so standard output parses as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefpress.core.errors import Problem

if TYPE_CHECKING:
    from briefpress.channels.log import Entry
    from briefpress.mail.letters import Mailing

SCHEMA = 1


def problem_json(problem: Problem, brief: str | None = None) -> dict[str, Any]:
    """A problem as the schema has it; ``brief`` names the brief it came from, if any."""
    found: dict[str, Any] = {
        "file": problem.location.file,
        "line": problem.location.line,
        "column": problem.location.column,
        "severity": problem.severity,
        "message": problem.message,
        "hint": problem.hint,
    }
    if brief is not None:
        found["brief"] = brief
    return found


def problems_json(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [problem_json(problem) for problem in problems]


def output_json(path: Path, root: Path, pages: int, edition: str, state: str) -> dict[str, Any]:
    """A file a command wrote (or found up to date): its path relative to the project,
    with forward slashes on every system."""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    return {"path": shown.as_posix(), "pages": pages, "edition": edition, "state": state}


def emit(payload: dict[str, Any]) -> None:
    """Print the object, ``schema`` first, as UTF-8 JSON (names in any script as they are)."""
    click.echo(json.dumps({"schema": SCHEMA, **payload}, ensure_ascii=False, indent=2))


def mailing_json(
    mailing: Mailing, root: Path, edition: str, manifest: str, mailing_file: str
) -> dict[str, Any]:
    """``letters --json``: each recipient's PDF (from the manifest, as written) and the
    print file of them all (``mailing``)."""
    outputs = []
    with (mailing.folder / manifest).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            found = output_json(
                mailing.folder / row["file"], root, int(row["pages"]), edition, "built"
            )
            outputs.append({"row": int(row["row"]), **found})
    pages = mailing.mailing_pages
    whole = output_json(mailing.folder / mailing_file, root, pages, edition, "built")
    return {
        "ok": True,
        "outputs": outputs,
        "mailing": whole,
        "problems": problems_json(mailing.problems),
    }


def status_json(letter_id: str, counts: dict[str, int], entries: list[Entry]) -> dict[str, Any]:
    """``send --status --json``: the log's counts, and who needs a person's attention."""
    attention = [
        {
            "row": e.row,
            "name": e.name,
            "email": e.email,
            "state": "deferred" if e.state == "pending" else e.state,
            "answer": e.answer,
        }
        for e in entries
    ]
    return {
        "ok": True,
        "letter": letter_id,
        "counts": counts,
        "attention": attention,
        "problems": [],
    }

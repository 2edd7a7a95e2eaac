"""``--json``: what ``check``, ``build``, ``letters`` and ``send --status`` print for scripts.

One object on standard output, its keys documented in docs/cli-json.md and kept stable:
``schema`` (raised only when a key changes meaning or goes), ``ok``, ``problems`` (each
with file, line, column, severity, message, hint) and, for commands that write files,
``outputs`` (each with path, pages, edition, state). Progress and human lines are left
out, so standard output parses as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from briefpress.core.errors import Problem

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

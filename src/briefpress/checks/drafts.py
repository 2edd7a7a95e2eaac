"""Fields still to be written: the ``# TO WRITE`` lines of an imported draft.

``briefpress import`` leaves every field it cannot fill for a person, marked
on its line with a comment that starts with the marker (``TO_WRITE``).  The
marker is in the comment, not only in the value, because some such fields
are numbers or lists: the comment is the one place every kind can carry it.
``briefpress check`` lists each line as a warning, so that ``--strict`` (and
a strict build) refuses a draft until a person has written it.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefpress.core.errors import Location, Problem
from briefpress.data.load import Project
from briefpress.data.model import TO_WRITE

_MARKED = re.compile(rf"(?:^|\s)#\s*{re.escape(TO_WRITE)}:\s*(.*)$")


def marked_lines(path: Path, display: str) -> list[Problem]:
    """A warning for each line of ``path`` that carries the marker comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # loading has reported it already
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _MARKED.search(line)
        if match is None:
            continue
        field = line.split(":", 1)[0].strip(" -") if ":" in line else ""
        what = match.group(1).strip() or "a field for a person"
        problems.append(
            Problem(
                Location(display, number, line.find(field) + 1 if field else 1),
                f"to be written: {field or 'this'} ({what})",
                severity="warning",
            )
        )
    return problems


def check_drafts(project: Project) -> list[Problem]:
    """Every marked line in every report's YAML files."""
    problems: list[Problem] = []
    for report_id in project.reports:
        folder = project.reports_dir / report_id
        for path in sorted(folder.glob("*.yaml")):
            problems.extend(marked_lines(path, project.display(path)))
    return problems

"""Problems found in user input, reported together with their place in a file.

Every stage collects :class:`Problem` objects instead of raising at the first
mistake, so that a user who edits YAML by hand sees all of them in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering


@total_ordering
@dataclass(frozen=True)
class Location:
    """A place in a file; line and column are 1-based, as editors show them.

    Locations sort by file, then line, then column; a place without a line (the file as a
    whole) sorts after the lines of its file, so problems of one file stay together and
    any mix of located and unlocated problems can be sorted.
    """

    file: str
    line: int | None = None
    column: int | None = None

    @property
    def sort_key(self) -> tuple[str, bool, int, bool, int]:
        """The order problems are shown in: None never compared with a number."""
        return (
            self.file,
            self.line is None,
            self.line or 0,
            self.column is None,
            self.column or 0,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@total_ordering
@dataclass(frozen=True)
class Problem:
    """One mistake in the input, with where it is and, if we can, how to fix it.

    Problems sort by place, then by their words: any list of them can be sorted.
    """

    location: Location
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def sort_key(self) -> tuple[tuple[str, bool, int, bool, int], str, str, str]:
        return (self.location.sort_key, self.message, self.hint or "", self.severity)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self.sort_key < other.sort_key


class BriefpressError(Exception):
    """A user-facing failure: the CLI prints it as clean lines, never a traceback."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Location("briefpress"), problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that must stop a build (warnings only do under --strict)."""
    return [p for p in problems if p.is_error]


def raise_if_errors(problems: Iterable[Problem], strict: bool = False) -> None:
    """Stop with every collected problem at once, rather than the first one."""
    problems = list(problems)
    failing = problems if strict else errors_only(problems)
    if failing:
        raise BriefpressError(sorted(failing, key=lambda p: p.location))


def grouped_warnings(found: Iterable[tuple[str, Problem]], shown: int = 3) -> list[str]:
    """One line per distinct warning of a build, with the number of briefs it concerns.

    ``found`` pairs each problem with the id of the brief it came from. A warning about
    something the briefs share (a stylesheet, a font, a missing system library) comes
    back from every brief and every edition; printed each time, a build of 25 briefs
    shows the same sentence 50 times and buries the line that differs. A warning keeps
    its place when it was seen at one only; otherwise the line names the first briefs.
    Errors are left out: a failed brief reports its own, next to its name.
    """
    groups: dict[tuple[str, str | None], tuple[set[Location], list[str]]] = {}
    for brief_id, problem in found:
        if problem.is_error:
            continue
        places, briefs = groups.setdefault((problem.message, problem.hint), (set(), []))
        places.add(problem.location)
        if brief_id not in briefs:
            briefs.append(brief_id)
    lines = []
    for (message, hint), (places, briefs) in groups.items():
        where = next(iter(places)) if len(places) == 1 else Location("briefpress")
        line = str(Problem(where, message, hint, severity="warning"))
        if len(briefs) > 1:
            names = ", ".join(briefs[:shown])
            more = f" and {len(briefs) - shown} more" if len(briefs) > shown else ""
            line += f" [{len(briefs)} briefs: {names}{more}]"
        lines.append(line)
    return lines

"""Which briefs a problem in a report's data stops, so that the others still build.

A mistake in one quote (an unknown theme, a place that is not its organisation's)
concerns the briefs that show that quote, not every brief of the report. A problem is
placed in the record it falls in (the record of its file whose first line is the last
one at or before the problem's line); it stops a brief when that record is a quote,
finding or recommendation the brief shows (its sections' choice, and the quotes its
findings cite). Anything else in the report's data (a place, a theme, an
organisation, the report itself, a file that does not load) may reach any of its
briefs and stops them all, and a problem of the project's own files stops every brief.
"""

from __future__ import annotations

from typing import Any

from briefpress.core.errors import Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec, ReportData
from briefpress.data.select import resolve_sections, select

__all__ = ["record_at", "shown", "stopping"]

SHOWN = ("quotes", "findings", "recommendations")


def record_at(data: ReportData, problem: Problem) -> tuple[str, str] | None:
    """The (collection, id) of the shown record a problem falls in, if it falls in one."""
    file, line = problem.location.file, problem.location.line
    if line is None:
        return None
    best: tuple[int, str, str] | None = None
    for collection in SHOWN:
        for record_id, record in data.collection(collection).items():
            loc = record.loc
            start = loc.line
            later = start is not None and start <= line and (best is None or start > best[0])
            if loc.file == file and later and start is not None:
                best = (start, collection, str(record_id))
    return (best[1], best[2]) if best else None


def shown(data: ReportData, brief: BriefSpec) -> dict[str, set[str]]:
    """The ids of the records a brief shows, by collection."""
    found: dict[str, set[str]] = {name: set() for name in SHOWN}
    for section in resolve_sections(brief, data.report):
        if section.from_ in SHOWN:
            chosen: list[Any] = select(data.collection(section.from_), section)
            found[section.from_] |= {str(r.id) for r in chosen}
    for finding_id in found["findings"]:
        finding = data.findings.get(finding_id)
        if finding is not None:
            found["quotes"] |= set(finding.quotes)
    return found


def stopping(project: Project, brief: BriefSpec, problems: list[Problem]) -> list[Problem]:
    """Those of ``problems`` (none in the brief's own file) that keep ``brief`` from
    building."""
    data = project.reports.get(brief.report)
    ids: dict[str, set[str]] | None = None
    found = []
    for problem in problems:
        file = problem.location.file
        if not file.startswith("reports/"):
            found.append(problem)
            continue
        if not file.startswith(f"reports/{brief.report}/"):
            continue
        where = record_at(data, problem) if data is not None else None
        if where is None or data is None:
            found.append(problem)
            continue
        ids = ids if ids is not None else shown(data, brief)
        if where[1] in ids[where[0]]:
            found.append(problem)
    return found

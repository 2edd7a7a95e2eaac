"""Which briefs a problem in a report's data stops, so that the others still build.

A mistake in one quote (an unknown theme, a place that is not its organisation's)
concerns the briefs that show that quote, not every brief of the report. A problem is
placed in the record it falls in (the record of its file whose first line is the last
one at or before the problem's line); it stops a brief when that record is a quote,
finding or recommendation the brief shows (its sections' choice, and the quotes its
findings cite). Anything else in the report's data (a place, a theme, an
organisation, the report itself, a file that does not load) may reach any of its
briefs and stops them all, and a problem of the project's own files stops every brief.
A problem in a brief's own spec stops that brief alone (``blocked``); ``everywhere``
picks those no brief can build past, so that ``build`` stops before rendering anything.
"""

from __future__ import annotations

from typing import Any

from briefpress.core.errors import Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec, ReportData
from briefpress.data.select import resolve_sections, select

__all__ = ["blocked", "everywhere", "record_at", "shown", "stopping"]

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


def _owners(project: Project) -> dict[str, str]:
    """Each loaded brief's spec file, and the brief's id."""
    return {brief.file: brief_id for brief_id, brief in project.briefs.items() if brief.file}


def everywhere(project: Project, problems: list[Problem]) -> list[Problem]:
    """Those of ``problems`` that concern every brief: neither in a report's data nor in
    a loaded brief's own spec (briefpress.yaml, a template, a spec that does not load)."""
    owners = _owners(project)
    return [
        p
        for p in problems
        if not p.location.file.startswith("reports/") and p.location.file not in owners
    ]


def blocked(project: Project, problems: list[Problem]) -> dict[str, list[Problem]]:
    """For each brief, those of ``problems`` that keep it from building: those of its own
    spec, and the shared ones that reach it (``stopping``). Only stopped briefs appear."""
    owners = _owners(project)
    shared = [p for p in problems if p.location.file not in owners]
    found: dict[str, list[Problem]] = {}
    for brief_id, brief in project.briefs.items():
        own = [p for p in problems if owners.get(p.location.file) == brief_id]
        stop = own + stopping(project, brief, shared)
        if stop:
            found[brief_id] = stop
    return found

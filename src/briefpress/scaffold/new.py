"""Starter brief specs for ``briefpress new``: valid for the project's own data.

Every placeholder is taken from the project: its report's title, places, themes and
findings, and its brand's name, so a new brief speaks of this report and no other.
"""

from __future__ import annotations

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import name_problem
from briefpress.data import kinds
from briefpress.data.load import ID_RE, Project
from briefpress.data.model import Brand, ReportData

HEADER = "# Brief spec: see README.md for every field. Build with: briefpress build {id}\n"


def check_brief_id(brief_id: str) -> None:
    """A brief id names a file in briefs/: a slug, never a path."""
    bad = not ID_RE.match(brief_id) or brief_id.endswith(".yaml") or ".." in brief_id
    if bad or name_problem(brief_id):  # a device name (con, nul) is no file on Windows
        raise BriefpressError(
            [
                Problem(
                    Location(f"briefs/{brief_id}.yaml"),
                    f"{brief_id!r} is not a brief id",
                    "lower-case letters, digits and hyphens, such as nairobi or theme-access",
                )
            ]
        )


def new_brief_spec(project: Project, kind: str, brief_id: str) -> str:
    """YAML text for a new brief of ``kind`` that builds with the project's first report
    (the starter spec its module in data/kinds/ declares)."""
    check_brief_id(brief_id)
    if not project.reports:
        raise BriefpressError("no report data in reports/: add a report before a brief")
    found = kinds.get(kind)
    if found is None:
        raise BriefpressError(f"unknown kind {kind!r}: one of {', '.join(kinds.names())}")
    report_id, data = next(iter(project.reports.items()))
    lines = [HEADER.format(id=brief_id), f"report: {report_id}", f"kind: {kind}"]
    lines += found.starter(data, signer(project, data))
    lines += ["language: en", "paper: A4", ""]
    return "\n".join(lines)


def signer(project: Project, data: ReportData) -> str:
    """Who signs a sample letter: the brand, or with no brand yet the report's publisher."""
    organisation = project.config.brand.organisation
    if organisation == Brand().organisation:
        organisation = data.report.publisher.name
    return organisation

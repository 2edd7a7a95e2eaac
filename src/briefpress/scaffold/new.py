"""Starter brief specs for ``briefpress new``: valid for the project's own data.

Every placeholder is taken from the project: its report's title, places, themes and
findings, and its brand's name, so a new brief speaks of this report and no other.
"""

from __future__ import annotations

import json

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import name_problem
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


def _q(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def new_brief_spec(project: Project, kind: str, brief_id: str) -> str:
    """YAML text for a new brief of ``kind`` that builds with the project's first report."""
    check_brief_id(brief_id)
    if not project.reports:
        raise BriefpressError("no report data in reports/: add a report before a brief")
    report_id, data = next(iter(project.reports.items()))
    title = data.report.title
    lines = [HEADER.format(id=brief_id), f"report: {report_id}", f"kind: {kind}"]
    place = next(iter(data.countries.values()), None)
    theme = next(iter(data.themes.values()), None)
    if kind == "country" and place:
        lines += [f"title: {_q(f'{place.name}: {title}')}", f"country: {place.id}"]
    elif kind == "theme" and theme:
        lines += [f"title: {_q(theme.name)}", f"theme: {theme.id}"]
    elif kind == "letter":
        lines += _letter(project, data, title)
    elif kind == "handout":
        lines += _handout(data, title)
    else:
        lines += [f"title: {_q(title)}"]
    lines += ["language: en", "paper: A4", ""]
    return "\n".join(lines)


def _handout(data: ReportData, title: str) -> list[str]:
    """A handout whose points are the report's first finding headlines, to edit."""
    headlines = [f.headline for f in list(data.findings.values())[:3]]
    lines = [f"title: {_q(title)}", f"headline: {_q(title)}"]
    if headlines:
        lines += ["points:", *(f"  - {_q(h)}" for h in headlines)]
    first = next(iter(data.recommendations.values()), None)
    ask = first.text if first else "What you ask the reader to do."
    return [*lines, f"ask: {_q(ask)}"]


def _letter(project: Project, data: ReportData, title: str) -> list[str]:
    """A sample letter, signed by the brand (or, with no brand yet, the report's publisher)."""
    organisation = project.config.brand.organisation
    if organisation == Brand().organisation:
        organisation = data.report.publisher.name
    return [
        'title: "Letter to policymakers"',
        "letter:",
        "  sample: true",
        f"  subject: {_q(title)}",
        "  recipient:",
        '    name: "Sample Recipient (fictional)"',
        '    title: "Member of Parliament"',
        '    organisation: "Sample Parliament"',
        '    address: "1 Sample Street\\nSample City"',
        "  signature:",
        '    name: "Your name"',
        '    title: "Your role"',
        f"    organisation: {_q(organisation)}",
        "  body:",
        f"    - {_q(f'We write to share the findings of {title}.')}",
    ]

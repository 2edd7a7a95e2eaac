"""Starter brief specs for ``briefpress new``: valid for the project's own data."""

from __future__ import annotations

from briefpress.core.errors import BriefpressError
from briefpress.data.load import Project

HEADER = "# Brief spec: see README.md for every field. Build with: briefpress build {id}\n"


def new_brief_spec(project: Project, kind: str, brief_id: str) -> str:
    """YAML text for a new brief of ``kind`` that builds with the project's first report."""
    if not project.reports:
        raise BriefpressError("no report data in reports/: add a report before a brief")
    report_id, data = next(iter(project.reports.items()))
    country = next(iter(data.countries), None)
    theme = next(iter(data.themes), None)
    lines = [HEADER.format(id=brief_id), f"report: {report_id}", f"kind: {kind}"]
    if kind == "country" and country:
        name = data.countries[country].name
        lines += [
            f'title: "{name}: what decriminalisation means for people who use drugs"',
            f"country: {country}",
        ]
    elif kind == "theme" and theme:
        lines += [f'title: "{data.themes[theme].name}"', f"theme: {theme}"]
    elif kind == "letter":
        lines += [
            'title: "Letter to policymakers"',
            "letter:",
            "  sample: true",
            '  subject: "Full decriminalisation without sanctions"',
            "  recipient:",
            '    name: "Sample Recipient (fictional)"',
            '    title: "Member of Parliament"',
            '    organisation: "Sample Parliament"',
            '    address: "1 Sample Street\\nSample City"',
            "  signature:",
            '    name: "Your name"',
            '    title: "Your role"',
            f'    organisation: "{project.config.brand.organisation}"',
            "  body:",
            '    - "We write to share the findings of a peer-led study."',
        ]
    elif kind == "handout":
        lines += [
            'title: "Full decriminalisation without sanctions"',
            'headline: "Decriminalisation is not enough while sanctions remain"',
        ]
    else:
        lines += ['title: "Models of decriminalisation"']
    lines += ["language: en", "paper: A4", ""]
    return "\n".join(lines)

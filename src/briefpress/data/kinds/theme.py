"""A theme's brief: what the report found on one or more themes across its places, the
quotes by place, and the recommendations on those themes; up to four pages."""

from __future__ import annotations

from briefpress.data.kinds.base import Kind, quoted
from briefpress.data.model import BriefSpec, Report, ReportData, SectionSpec


def sections(brief: BriefSpec, report: Report | None) -> list[SectionSpec]:
    themes = brief.all_themes
    return [
        SectionSpec("findings", from_="findings", theme=themes, limit=6),
        SectionSpec("quotes", from_="quotes", theme=themes, order="country"),
        SectionSpec("recommendations", from_="recommendations", theme=themes),
    ]


def rules(brief: BriefSpec, data: ReportData) -> list[tuple[str, str, str | None]]:
    if brief.all_themes:
        return []
    return [("kind", "a theme brief needs 'theme'", f"one of {', '.join(data.themes)}")]


def starter(data: ReportData, organisation: str) -> list[str]:
    theme = next(iter(data.themes.values()), None)
    if theme is None:
        return [f"title: {quoted(data.report.title)}"]
    return [f"title: {quoted(theme.name)}", f"theme: {theme.id}"]


KIND = Kind(
    name="theme",
    label="Theme brief",
    page_budget=4,
    order=20,
    sections=sections,
    rules=rules,
    starter=starter,
)

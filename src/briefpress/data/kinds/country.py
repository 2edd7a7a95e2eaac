"""A place's brief (a country, city or region): its findings, its people's words and
what they ask for, and the report's recommendations; up to four pages."""

from __future__ import annotations

from briefpress.data.kinds.base import Kind, quoted
from briefpress.data.model import BriefSpec, Report, ReportData, SectionSpec


def sections(brief: BriefSpec, report: Report | None) -> list[SectionSpec]:
    """The place's findings and quotes, its asks apart when the report has such a section."""
    place = [brief.country] if brief.country else []
    asks = [report.asks_section] if report and report.asks_section else []
    chosen = [
        SectionSpec("findings", from_="findings", country=place, limit=5),
        SectionSpec("quotes", from_="quotes", country=place, except_section=asks),
    ]
    if asks:
        chosen.append(
            SectionSpec("asks", from_="quotes", country=place, section=asks, optional=True)
        )
    return [*chosen, SectionSpec("recommendations", from_="recommendations")]


def rules(brief: BriefSpec, data: ReportData) -> list[tuple[str, str, str | None]]:
    if brief.country:
        return []
    return [("kind", "a country brief needs 'country'", f"one of {', '.join(data.countries)}")]


def starter(data: ReportData, organisation: str) -> list[str]:
    place = next(iter(data.countries.values()), None)
    if place is None:
        return [f"title: {quoted(data.report.title)}"]
    return [f"title: {quoted(f'{place.name}: {data.report.title}')}", f"country: {place.id}"]


KIND = Kind(
    name="country",
    label="Country brief",
    page_budget=4,
    order=10,
    sections=sections,
    rules=rules,
    starter=starter,
    report_labels=("organisations_label", "asks_title"),
)

"""An overview: every place of the report side by side, placed on the report's typology
when it has one, with the findings of the section that explains it; up to four pages."""

from __future__ import annotations

from briefpress.data.kinds.base import Kind
from briefpress.data.model import BriefSpec, Report, SectionSpec


def sections(brief: BriefSpec, report: Report | None) -> list[SectionSpec]:
    spectrum = report.spectrum if report else None
    about = [spectrum.section] if spectrum and spectrum.section else []
    return [
        SectionSpec("models", from_="models", optional=True),
        SectionSpec("countries", from_="countries"),
        SectionSpec("findings", from_="findings", section=about, limit=3),
    ]


KIND = Kind(name="overview", label="Overview", page_budget=4, order=50, sections=sections)

"""A handout: one page to hand over in a meeting, its points, one quote and the ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from briefpress.data.kinds.base import Kind, quoted
from briefpress.data.model import BriefSpec, Report, ReportData, SectionSpec


def sections(brief: BriefSpec, report: Report | None) -> list[SectionSpec]:
    asks = [report.asks_section] if report and report.asks_section else []
    return [
        SectionSpec("quote", from_="quotes", section=asks, limit=1),
        SectionSpec("recommendations", from_="recommendations"),
    ]


def has_content(brief: BriefSpec, chosen: Mapping[str, list[Any]]) -> bool:
    """A handout prints its points, its quote and its ask."""
    return bool(brief.points or brief.ask or chosen.get("quote"))


def starter(data: ReportData, organisation: str) -> list[str]:
    """A handout whose points are the report's first finding headlines, to edit."""
    title = data.report.title
    headlines = [f.headline for f in list(data.findings.values())[:3]]
    lines = [f"title: {quoted(title)}", f"headline: {quoted(title)}"]
    if headlines:
        lines += ["points:", *(f"  - {quoted(h)}" for h in headlines)]
    first = next(iter(data.recommendations.values()), None)
    ask = first.text if first else "What you ask the reader to do."
    return [*lines, f"ask: {quoted(ask)}"]


KIND = Kind(
    name="handout",
    label="Handout",
    page_budget=1,
    order=30,
    sections=sections,
    starter=starter,
    has_content=has_content,
    spectrum=False,
)

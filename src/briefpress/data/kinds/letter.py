"""A letter to a policymaker: its own body, a few findings and the recommendations, on
letterhead; up to two pages. A mailing makes one per recipient (mail/letters.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from briefpress.data.kinds.base import Kind, quoted
from briefpress.data.model import BriefSpec, Report, ReportData, SectionSpec


def sections(brief: BriefSpec, report: Report | None) -> list[SectionSpec]:
    return [
        SectionSpec("findings", from_="findings", limit=3),
        SectionSpec("recommendations", from_="recommendations"),
    ]


def rules(brief: BriefSpec, data: ReportData) -> list[tuple[str, str, str | None]]:
    if brief.letter is not None:
        return []
    return [("kind", "a letter needs a 'letter' block (subject, body, recipient, signature)", None)]


def has_content(brief: BriefSpec, chosen: Mapping[str, list[Any]]) -> bool:
    return True  # its body, whatever the sections select


def starter(data: ReportData, organisation: str) -> list[str]:
    """A sample letter to a fictional recipient, signed by ``organisation``."""
    title = data.report.title
    return [
        'title: "Letter to policymakers"',
        "letter:",
        "  sample: true",
        f"  subject: {quoted(title)}",
        "  recipient:",
        '    name: "Sample Recipient (fictional)"',
        '    title: "Member of Parliament"',
        '    organisation: "Sample Parliament"',
        '    address: "1 Sample Street\\nSample City"',
        "  signature:",
        '    name: "Your name"',
        '    title: "Your role"',
        f"    organisation: {quoted(organisation)}",
        "  body:",
        f"    - {quoted(f'We write to share the findings of {title}.')}",
    ]


KIND = Kind(
    name="letter",
    label="Letter",
    page_budget=2,
    order=40,
    sections=sections,
    rules=rules,
    starter=starter,
    has_content=has_content,
    report_apparatus=False,
    mailed=True,
)

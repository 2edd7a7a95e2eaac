"""What a kind of brief declares: one :class:`Kind` value in one module of this package.

A kind is a shape of document (a place's brief, a theme's, an overview, a handout, a
letter): which records it shows when its spec names no sections, how many pages it may
take, which template and stylesheet draw it, what its spec must say, and the spec that
``briefpress new`` starts one from. Selection, validation, rendering, the page budget,
the translations check, ``new`` and the gallery read these values; none of them tests
a kind's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from briefpress.data.model import BriefSpec, Report, ReportData, SectionSpec

Sections = Callable[[BriefSpec, Report | None], list[SectionSpec]]
# A rule of the kind's spec: (field, message, hint) for each thing the spec lacks.
Rule = Callable[[BriefSpec, ReportData], list[tuple[str, str, str | None]]]
# The starter spec's lines after ``kind:``, from the report's data and the organisation.
Starter = Callable[[ReportData, str], list[str]]


def shows_records(brief: BriefSpec, chosen: Mapping[str, list[Any]]) -> bool:
    """Whether a brief has content: a section besides the typology's list shows records."""
    return any(records for name, records in chosen.items() if name != "models")


def no_rules(brief: BriefSpec, data: ReportData) -> list[tuple[str, str, str | None]]:
    return []


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def titled(data: ReportData, organisation: str) -> list[str]:
    """A starter spec titled after the report."""
    return [f"title: {quoted(data.report.title)}"]


@dataclass(frozen=True)
class Kind:
    """One kind of brief."""

    name: str  # what a spec's ``kind:`` says
    label: str  # what the gallery calls one ("Country brief")
    page_budget: int  # pages a brief may take unless its spec sets max_pages
    order: int  # its place where kinds are listed (``briefpress new``, hints)
    sections: Sections  # what it shows when its spec names no sections
    starter: Starter = titled  # ``briefpress new``'s spec
    rules: Rule = no_rules  # what its spec must say
    has_content: Callable[[BriefSpec, Mapping[str, list[Any]]], bool] = shows_records
    report_labels: tuple[str, ...] = ()  # report.yaml labels it prints beyond the place words
    report_apparatus: bool = True  # prints the report's section headings and names
    mailed: bool = False  # sent one per recipient by a mailing (and accompanies a brief)
    spectrum: bool = True  # may draw the report's typology
    template: str = ""  # default: <name>.html.j2, in the project's templates or the theme
    stylesheet: str = ""  # default: <name>.css, in the theme's styles

    @property
    def template_name(self) -> str:
        return self.template or f"{self.name}.html.j2"

    @property
    def stylesheet_name(self) -> str:
        return self.stylesheet or f"{self.name}.css"

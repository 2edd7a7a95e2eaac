"""Typed records for report data and brief specs.

Field metadata drives validation and checks: ``verbatim`` fields hold the
report's own words (checked against the source, never edited); ``editorial``
fields hold our words (checked for person-first language).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefpress.core.errors import Location

VERBATIM: dict[str, Any] = {"verbatim": True}
EDITORIAL: dict[str, Any] = {"editorial": True}
# Names and headings: neither the report's sentences nor ours, but printed words that a
# brief in another language may show translated (reports/<id>/translations/<lang>.yaml).
TEXT: dict[str, Any] = {"text": True}
NOWHERE = Location("<none>")
# A field a person still has to write.  ``briefpress import`` puts it as the
# value of required fields it cannot fill and at the start of a comment on
# each such line ("# TO WRITE: ..."); ``briefpress check`` lists those lines,
# and neither references nor verbatim checks complain about the value itself.
TO_WRITE = "TO WRITE"


# Internal fields are filled by the loader, not by YAML: where a record and each of
# its values are written, so that errors can point at the exact line.
INTERNAL: dict[str, Any] = {"internal": True}


@dataclass(frozen=True)
class Publisher:
    short: str
    name: str = field(metadata=TEXT)
    url: str | None = None


@dataclass(frozen=True)
class Methodology:
    interviews: int
    respondents: int
    respondents_by_country: dict[str, int]
    evidence: str = field(metadata=VERBATIM)
    note: str | None = field(default=None, metadata=EDITORIAL)


@dataclass(frozen=True)
class Position:
    baseline: str = field(metadata=VERBATIM)
    goal: str = field(metadata=VERBATIM)


@dataclass(frozen=True)
class ReportSection:
    id: str
    title: str = field(metadata=TEXT)


@dataclass(frozen=True)
class Report:
    id: str
    title: str = field(metadata=TEXT)
    publisher: Publisher
    year: int
    description: str = field(metadata=EDITORIAL)
    methodology: Methodology
    position: Position
    sections: list[ReportSection]
    url: str | None = None
    licence: str | None = None
    subtitle: str | None = field(default=None, metadata=TEXT)
    note: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Organisation:
    id: str
    short: str = field(metadata=TEXT)
    country: str
    name: str | None = field(default=None, metadata=TEXT)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )

    @property
    def display(self) -> str:
        """How a reader should see the organisation: full name with acronym where known."""
        if self.name and self.name != self.short:
            return f"{self.name} ({self.short})"
        return self.short


@dataclass(frozen=True)
class Fact:
    id: str
    label: str = field(metadata=EDITORIAL)
    value: str = field(metadata=EDITORIAL)
    evidence: str = field(metadata=VERBATIM)
    section: str
    year: int | None = None
    amount: float | None = None
    unit: str | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Country:
    id: str
    name: str = field(metadata=TEXT)
    model: str
    organisations: list[str]
    respondents: int
    summary: str = field(metadata=EDITORIAL)
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Model:
    id: str
    order: int
    name: str = field(metadata=VERBATIM)
    legal_basis: list[str]
    diversion: bool
    sanctions: bool
    examples: list[str] = field(metadata=VERBATIM)
    study_countries: list[str]
    description: str = field(metadata=EDITORIAL)
    implementation: str | None = field(default=None, metadata=VERBATIM)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Theme:
    id: str
    name: str = field(metadata=EDITORIAL)
    description: str = field(metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Quote:
    id: str
    order: int
    text: str = field(metadata=VERBATIM)
    country: str
    attribution: str = field(metadata=VERBATIM)
    section: str
    themes: list[str]
    organisation: str | None = None
    subsection: str | None = field(default=None, metadata=TEXT)
    note: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Literature:
    id: str
    text: str = field(metadata=VERBATIM)
    section: str
    source: int | None = None
    note: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Finding:
    id: str
    headline: str = field(metadata=EDITORIAL)
    text: str = field(metadata=VERBATIM)
    section: str
    themes: list[str]
    countries: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class RecommendationPart:
    id: str
    letter: str
    text: str = field(metadata=VERBATIM)


@dataclass(frozen=True)
class Recommendation:
    id: str
    number: str
    text: str = field(metadata=VERBATIM)
    themes: list[str] = field(default_factory=list)
    parts: list[RecommendationPart] = field(default_factory=list)
    note: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Source:
    number: int
    citation: str = field(metadata=VERBATIM)
    section: str
    url: str | None = None
    note: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )

    @property
    def id(self) -> str:
        return str(self.number)


@dataclass
class ReportData:
    """Everything known about one report, indexed by id for cross-references."""

    report: Report
    organisations: dict[str, Organisation]
    countries: dict[str, Country]
    models: dict[str, Model]
    themes: dict[str, Theme]
    quotes: dict[str, Quote]
    literature: dict[str, Literature]
    findings: dict[str, Finding]
    recommendations: dict[str, Recommendation]
    sources: dict[str, Source]
    broken: set[str] = field(default_factory=set)  # files that failed to load
    # language tag -> translations.ContentTranslations, from translations/<lang>.yaml
    translations: dict[str, Any] = field(default_factory=dict)

    def collection(self, name: str) -> dict[str, Any]:
        """A record collection by the name briefs use in ``from:``."""
        value: dict[str, Any] = getattr(self, name)
        return value


# Record files in a report folder: file stem -> (top-level key, record class).
RECORD_FILES: dict[str, type] = {
    "organisations": Organisation,
    "countries": Country,
    "models": Model,
    "themes": Theme,
    "quotes": Quote,
    "literature": Literature,
    "findings": Finding,
    "recommendations": Recommendation,
    "sources": Source,
}
SELECTABLE = (
    "quotes",
    "findings",
    "recommendations",
    "countries",
    "models",
    "themes",
    "sources",
    "literature",
)

# --- brief specs -----------------------------------------------------------------

KINDS = ("country", "theme", "handout", "letter", "overview")
PAPERS = ("A4", "A5", "Letter")
EDITIONS = ("screen", "print")


@dataclass(frozen=True)
class SectionSpec:
    """A named slot of a brief and the selector that fills it from report data."""

    name: str
    title: str | None = field(default=None, metadata=EDITORIAL)
    intro: str | None = field(default=None, metadata=EDITORIAL)
    from_: str | None = None
    ids: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    section: list[str] = field(default_factory=list)
    order: str = "report"
    limit: int | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Address:
    name: str
    title: str | None = None
    organisation: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SignatureText:
    """The signer's name, role and organisation as another language writes them."""

    name: str | None = field(default=None, metadata=EDITORIAL)
    title: str | None = field(default=None, metadata=EDITORIAL)
    organisation: str | None = field(default=None, metadata=EDITORIAL)


@dataclass(frozen=True)
class LetterText:
    """A letter's own words in one more language (``letter.translations.<lang>``): what a
    mailing prints for a recipient of that language. Salutation and date come from the
    recipient's row and language; interface words from that language's catalog."""

    subject: str = field(metadata=EDITORIAL)
    body: list[str] = field(metadata=EDITORIAL)
    title: str | None = field(default=None, metadata=EDITORIAL)  # the PDF's; default: subject
    closing: str | None = field(default=None, metadata=EDITORIAL)  # None: the language's
    signature: SignatureText | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class LetterSpec:
    subject: str = field(metadata=EDITORIAL)
    body: list[str] = field(metadata=EDITORIAL)
    recipient: Address
    signature: Address
    salutation: str | None = field(default=None, metadata=EDITORIAL)
    closing: str | None = field(default=None, metadata=EDITORIAL)  # None: the brief language's
    date: str | None = None
    sample: bool = False
    # The id of the brief that follows each letter of a mailing (`briefpress letters`).
    accompanies: str | None = None
    # A personal line to one recipient, printed under the salutation; `briefpress letters`
    # fills it from the recipients file's `note` column.
    note: str | None = field(default=None, metadata=EDITORIAL)
    # language tag -> the letter's words in that language, for recipients who read it.
    translations: dict[str, LetterText] = field(default_factory=dict)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class BriefSpec:
    id: str
    report: str
    kind: str
    title: str = field(metadata=EDITORIAL)
    subtitle: str | None = field(default=None, metadata=EDITORIAL)
    country: str | None = None
    theme: str | None = None
    themes: list[str] = field(default_factory=list)
    language: str = "en"
    paper: str = "A4"
    template: str | None = None
    max_pages: int | None = None
    min_pages: int | None = None
    headline: str | None = field(default=None, metadata=EDITORIAL)
    intro: str | None = field(default=None, metadata=EDITORIAL)
    points: list[str] = field(default_factory=list, metadata=EDITORIAL)
    ask: str | None = field(default=None, metadata=EDITORIAL)
    keywords: list[str] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    # Another language's brief: the English edition's words under each translated quote.
    bilingual: bool = False
    letter: LetterSpec | None = None
    sections: list[SectionSpec] = field(default_factory=list)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )
    file: str = field(default="", compare=False, repr=False, metadata={"internal": True})

    @property
    def all_themes(self) -> list[str]:
        """The theme and any extra themes a theme brief covers, in order, once each."""
        ordered = [self.theme, *self.themes] if self.theme else list(self.themes)
        return list(dict.fromkeys(t for t in ordered if t))


# --- project configuration -----------------------------------------------------


@dataclass(frozen=True)
class Colours:
    """Brand colours as CSS colours for screen, with CMYK equivalents for print."""

    primary: str = "#1d3557"
    accent: str = "#e63946"
    highlight: str = "#f4a261"
    ink: str = "#1b1b1b"
    muted: str = "#5c6470"
    tint: str = "#eef2f6"
    primary_cmyk: str = "100 75 20 40"
    accent_cmyk: str = "0 85 70 5"
    highlight_cmyk: str = "0 40 65 2"
    ink_cmyk: str = "0 0 0 95"
    muted_cmyk: str = "20 10 0 60"
    tint_cmyk: str = "5 2 0 3"


@dataclass(frozen=True)
class Brand:
    """Everything that makes a brief look like one organisation's: kept in one place."""

    organisation: str = "briefpress"
    short: str | None = None
    url: str | None = None
    email: str | None = None
    address: str | None = None
    logo: str | None = None
    licence: str | None = None
    colours: Colours = field(default_factory=Colours)
    body_font: str = "Noto Sans"
    heading_font: str = "Noto Serif"


@dataclass(frozen=True)
class Config:
    brand: Brand = field(default_factory=Brand)
    language_terms: list[str] = field(default_factory=list)

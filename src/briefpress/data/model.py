"""Typed records for report data and brief specs.

Field metadata drives validation and checks: ``verbatim`` fields hold the
report's own words (checked against the source, never edited); ``editorial``
fields hold our words (checked for person-first language).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefpress.core.errors import Location
from briefpress.core.i18n import SOURCE_LANGUAGE
from briefpress.core.scripts import FontStacks, font_stacks
from briefpress.data import fields
from briefpress.data.fields import EDITORIAL, INTERNAL, NOWHERE, PLACE, PLACES, TEXT, VERBATIM
from briefpress.data.fields import TO_WRITE as TO_WRITE  # the importer's marker, re-exported


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
    section: str | None = None  # where the report describes it: cited beside respondent counts


@dataclass(frozen=True)
class Position:
    """What the publisher calls for, in its own words: the last steps of a spectrum."""

    baseline: str = field(metadata=VERBATIM)
    goal: str = field(metadata=VERBATIM)


@dataclass(frozen=True)
class TypologyColumn:
    """A column of the report's table of its typology: its heading in the report's words,
    and how its cells print (``list``: joined by commas; ``yes-no``: short, centred)."""

    id: str
    label: str = field(metadata=TEXT)
    style: str = "list"
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)


COLUMN_STYLES = ("list", "yes-no")


@dataclass(frozen=True)
class Spectrum:
    """How a report's typology (the steps in models.yaml) is named, for the spectrum figure.

    Every word the figure prints around the step names comes from here, so a report
    with another typology, or with none (no models.yaml: no figure), prints its own.
    ``name`` and ``step`` are written as in running text ("types of tenure").
    """

    name: str = field(metadata=TEXT)
    step: str = field(metadata=TEXT)
    steps_caption: str | None = field(default=None, metadata=TEXT)
    caption: str | None = field(default=None, metadata=TEXT)
    source: str | None = field(default=None, metadata=TEXT)  # where the report has it
    section: str | None = None
    baseline: str | None = field(default=None, metadata=TEXT)  # label of position.baseline
    goal: str | None = field(default=None, metadata=TEXT)  # label of position.goal
    # The report's table of its typology: the columns each step fills (Model.columns).
    columns: list[TypologyColumn] = field(default_factory=list)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


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
    sections: list[ReportSection]
    description: str | None = field(default=None, metadata=EDITORIAL)
    url: str | None = None
    licence: str | None = None
    subtitle: str | None = field(default=None, metadata=TEXT)
    note: str | None = field(default=None, metadata=EDITORIAL)
    # The language the report is written in (a BCP 47 code): its quotes are in it.
    language: str = SOURCE_LANGUAGE
    # What the report calls the places its voices come from, as in running text
    # ("country"/"countries", "city"/"cities"); briefs print these words.
    place_label: str | None = field(default=None, metadata=TEXT)
    places_label: str | None = field(default=None, metadata=TEXT)
    # How a place brief labels the organisations that spoke ("Organisations of ...").
    organisations_label: str | None = field(default=None, metadata=TEXT)
    # The section where respondents say what they ask for: a place brief shows those
    # quotes apart, under ``asks_title`` ("{place}" stands for the place's name).
    asks_section: str | None = None
    asks_title: str | None = field(default=None, metadata=TEXT)
    # Names the anonymity check must accept although nothing else declares them.
    allow: list[str] = field(default_factory=list)
    methodology: Methodology | None = None
    position: Position | None = None
    spectrum: Spectrum | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Organisation:
    id: str
    short: str = field(metadata=TEXT)
    country: str = field(metadata=PLACE)
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
    """A place the report's voices come from: a country, city or region."""

    id: str
    name: str = field(metadata=TEXT)
    model: str | None = None  # its step on the spectrum (models.yaml), if the report has one
    organisations: list[str] = field(default_factory=list)
    respondents: int | None = None
    summary: str | None = field(default=None, metadata=EDITORIAL)
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Model:
    """One step of the report's spectrum (typology), in the report's order."""

    id: str
    order: int
    name: str = field(metadata=VERBATIM)
    # The places on this step (``members:`` in YAML says the same).
    study_countries: list[str] = field(default_factory=list, metadata={"alias": "members"})
    description: str | None = field(default=None, metadata=EDITORIAL)
    # This step's cells in the report's table, by column (report.yaml spectrum.columns).
    columns: dict[str, list[str]] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list, metadata=VERBATIM)
    implementation: str | None = field(default=None, metadata=VERBATIM)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Theme:
    id: str
    name: str = field(metadata=EDITORIAL)
    description: str | None = field(default=None, metadata=EDITORIAL)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Quote:
    id: str
    order: int
    # One paragraph, or several: YAML may give a list of paragraphs, joined here with a
    # blank line (templates print each as a paragraph; verification finds each).
    text: str = field(metadata=fields.PARAGRAPHS)
    country: str = field(metadata=PLACE)
    attribution: str = field(metadata=VERBATIM)
    section: str
    themes: list[str] = field(default_factory=list)
    organisation: str | None = None
    subsection: str | None = field(default=None, metadata=TEXT)
    note: str | None = field(default=None, metadata=EDITORIAL)
    # The town (or other place below the country) the attribution names, as printed.
    location: str | None = None
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
    themes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list, metadata=PLACES)
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
    section: str | None = None  # where the report prints it: cited under the list
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
        value: dict[str, Any] = getattr(self, COLLECTION_ALIASES.get(name, name))
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
# ``from: places`` selects what countries.yaml or places.yaml holds.
COLLECTION_ALIASES = {"places": "countries"}
SELECTABLE = (
    "places",
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

PAPERS = ("A4", "A5", "Letter")


@dataclass(frozen=True)
class SectionSpec:
    """A named slot of a brief and the selector that fills it from report data."""

    name: str
    title: str | None = field(default=None, metadata=EDITORIAL)
    intro: str | None = field(default=None, metadata=EDITORIAL)
    from_: str | None = None
    ids: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list, metadata=PLACE)
    theme: list[str] = field(default_factory=list)
    section: list[str] = field(default_factory=list)
    except_section: list[str] = field(default_factory=list)
    order: str = "report"
    limit: int | None = None
    # A default section that a brief may well leave empty (a place with no asks):
    # ``check`` does not warn about it.
    optional: bool = field(default=False, metadata=INTERNAL)
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
    country: str | None = field(default=None, metadata=PLACE)
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
    # One of LAYOUTS: the look of this brief, when not the project's (briefpress.yaml).
    layout: str | None = None
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
    paper: str = "#ffffff"  # the page: text on dark tiles of figures
    primary_cmyk: str = "100 75 20 40"
    accent_cmyk: str = "0 85 70 5"
    highlight_cmyk: str = "0 40 65 2"
    ink_cmyk: str = "0 0 0 100"  # text: one solid ink (a print shop's 100% K)
    muted_cmyk: str = "20 10 0 60"
    tint_cmyk: str = "5 2 0 3"
    paper_cmyk: str = "0 0 0 0"
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Contact:
    """How a reader reaches the organisation, printed on a brief's back page."""

    address: str | None = None
    email: str | None = None
    web: str | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


@dataclass(frozen=True)
class Brand:
    """Everything that makes a brief look like one organisation's: kept in one place."""

    organisation: str = "briefpress"
    short: str | None = None
    url: str | None = None
    email: str | None = None
    address: str | None = None
    logo: str | None = None
    # The print edition's logo: an SVG whose colours are device-cmyk(), since a PDF/X
    # print file takes no RGB (without it the print edition prints ``logo``).
    logo_print: str | None = None
    licence: str | None = None
    # The back page's contact block; ``email``, ``address`` and ``url`` fill what it omits.
    contact: Contact | None = None
    colours: Colours = field(default_factory=Colours)
    body_font: str = "Noto Sans"
    heading_font: str = "Noto Serif"
    # A font family per script (ISO 15924 code: ``arab``, ``deva``, ``hans``...), tried
    # after the brand fonts and before the Noto fallback for that script (core/scripts.py).
    fonts: dict[str, str] = field(default_factory=dict, hash=False)
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )

    def stacks(self, language: str) -> FontStacks:
        """The font stacks of a brief in ``language``: brand fonts, then per script."""
        return font_stacks(self.body_font, self.heading_font, self.fonts, language)

    def every_family(self) -> tuple[str, ...]:
        """Every family any brief may print with: the fonts a checked PDF may embed
        whatever its language (a mailing's letters are in many)."""
        families = [*self.stacks("en").families]
        for language in ("zh-Hant", "ja", "ko"):
            families += self.stacks(language).families
        return tuple(dict.fromkeys(families))


@dataclass(frozen=True)
class MailSettings:
    """``mail:`` in briefpress.yaml: the organisation's SMTP server for ``briefpress send``.

    ``password`` is read only so that ``check`` can refuse it: a password belongs in the
    environment (BRIEFPRESS_SMTP_PASSWORD) or is typed when asked, never in a file.
    """

    host: str | None = None
    port: int | None = None  # default: 587 for starttls, 465 for tls, 25 for none
    security: str = "starttls"  # starttls | tls | none (a relay on this machine only)
    username: str | None = None
    from_: str | None = None  # "Name <address>"
    reply_to: str | None = None
    signature: str | None = None  # lines under the e-mail's text; default: the letter's
    rate: str | None = None  # a provider preset: gmail, google-workspace, microsoft-365
    per_minute: int | None = None  # messages a minute (overrides the preset)
    per_day: int | None = None  # messages in any 24 hours
    recipients_per_day: int | None = None  # addresses (to and cc) in any 24 hours
    max_attachment_mb: float = 10.0
    retries: int = 3  # attempts after a temporary (4xx) answer
    retry_delay: float = 30.0  # seconds before the first retry; doubled for each next one
    timeout: float = 60.0  # seconds to wait for the server
    ca_file: str | None = None  # a CA bundle for a server with a private certificate
    password: str | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False, metadata=INTERNAL)
    locs: dict[str, Location] = field(
        default_factory=dict, compare=False, repr=False, metadata=INTERNAL
    )


# The looks a project chooses in briefpress.yaml (`layout:`), each a class on <body> that
# the theme's sheets style (layouts.css): no CSS to write.
LAYOUTS = ("classic", "magazine")


@dataclass(frozen=True)
class Config:
    brand: Brand = field(default_factory=Brand)
    layout: str = "classic"
    web_url: str | None = None  # where the web edition is published: its social cards' address
    language_terms: list[str] = field(default_factory=list)
    # Packs switched on (src/briefpress/packs/): the vocabulary of a field of work.
    packs: list[str] = field(default_factory=list)
    mail: MailSettings | None = None

"""The draft report the importer builds, before it is written as YAML.

Plain records, one class per file the draft writes, plus the review list:
everything the importer was unsure of, for a person to look at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from briefpress.data.model import TO_WRITE

__all__ = ["TO_WRITE", "Draft", "ReviewItem", "slug"]


@dataclass
class Section:
    id: str
    title: str
    start: int  # plain offset of the heading


@dataclass
class Subsection:
    title: str
    start: int


@dataclass
class Footnote:
    number: int
    citation: str
    url: str | None
    section: str


@dataclass
class Part:
    letter: str
    text: str


@dataclass
class Recommendation:
    number: str
    text: str
    parts: list[Part] = field(default_factory=list)


@dataclass
class Organisation:
    id: str
    short: str
    name: str | None
    country: str | None  # a country id


@dataclass
class Country:
    id: str
    name: str
    organisations: list[str] = field(default_factory=list)


@dataclass
class Quote:
    id: str
    order: int
    text: str
    attribution: str
    organisation: str | None
    country: str | None
    section: str
    subsection: str | None
    start: int = 0
    note: str | None = None
    location: str | None = None  # the town the attribution names


@dataclass
class Literature:
    id: str
    text: str
    source: int | None
    section: str
    start: int = 0


@dataclass(frozen=True)
class ReviewItem:
    """Something uncertain: where (a file and record, or the source) and what."""

    where: str
    message: str


@dataclass
class Draft:
    report_id: str
    source_name: str
    title: str | None
    language: str = "en"
    sections: list[Section] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    literature: list[Literature] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    text: str = ""  # the report's body as the data reads it (Source.reading), kept

    def note(self, where: str, message: str) -> None:
        """Add an item to the review list."""
        self.review.append(ReviewItem(where, message))


# The review item of a place drafted from a town no gazetteer knows; the studio offers
# to merge the towns so marked into one place.
TOWN_NOTE = "drafted as a place of its own: merge towns into their place"


def slug(text: str) -> str:
    """A lower-case id (``[a-z0-9][a-z0-9-]*``) from printed words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", "").replace("’", ""))
    return "-".join(words) or "x"

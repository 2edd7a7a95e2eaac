"""Organisations and countries collected from the quotes' attributions."""

from __future__ import annotations

import difflib
import re

from briefpress.importer.draft import Country, Draft, Organisation, slug
from briefpress.source.text import normalise_text

__all__ = ["collect_places"]


def collect_places(draft: Draft) -> None:
    """Organisations and countries from the quotes' attributions.

    An organisation printed two ways that fold to one ("the LSD", "LSD") or
    nearly so is listed for review; quotes then point at ids.
    """
    countries: dict[str, str] = {}
    orgs: dict[str, tuple[str, str | None]] = {}  # key -> (printed, country id)
    spellings: dict[str, set[str]] = {}
    for quote in draft.quotes:
        country_id = None
        if quote.country:
            country_id = slug(quote.country)
            countries.setdefault(country_id, quote.country)
        if quote.organisation:
            key = _org_key(quote.organisation)
            orgs.setdefault(key, (quote.organisation, country_id))
            spellings.setdefault(key, set()).add(quote.organisation)
        quote.country = country_id
    ids: dict[str, str] = {}
    for key, (printed, country_id) in orgs.items():
        short, name = _short_and_name(printed)
        org_id = slug(short)
        if org_id in ids.values():
            org_id = f"{org_id}-{country_id or 'x'}"
        ids[key] = org_id
        draft.organisations.append(Organisation(org_id, short, name, country_id))
        if len(spellings[key]) > 1:
            draft.note(
                f"organisations.yaml ({org_id})",
                "seen under more than one spelling: "
                + "; ".join(sorted(spellings[key]))
                + " (imported as one organisation)",
            )
    keys = list(orgs)
    for index, key in enumerate(keys):
        for other in keys[index + 1 :]:
            if difflib.SequenceMatcher(None, key, other).ratio() >= 0.85:
                draft.note(
                    "organisations.yaml",
                    f"{orgs[key][0]!r} and {orgs[other][0]!r} may be one organisation "
                    "spelled two ways: merge them if so",
                )
    for quote in draft.quotes:
        if quote.organisation:
            quote.organisation = ids[_org_key(quote.organisation)]
    by_country: dict[str, list[str]] = {}
    for org in draft.organisations:
        if org.country:
            by_country.setdefault(org.country, []).append(org.id)
    draft.countries = [
        Country(cid, name, by_country.get(cid, [])) for cid, name in sorted(countries.items())
    ]


def _org_key(printed: str) -> str:
    """One key for the spellings of one organisation."""
    folded = normalise_text(printed).lower().replace("'", "")
    folded = re.sub(r"^the\s+", "", folded)
    return " ".join(re.findall(r"[^\W_]+", folded))


def _short_and_name(printed: str) -> tuple[str, str | None]:
    """ "Costa Rican Association ... [ACEID]" is ACEID, with its full name."""
    match = re.fullmatch(r"(.+?)\s*\[([^\]]+)\]", printed)
    if match:
        return match.group(2), match.group(1)
    return printed, None

"""Detect personal identifiers where the report promised anonymity.

Attributions stay at organisation and country. We flag e-mail addresses,
phone numbers and things shaped like a personal name ("Maria Lopez",
"Mr. Smith"), accepting the organisation names the report itself prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{7,}\d(?!\w)")
TITLE_NAME = re.compile(r"\b(Mr|Mrs|Ms|Mx|Dr|Prof)\.?\s+[A-Z][a-z]+")
# Two or three capitalised words that are not organisation vocabulary look like a name.
NAME = re.compile(r"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2})\b")
# Words of organisation names in any field: a capitalised group with one of them is no
# person's name. A field's own words come from the packs the project switches on.
ORGANISATION_WORDS = {
    "Association",
    "Network",
    "National",
    "Respondent",
    "Studies",
    "Policy",
    "People",
    "Use",
    "International",
    "Foundation",
    "Centre",
    "Center",
    "Union",
    "Society",
    "Alliance",
    "Coalition",
    "Group",
    "Forum",
    "Community",
    "Council",
    "Organisation",
    "Organization",
    "Project",
    "Initiative",
    "Movement",
    "Collective",
}


def _without(text: str, allowed: Iterable[str]) -> str:
    """``text`` with every declared name blanked out, longest first, so that a name the
    report declares ("Recovering Nepal", "Kuala Lumpur") is never taken for a person."""
    for name in sorted({a.strip() for a in allowed if a.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " \u2022 ", text)
    return text


def personal_identifiers(
    text: str, allowed: Iterable[str] = (), words: Iterable[str] = ()
) -> list[str]:
    """Descriptions of what in ``text`` could identify a person (empty if nothing).

    ``allowed`` are names the report declares; they are skipped, except that an
    e-mail address or phone number is always reported. ``words`` are more words of
    organisation names (the project's packs'), besides the built-in ones.
    """
    vocabulary = ORGANISATION_WORDS | set(words)
    found = [f"an e-mail address ({m.group(0)})" for m in EMAIL.finditer(text)]
    found += [f"a phone number ({m.group(0).strip()})" for m in PHONE.finditer(text)]
    rest = _without(text, allowed)
    found += [f"a personal title and name ({m.group(0)})" for m in TITLE_NAME.finditer(rest)]
    for match in NAME.finditer(rest):
        parts = re.split(r"[- ]", match.group(1))
        if not any(w in vocabulary for w in parts):
            found.append(
                f"what looks like a personal name ({match.group(1)}), matched as two or three "
                "capitalised words"
            )
    return found

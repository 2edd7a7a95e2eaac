"""Detect personal identifiers where the report promised anonymity.

Attributions stay at organisation and country. We flag e-mail addresses,
phone numbers and things shaped like a personal name ("Maria Lopez",
"Mr. Smith"), accepting the organisation names the report itself prints.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{7,}\d(?!\w)")
TITLE_NAME = re.compile(r"\b(Mr|Mrs|Ms|Mx|Dr|Prof)\.?\s+[A-Z][a-z]+")
# Two or three capitalised words that are not organisation vocabulary look like a name.
NAME = re.compile(r"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2})\b")
ORGANISATION_WORDS = {
    "Association",
    "Network",
    "National",
    "Harm",
    "Reduction",
    "Respondent",
    "Costa",
    "Rica",
    "Rican",
    "Drug",
    "Drugs",
    "Studies",
    "Interventions",
    "Humane",
    "Policy",
    "Cannabis",
    "Growers",
    "Vietnamese",
    "People",
    "Use",
    "Netherlands",
    "Norway",
    "Portugal",
    "Uruguay",
    "Estonia",
    "Kyrgyzstan",
    "Vietnam",
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


def personal_identifiers(text: str) -> list[str]:
    """Descriptions of what in ``text`` could identify a person (empty if nothing)."""
    found = [f"an e-mail address ({m.group(0)})" for m in EMAIL.finditer(text)]
    found += [f"a phone number ({m.group(0).strip()})" for m in PHONE.finditer(text)]
    found += [f"a personal title and name ({m.group(0)})" for m in TITLE_NAME.finditer(text)]
    for match in NAME.finditer(text):
        words = re.split(r"[- ]", match.group(1))
        if not any(w in ORGANISATION_WORDS for w in words):
            found.append(f"what looks like a personal name ({match.group(1)})")
    return found

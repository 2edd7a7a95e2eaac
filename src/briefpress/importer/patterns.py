"""Attribution patterns: the shipped ones, and a project's own, as regexes or examples.

A pattern is a regular expression with a named group ``attribution`` (the words kept
as the quote's attribution) and, where it names them, ``org`` and ``place``.  A project
that would rather not write regular expressions gives an attribution as printed
(``example: "[Interview 3, Kenya]"``): the pattern is derived from it, its punctuation
kept, its parts told apart (a kind of interview kept as a word, digits as any number,
the last part as the place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from briefpress.core.errors import Location, Problem
from briefpress.importer.attribute import is_kind

__all__ = ["PROJECT_PATTERNS", "Pattern", "load_patterns", "pattern_from_example"]

PROJECT_PATTERNS = "import-patterns.yaml"
# A project's own attributions: regexes or examples, in either file.
PROJECT_FILES = (PROJECT_PATTERNS, "attributions.yaml")
_WRAPPERS = {"(": ")", "[": "]", "{": "}"}
_DASHES = "—–―-"
_SEPARATOR = re.compile(r"(,\s*|\s*\[|\]|\s+(?:from|at|of|de|du|des)\s+)")
_FREE = r"[^,()\[\]\n]"


@dataclass(frozen=True)
class Pattern:
    """One attribution pattern, shipped or the project's."""

    name: str
    regex: re.Pattern[str]
    country_only: bool = False


def load_patterns(project_root: Path) -> tuple[list[Pattern], list[Problem]]:
    """The shipped patterns, then the project's ``import-patterns.yaml``."""
    shipped = resources.files("briefpress.importer").joinpath("attributions.yaml")
    patterns, problems = _parse_patterns(shipped.read_text(encoding="utf-8"), "attributions")
    for name in PROJECT_FILES:
        path = project_root / name
        if path.exists():
            own, own_problems = _parse_patterns(path.read_text(encoding="utf-8"), name)
            patterns, problems = [*own, *patterns], [*problems, *own_problems]
    return patterns, problems


def _parse_patterns(text: str, display: str) -> tuple[list[Pattern], list[Problem]]:
    """Patterns from YAML text; each broken one is a problem, not a crash."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        return [], [Problem(Location(display), f"cannot read the patterns: {exc}")]
    entries = data.get("attributions", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], [Problem(Location(display), "expected 'attributions:' with a list")]
    patterns: list[Pattern] = []
    problems: list[Problem] = []
    for number, entry in enumerate(entries, 1):
        pattern, problem = _parse_pattern(entry, f"{display} (pattern {number})")
        if pattern is not None:
            patterns.append(pattern)
        if problem is not None:
            problems.append(problem)
    return patterns, problems


def _parse_pattern(entry: Any, where: str) -> tuple[Pattern | None, Problem | None]:
    if isinstance(entry, str):  # an attribution as printed
        entry = {"example": entry}
    if isinstance(entry, dict) and "pattern" not in entry and isinstance(entry.get("example"), str):
        entry = {**entry, "pattern": pattern_from_example(entry["example"])}
    if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
        hint = "or give 'example:', an attribution as the report prints it"
        return None, Problem(Location(where), "expected a mapping with 'pattern' (a regex)", hint)
    try:
        regex = re.compile(entry["pattern"])
    except re.error as exc:
        return None, Problem(Location(where), f"not a valid regular expression: {exc}")
    if "attribution" not in regex.groupindex:
        hint = "name the kept words (?P<attribution>...)"
        return None, Problem(Location(where), "the pattern has no 'attribution' group", hint)
    name = str(entry.get("name") or where)
    return Pattern(name, regex, bool(entry.get("country_only"))), None


def pattern_from_example(example: str) -> str:
    """A pattern that reads attributions printed like ``example``.

    "— Woman wheelchair user, 34, Amman" gives a dash, then free words, a
    number with an optional unit, and a place; "[Interview 3, Kenya]" keeps
    "Interview" as a word, any number after it, and the place in brackets.
    """
    text = example.strip()
    opening = closing = ""
    if text[:1] in _WRAPPERS and text.endswith(_WRAPPERS[text[0]]):
        opening, closing, text = text[0], text[-1], text[1:-1]
    elif text[:1] in _DASHES:
        opening, text = text[0], text[1:].lstrip()
    pieces = [piece for piece in _SEPARATOR.split(text) if piece]
    words = [i for i, piece in enumerate(pieces) if not _SEPARATOR.fullmatch(piece)]
    place = words[-1] if len(words) > 1 else -1
    body = "".join(
        _piece(piece, index == place, index == words[0]) for index, piece in enumerate(pieces)
    )
    if opening in _DASHES and opening:
        return f"[{_DASHES}]\\s*(?P<attribution>{body})[ \\t]*(?=\\n|\\Z)"
    return f"{re.escape(opening)}(?P<attribution>{body}){re.escape(closing)}"


def _piece(piece: str, place: bool, first: bool) -> str:
    """The regex for one piece of an example: a separator as printed (any spacing),
    the place, a number, a kind of interview as a word, an organisation's name
    (capitalised, not first), or free words."""
    if _SEPARATOR.fullmatch(piece):
        word = piece.strip()
        return rf"\s+{re.escape(word)}\s+" if word.isalpha() else rf"\s*{re.escape(word)}\s*"
    if place:
        return f"(?P<place>{_FREE}{{2,60}}?)"
    if re.fullmatch(r"\d{1,3}(?:\s*[^\W\d_]+)?", piece):
        return r"\d{1,3}(?:\s*[^\W\d_]+)?"
    kind = re.sub(r"\s*\d+$", "", piece)
    if is_kind(kind):
        return re.escape(kind) + (r"\s+\d+" if kind != piece else "")
    if not first and any(word[:1].isupper() for word in piece.split()):
        return f"(?P<org>{_FREE}{{2,120}}?)"
    return f"{_FREE}{{2,120}}?"

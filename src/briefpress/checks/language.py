"""Checks that read text rather than structure: verbatim fidelity and language.

Verbatim fields are compared with the original report, so a quote can never
drift from what a respondent said. Editorial fields and templates are checked
for stigmatising terms; quotes are never checked or altered.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from briefpress.checks.verify import verify
from briefpress.core.assets import THEME_TEMPLATES
from briefpress.core.errors import Location, Problem
from briefpress.core.i18n import (
    DOMAIN,
    base_language,
    catalog_dirs,
    catalog_languages,
    catalog_path,
)
from briefpress.data.load import Project
from briefpress.data.model import TO_WRITE
from briefpress.data.packs import packs_of
from briefpress.data.translations import field_label, missing_translations
from briefpress.source.clean import normalise_source
from briefpress.source.read import SourceError, read_source


def _fields_with(record: Any, flag: str, label: str) -> Iterator[tuple[str, str, Any]]:
    """(label, text, record) for every field of ``record`` carrying metadata ``flag``."""
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        name = f"{label}.{f.name.rstrip('_')}"
        if dataclasses.is_dataclass(value):
            yield from _fields_with(value, flag, name)
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            for i, item in enumerate(value):
                yield from _fields_with(item, flag, f"{name}[{i}]")
        elif f.metadata.get(flag) and value:
            for i, text in enumerate(value if isinstance(value, list) else [value]):
                suffix = f"[{i}]" if isinstance(value, list) else ""
                yield name + suffix, text, record


def verbatim_fields(project: Project) -> Iterator[tuple[Location, str, str]]:
    for data in project.reports.values():
        yield from (
            (data.report.loc, n, t) for n, t, _ in _fields_with(data.report, "verbatim", "report")
        )
        for kind in (
            "quotes",
            "literature",
            "findings",
            "recommendations",
            "models",
            "countries",
            "sources",
        ):
            for rid, record in data.collection(kind).items():
                for name, text, _ in _fields_with(record, "verbatim", f"{kind}[{rid}]"):
                    yield record.loc, name, text


def check_verbatim(project: Project, source_path: Path) -> list[Problem]:
    """Every verbatim field must appear in the report text after normalisation."""
    try:
        source = normalise_source(read_source(source_path))
    except SourceError as exc:
        return [Problem(Location(str(source_path)), str(exc))]
    fields = [
        ((loc, name), text)
        for loc, name, text in verbatim_fields(project)
        if text != TO_WRITE  # still to be written: check_drafts lists it
    ]
    problems = []
    for mismatch in verify(fields, source):
        loc, name = typing.cast(tuple[Location, str], mismatch.key)
        problems.append(
            Problem(loc, f"{name} is not verbatim in {source_path.name}: {mismatch.message}")
        )
    return problems


@dataclass(frozen=True)
class TermList:
    """The stigmatising terms of a project's packs and its own, compiled once."""

    terms: tuple[tuple[re.Pattern[str], str, str], ...]  # in English
    allowed: re.Pattern[str] | None  # community phrases in which a listed term is fine
    languages: dict[str, tuple[tuple[re.Pattern[str], str, str], ...]]


def _compiled(entries: list[tuple[str, str]]) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    return tuple((re.compile(rf"\b{re.escape(t)}\b", re.IGNORECASE), t, i) for t, i in entries)


@cache
def term_list(packs: tuple[str, ...], extra: tuple[str, ...] = ()) -> TermList:
    """The terms of the packs switched on (their ``language-terms.yaml``), and ``extra``
    (briefpress.yaml ``language_terms``); without packs, only the project's own."""
    found = [p.terms for p in packs_of(packs)]
    terms = [(t["term"], t.get("instead", "")) for data in found for t in data.get("terms", [])]
    terms += [(t, "") for t in extra]
    phrases = sorted({p for data in found for p in data.get("allowed", [])}, key=len, reverse=True)
    allowed = (
        re.compile("|".join(rf"\b{re.escape(p)}\b" for p in phrases), re.IGNORECASE)
        if phrases
        else None
    )
    by_language: dict[str, list[tuple[str, str]]] = {}
    for data in found:
        for language, listed in data.get("languages", {}).items():
            entries = [(t["term"], t.get("instead", "")) for t in listed]
            by_language.setdefault(language, []).extend(entries)
    languages = {language: _compiled(entries) for language, entries in by_language.items()}
    return TermList(_compiled(terms), allowed, languages)


def project_terms(project: Project) -> TermList:
    config = project.config
    return term_list(tuple(config.packs), tuple(config.language_terms))


def find_terms(
    text: str, patterns: Iterable[tuple[re.Pattern[str], str, str]], allowed: re.Pattern[str] | None
) -> list[str]:
    if allowed is not None:
        text = allowed.sub(" ", text)
    found = []
    for pattern, term, instead in patterns:
        if pattern.search(text):
            found.append(f"{term!r}" + (f" (write {instead!r})" if instead else ""))
    return found


def _template_texts(project: Project) -> Iterator[tuple[Location, str]]:
    """Literal text of templates: what we print around the data."""
    for folder in (project.root / "templates", THEME_TEMPLATES):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.j2")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>", " ", line)
                display = (
                    project.display(path)
                    if folder != THEME_TEMPLATES
                    else (f"briefpress theme/{path.relative_to(folder).as_posix()}")
                )
                yield Location(display, number), literal


def check_language(project: Project) -> list[Problem]:
    """Stigmatising terms in editorial text (data, briefs, templates): warnings."""
    terms = project_terms(project)
    problems = []

    def flag(loc: Location, where: str, text: str) -> None:
        for found in find_terms(text, terms.terms, terms.allowed):
            problems.append(
                Problem(loc, f"stigmatising term {found} in {where}", severity="warning")
            )

    for data in project.reports.values():
        for kind in (
            "report",
            "countries",
            "models",
            "themes",
            "findings",
            "quotes",
            "recommendations",
        ):
            records = [data.report] if kind == "report" else list(data.collection(kind).values())
            for record in records:
                for name, text, _ in _fields_with(record, "editorial", kind):
                    flag(record.loc, name, text)
    for brief in project.briefs.values():
        for name, text, _ in _fields_with(brief, "editorial", f"briefs/{brief.id}"):
            flag(brief.loc, name, text)
    for loc, text in _template_texts(project):
        flag(loc, "template text", text)
    return problems


def check_translations(project: Project) -> list[Problem]:
    """Report text that briefs in other languages show in English, for lack of a
    translation in ``translations/<lang>.yaml``, and stigmatising terms in our words in
    other languages: warnings, so ``--strict`` fails."""
    problems = missing_translations(list(project.briefs.values()), project.reports)
    return problems + check_other_languages(project)


def check_other_languages(project: Project) -> list[Problem]:
    """Our words in other languages: non-English briefs, content translations (not of
    verbatim fields: a translated quote stays true to the respondent) and catalogs."""
    problems: list[Problem] = []
    terms = project_terms(project)

    def flag(loc: Location, where: str, text: str, language: str) -> None:
        patterns = terms.languages.get(base_language(language), ())
        for found in find_terms(text, patterns, terms.allowed):
            problems.append(
                Problem(loc, f"stigmatising term {found} in {where}", severity="warning")
            )

    for brief in project.briefs.values():
        for name, text, _ in _fields_with(brief, "editorial", f"briefs/{brief.id}"):
            flag(brief.loc, name, text, brief.language)
    for data in project.reports.values():
        for language, source in data.translations.items():
            for path, entry in source.entries.items():
                if entry.verbatim:
                    continue
                texts = entry.value if isinstance(entry.value, tuple) else (entry.value,)
                for text in texts:
                    flag(
                        entry.loc,
                        f"the {language} translation of {field_label(path)}",
                        text,
                        language,
                    )
    dirs = catalog_dirs(project.root)
    for language in catalog_languages(dirs):
        path = catalog_path(language, dirs)
        where = (
            project.display(path)
            if path.is_relative_to(project.root)
            else (f"briefpress locale/{language}/LC_MESSAGES/{DOMAIN}.po")
        )
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.startswith("msgstr") or line.startswith('"'):
                flag(Location(where, number), "an interface translation", line, language)
    return problems

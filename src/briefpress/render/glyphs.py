"""Glyph check: every character a brief prints must be in a font of its stacks.

A brief prints with two font stacks (core/scripts.py): the brand's body or heading
font, then a font per script (``brand.fonts``, then the Noto fallbacks this machine
has). A character no font of a stack has would print as an empty box or in a font
nobody chose (the post-check catches that in the PDF). Checking the HTML before
WeasyPrint runs lets the build fail first, naming the character and, where we can
find it, the field, translation or catalog entry it came from.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefpress.core.errors import Location, Problem
from briefpress.core.fonts import StackCoverage, font_files, shipped_coverage
from briefpress.core.i18n import catalog_for, catalog_path
from briefpress.core.scripts import FontStacks
from briefpress.data.model import BriefSpec, ReportData

# Never drawn: control and format characters (soft hyphen, zero-width joiners) and
# line or paragraph separators; WeasyPrint needs no glyph for them.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# Elements whose text is not drawn on the page.
HIDDEN_ELEMENTS = {"head", "style", "script", "title", "desc", "template"}


@dataclass(frozen=True)
class Missing:
    """A character no brand font can draw, and a little of the text around it."""

    char: str
    family: str
    sample: str

    @property
    def name(self) -> str:
        code = f"U+{ord(self.char):04X}"
        name = unicodedata.name(self.char, "")
        return f"{self.char!r} ({code}{', ' + name if name else ''})"


class _TextCollector(HTMLParser):
    """The text a page shows: text nodes outside <head>, plus ``data-*`` attributes,
    which the theme's CSS prints through ``string-set`` (running heads, page words)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
        self.texts += [v for k, v in attrs if k.startswith("data-") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.texts.append(data)


def printed_text(html: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return collector.texts


def coverage(project_root: Path, families: Iterable[str]) -> dict[str, frozenset[int]]:
    """The brand families we have files for; a family we cannot find is left to the
    post-check, which sees what WeasyPrint actually embedded."""
    known = shipped_coverage(font_files(project_root))
    return {f: known[f] for f in dict.fromkeys(families) if f in known}


def stack_coverage(project_root: Path, stacks: FontStacks) -> dict[str, StackCoverage]:
    """Per stack (named by its brand font), what some font of it can draw: the fonts
    the theme and project ship first, then those installed. A stack whose brand font
    is nowhere is left to the post-check, which sees what WeasyPrint embedded."""
    shipped = shipped_coverage(font_files(project_root))
    found = {}
    for stack in (stacks.body, stacks.heading):
        covered = StackCoverage(stack, shipped)
        if covered.available(stack[0]):
            found[stack[0]] = covered
    return found


def missing_glyphs(texts: Iterable[str], fonts: Mapping[str, Container[int]]) -> list[Missing]:
    """Characters of ``texts`` that one of the ``fonts`` (a family or a stack named by its
    first family) cannot draw, once each."""
    found: dict[str, Missing] = {}
    seen: set[str] = set()  # each character is looked up once, not at every use
    for text in texts:
        for index, char in enumerate(text):
            if char in seen:
                continue
            seen.add(char)
            if char.isspace() and char not in "\u00a0\u202f":
                continue
            if unicodedata.category(char) in INVISIBLE_CATEGORIES:
                continue
            for family, chars in fonts.items():
                if ord(char) not in chars:
                    sample = " ".join(text[max(0, index - 30) : index + 30].split())
                    found[char] = Missing(char, family, sample)
                    break
    return list(found.values())


# --- where a character came from ----------------------------------------------------------


def _strings(value: Any, label: str) -> Iterator[tuple[str, str]]:
    """(label, text) for every string in a record, nested records and lists included."""
    if isinstance(value, str):
        yield label, value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{label}[{i}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if not f.metadata.get("internal"):
                yield from _strings(getattr(value, f.name), f"{label}.{f.name.rstrip('_')}")


def _brief_origin(char: str, brief: BriefSpec) -> tuple[Location, str] | None:
    for label, text in _strings(brief, "brief"):
        if char in text:
            field = label.split(".", 1)[1].split(".")[0].split("[")[0]
            return brief.locs.get(field, brief.loc), f"{label[6:]} of brief {brief.id!r}"
    return None


def _translation_origin(
    char: str, brief: BriefSpec, data: ReportData
) -> tuple[Location, str] | None:
    from briefpress.data.translations import field_label, translations_for

    source = translations_for(data, brief.language)
    for path, entry in source.entries.items() if source else ():
        texts = entry.value if isinstance(entry.value, tuple) else (entry.value,)
        if any(char in t for t in texts):
            return (
                entry.loc,
                f"the {source.language if source else ''} translation of {field_label(path)}",
            )
    return None


def _data_origin(char: str, data: ReportData) -> tuple[Location, str] | None:
    from briefpress.data.model import RECORD_FILES

    records: list[tuple[str, Any]] = [("report", data.report)]
    for name in RECORD_FILES:
        records += [(f"{name}[{rid}]", r) for rid, r in data.collection(name).items()]
    for label, record in records:
        for text_label, text in _strings(record, label):
            if char in text:
                attr = text_label.removeprefix(label + ".").split(".")[0].split("[")[0]
                return record.locs.get(attr, record.loc), text_label
    return None


def _catalog_origin(char: str, language: str) -> tuple[Location, str] | None:
    catalog = catalog_for(language)
    if catalog is None:
        return None
    path = catalog_path(catalog)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr") and char in line:
            return Location(f"briefpress locale/{catalog}/LC_MESSAGES/{path.name}", number), (
                "an interface translation"
            )
    return None


def origin(char: str, brief: BriefSpec, data: ReportData | None) -> tuple[Location, str]:
    """Where a character most likely came from: the brief, a translation, the report
    data, or the interface catalog; else the template."""
    found = _brief_origin(char, brief)
    if found is None and data is not None:
        found = _translation_origin(char, brief, data) or _data_origin(char, data)
    found = found or _catalog_origin(char, brief.language)
    return found or (Location(brief.file), f"the text of brief {brief.id!r}")


def check_glyphs(
    html: str,
    brief: BriefSpec,
    data: ReportData | None,
    project_root: Path,
    stacks: FontStacks,
) -> list[Problem]:
    """An error for each character of the brief that no font of a stack has a glyph for."""
    fonts = stack_coverage(project_root, stacks)
    if not fonts:
        return []
    problems = []
    for missing in missing_glyphs(printed_text(html), fonts):
        where, what = origin(missing.char, brief, data)
        problems.append(
            Problem(
                where,
                f"character {missing.name} in {what} has no glyph in {missing.family} "
                "or any font for its script",
                f"near “{missing.sample}”; name a font for this script under brand: fonts: in "
                "briefpress.yaml (see README, Languages), or install the Noto fonts "
                "(python scripts/system_deps.py build)",
            )
        )
    return problems

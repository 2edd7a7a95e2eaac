"""Content translations: report text in other languages, from ``translations/<lang>.yaml``.

A report folder may hold ``translations/es.yaml`` (or ``pt-PT.yaml``) shaped like
the data it translates, record by record, field by field::

    countries:
      portugal:
        summary: "Portugal deriva a ..."
        facts:
          dissuasion-commissions: {label: "...", value: "..."}
    findings:
      dissuasion-stigma-shift: {headline: "..."}
    report:
      sections:
        "4.1": {title: "..."}

Any printed text field can be translated (verbatim, editorial, names and
headings). A missing translation falls back to English; ``check`` lists the
ones a brief shows. Translated report words stay marked as translations
(:class:`~briefpress.i18n.LocalText`), so no translated quote passes for the
respondent's own words.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from briefpress.core.errors import Location, Problem
from briefpress.core.i18n import LocalText, base_language, parse_locale
from briefpress.data import kinds
from briefpress.data.fields import EDITORIAL
from briefpress.data.model import RECORD_FILES, BriefSpec, Report, ReportData
from briefpress.data.schema import Builder, yaml_name
from briefpress.data.select import resolve_sections, select
from briefpress.data.yamlload import YamlDocument, load_yaml

FieldPath = tuple[str, ...]  # ("countries", "portugal", "facts", "law", "label")
FLAGS = ("verbatim", "editorial", "text")
COLLECTIONS: dict[str, type] = {"report": Report, **RECORD_FILES}
CREDIT_KEY = "translation"  # who translated: not report text, but about it


@dataclass(frozen=True)
class Entry:
    """One translated field: its text (a list for list fields) and where it is written."""

    value: str | tuple[str, ...]
    loc: Location
    verbatim: bool = False  # a translation of the report's own words: labelled as one


@dataclass(frozen=True)
class TranslationCredit:
    """Who translated a report's words into one language (``translation:`` in the
    translations file). Left out, a brief says only that its report passages are
    translated and that the English edition is authoritative: we never guess a name."""

    by: str | None = None
    note: str | None = field(default=None, metadata=EDITORIAL)


@dataclass
class ContentTranslations:
    """The translations of one report into one language."""

    language: str
    file: str
    entries: dict[FieldPath, Entry] = field(default_factory=dict)
    credit: TranslationCredit | None = None

    def get(self, path: FieldPath) -> Entry | None:
        return self.entries.get(path)


# --- what can be translated ------------------------------------------------------------


@cache
def field_kinds(cls: type) -> dict[str, tuple[str, str, Any]]:
    """Translatable fields of a record class: yaml name -> (attribute, kind, nested class).

    Kinds: ``text`` (one string), ``texts`` (a list of strings, translated as a list
    of the same length), ``record`` (a nested record, by field name) and ``records``
    (nested records with ids, such as a country's facts, by id).
    """
    hints = typing.get_type_hints(cls)
    kinds: dict[str, tuple[str, str, Any]] = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal") or f.name == "id":
            continue
        tp = hints[f.name]
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = args[0] if args else None
        flagged = any(f.metadata.get(flag) for flag in FLAGS)
        optional = typing.get_origin(tp) in (typing.Union, types.UnionType)
        if dataclasses.is_dataclass(tp) or (optional and dataclasses.is_dataclass(inner)):
            nested = tp if dataclasses.is_dataclass(tp) else inner  # ``Spectrum | None`` too
            kinds[yaml_name(f.name)] = (f.name, "record", nested)
        elif typing.get_origin(tp) is list and dataclasses.is_dataclass(inner):
            kinds[yaml_name(f.name)] = (f.name, "records", inner)
        elif flagged and typing.get_origin(tp) is list:
            kinds[yaml_name(f.name)] = (f.name, "texts", None)
        elif flagged:
            kinds[yaml_name(f.name)] = (f.name, "text", None)
    return kinds


def _is_verbatim(cls: Any, attr: str) -> bool:
    """Whether a field holds the report's own words (model.py's ``verbatim`` metadata)."""
    return any(f.name == attr and f.metadata.get("verbatim") for f in dataclasses.fields(cls))


def _has_text(cls: Any) -> bool:
    """Whether a record class has anything translatable, directly or nested."""
    if not dataclasses.is_dataclass(cls):
        return False
    kinds = field_kinds(typing.cast(Any, cls)).values()
    return any(kind in ("text", "texts") or _has_text(nested) for _, kind, nested in kinds)


# --- loading and validation ---------------------------------------------------------------


class _Reader:
    """Checks one translations file against the report it translates, keeping file:line."""

    def __init__(self, doc: YamlDocument, target: ContentTranslations) -> None:
        self.doc = doc
        self.target = target
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.doc.key_loc(*path), message, hint))

    def unknown(self, path: tuple[str, ...], what: str, value: str, known: list[str]) -> None:
        close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else None
        if hint is None and len(known) <= 12:
            hint = f"one of {', '.join(known)}" if known else f"no {what} can be translated here"
        self.problem(path, f"unknown {what} {value!r}", hint)

    def mapping(self, data: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
        if isinstance(data, dict):
            return {str(k): v for k, v in data.items()}
        self.problems.append(Problem(self.doc.loc(*path), "expected a mapping"))
        return None

    def collections(self, data: Any, report_data: ReportData) -> None:
        top = self.mapping(data, ())
        for name, records in (top or {}).items():
            if name == CREDIT_KEY:
                self.credit(records)
            elif name not in COLLECTIONS:
                self.unknown((name,), "collection", name, [*COLLECTIONS, CREDIT_KEY])
            elif name in report_data.broken:
                continue  # its own file has errors: unknown ids here would only be noise
            elif name == "report":
                self.record(report_data.report, records, (name,), (name,))
            else:
                self.collection(name, report_data.collection(name), records)

    def credit(self, data: Any) -> None:
        """``translation: {by: ..., note: ...}``, checked like any record."""
        builder = Builder(self.doc)
        self.target.credit = builder.build(TranslationCredit, data, (CREDIT_KEY,))
        self.problems.extend(builder.problems)

    def collection(self, name: str, known: dict[str, Any], data: Any) -> None:
        for rid, fields in (self.mapping(data, (name,)) or {}).items():
            record = known.get(rid)
            if record is None:
                self.unknown((name, rid), f"{name} id", rid, list(known))
                continue
            self.record(record, fields, (name, rid), (name, rid))

    def record(self, record: Any, data: Any, path: tuple[str, ...], key: FieldPath) -> None:
        """One record's fields; ``path`` is where in the YAML, ``key`` the field path."""
        fields = self.mapping(data, path)
        kinds = field_kinds(typing.cast(Any, type(record)))
        for name, value in (fields or {}).items():
            where = (*path, name)
            if name not in kinds:
                known = [
                    k
                    for k, (_, kind, n) in kinds.items()
                    if kind in ("text", "texts") or _has_text(n)
                ]
                close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
                hint = f"did you mean {', '.join(map(repr, close))}?" if close else None
                hint = hint or (f"translatable: {', '.join(known)}" if known else None)
                self.problem(where, f"{path[0]} has no translatable field {name!r}", hint)
                continue
            attr, kind, _ = kinds[name]
            original = getattr(record, attr)
            if kind == "record" and original is None:
                self.problem(where, "there is no English text here to translate")
            elif kind == "record":
                self.record(original, value, where, (*key, name))
            elif kind == "records":
                by_id = {str(r.id): r for r in original}
                for rid, sub in (self.mapping(value, where) or {}).items():
                    if rid not in by_id:
                        self.unknown((*where, rid), f"{name} id", rid, list(by_id))
                    else:
                        self.record(by_id[rid], sub, (*where, rid), (*key, name, rid))
            else:
                verbatim = _is_verbatim(type(record), attr)
                self.text(kind, original, value, where, (*key, name), verbatim)

    def text(
        self,
        kind: str,
        original: Any,
        value: Any,
        where: tuple[str, ...],
        key: FieldPath,
        verbatim: bool,
    ) -> None:
        """One translated text (or list of texts), checked against the English it replaces."""
        loc = self.doc.loc(*where)
        if original is None or original == []:
            self.problem(where, "there is no English text here to translate")
        elif kind == "text" and isinstance(value, str) and value.strip():
            self.target.entries[key] = Entry(value, loc, verbatim)
        elif kind == "text":
            self.problems.append(Problem(loc, "expected the translated text"))
        elif not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
            self.problems.append(Problem(loc, "expected a list of translated texts"))
        elif len(value) != len(original):
            self.problems.append(
                Problem(
                    loc,
                    f"{len(value)} item(s), but the English has {len(original)}",
                    "translate each item, in the same order",
                )
            )
        else:
            self.target.entries[key] = Entry(tuple(value), loc, verbatim)


def load_translations(
    folder: Path, data: ReportData, display: Any
) -> tuple[dict[str, ContentTranslations], list[Problem]]:
    """Every ``translations/<lang>.yaml`` of a report folder, checked against its data."""
    found: dict[str, ContentTranslations] = {}
    problems: list[Problem] = []
    directory = folder / "translations"
    if not directory.is_dir():
        return found, problems
    for path in sorted(directory.glob("*.yaml")):
        shown = display(path)
        tag = path.stem
        if parse_locale(tag) is None:
            problems.append(
                Problem(
                    Location(shown),
                    f"{tag!r} is not a language tag Babel knows",
                    "name the file after the brief language, e.g. es.yaml or pt-PT.yaml",
                )
            )
            continue
        if base_language(tag) == base_language(data.report.language):
            problems.append(
                Problem(
                    Location(shown),
                    f"the report data is already in {data.report.language!r}",
                    "translations are for other languages (report.yaml: language:)",
                )
            )
            continue
        project_root = folder.parent.parent  # reports/<id>/ lies in the project
        doc, read_problems = load_yaml(path, shown, roots=[project_root])
        problems.extend(read_problems)
        if doc is None or doc.data is None:
            continue
        target = ContentTranslations(tag, shown)
        reader = _Reader(doc, target)
        reader.collections(doc.data, data)
        problems.extend(reader.problems)
        found[tag] = target
    return found, problems


# --- applying translations ------------------------------------------------------------------


def translations_for(data: ReportData, tag: str) -> ContentTranslations | None:
    """A brief language's translations: its own file (``pt-PT``), else its language's."""
    found: ContentTranslations | None = data.translations.get(tag) or data.translations.get(
        base_language(tag)
    )
    return found


def _localise_record(
    record: Any, key: FieldPath, source: ContentTranslations | None, tag: str, own: str
) -> Any:
    """A copy of ``record`` whose text fields are LocalText: translated where we can."""
    changes: dict[str, Any] = {}
    for name, (attr, kind, _) in field_kinds(typing.cast(Any, type(record))).items():
        original = getattr(record, attr)
        if original is None:
            continue
        if kind == "record":
            changes[attr] = _localise_record(original, (*key, name), source, tag, own)
        elif kind == "records":
            changes[attr] = [
                _localise_record(r, (*key, name, str(r.id)), source, tag, own) for r in original
            ]
        else:
            entry = source.get((*key, name)) if source else None
            changes[attr] = _local_value(original, entry, tag, own)
    return dataclasses.replace(record, **changes) if changes else record


def _local_value(original: Any, entry: Entry | None, tag: str, own: str) -> Any:
    """A text in ``tag``: its translation, else the report's own words (in ``own``)."""
    if entry is None:
        if isinstance(original, list):
            return [LocalText(v, own, False) for v in original]
        return LocalText(original, own, False)
    if isinstance(entry.value, tuple):
        return [LocalText(v, tag, True, o) for v, o in zip(entry.value, original, strict=True)]
    return LocalText(entry.value, tag, True, original)


def localise(data: ReportData, tag: str) -> ReportData:
    """The report as a brief in ``tag`` shows it; the data itself in the report's language.

    The same report and language give the same records, and a mailing asks for them
    once a letter: the last few answers are kept (by the report object's identity, so an
    edited and reloaded report is localised anew)."""
    if base_language(tag) == base_language(data.report.language):
        return data
    for known, known_tag, localised in _LOCALISED:
        if known is data and known_tag == tag:
            return localised
    localised = _localise(data, tag)
    _LOCALISED.appendleft((data, tag, localised))
    return localised


_LOCALISED: deque[tuple[ReportData, str, ReportData]] = deque(maxlen=8)


def _localise(data: ReportData, tag: str) -> ReportData:
    source, own = translations_for(data, tag), data.report.language
    changes: dict[str, Any] = {
        name: {
            rid: _localise_record(r, (name, rid), source, tag, own) for rid, r in records.items()
        }
        for name, records in ((n, data.collection(n)) for n in RECORD_FILES)
    }
    changes["report"] = _localise_record(data.report, ("report",), source, tag, own)
    return dataclasses.replace(data, **changes)


# --- what a brief shows, and what is missing -------------------------------------------------

# Our words and the names a brief prints around the report's words: these need a
# translation in another language's brief. Verbatim passages (quotes, findings'
# supporting text, recommendations) may stay in English, labelled as the English edition.
OWN_COUNTRY: tuple[FieldPath, ...] = (
    ("name",),
    ("summary",),
    ("facts", "*", "label"),
    ("facts", "*", "value"),
    ("notes",),
)
SECTION_FIELDS: dict[str, tuple[FieldPath, ...]] = {
    "findings": (("headline",),),
    "themes": (("name",), ("description",)),
    "models": (("name",),),
    "countries": (("name",),),
}
NAMES_EVERYWHERE: dict[str, tuple[FieldPath, ...]] = {
    "countries": (("name",),),
    "models": (("name",),),
}  # the spectrum figure


def _expand(record: Any, key: FieldPath, pattern: FieldPath) -> Iterator[FieldPath]:
    """Concrete field paths for a pattern; ``*`` stands for every nested record's id."""
    head, *rest = pattern
    if not rest:
        if getattr(record, head, None):
            yield (*key, head)
        return
    if rest[0] == "*":
        for sub in getattr(record, head):
            yield from _expand(sub, (*key, head, str(sub.id)), tuple(rest[1:]))


def shown_fields(brief: BriefSpec, data: ReportData) -> Iterator[FieldPath]:
    """Field paths of the editorial text and names a brief prints."""
    records: list[tuple[str, Any, tuple[FieldPath, ...]]] = []
    kind = kinds.get(brief.kind)
    letter = kind is not None and not kind.report_apparatus  # no figure, no footnotes
    for name, patterns in () if letter else NAMES_EVERYWHERE.items():
        records += [(name, r, patterns) for r in data.collection(name).values()]
    country = data.countries.get(brief.country or "")
    if country is not None:
        records.append(("countries", country, OWN_COUNTRY))
    themes = [data.themes[t] for t in brief.all_themes if t in data.themes]
    records += [("themes", theme, SECTION_FIELDS["themes"]) for theme in themes]
    for section in resolve_sections(brief, data.report):
        name = section.from_ or section.name
        if name in SECTION_FIELDS:
            chosen = select(data.collection(name), section)
            records += [(name, r, SECTION_FIELDS[name]) for r in chosen]
    for name, record, patterns in records:
        for pattern in patterns:
            yield from _expand(record, (name, str(record.id)), pattern)
    for heading in [] if letter else data.report.sections:
        yield ("report", "sections", heading.id, "title")
    yield from _report_labels(brief, data)


def _report_labels(brief: BriefSpec, data: ReportData) -> Iterator[FieldPath]:
    """The report's own labels a brief prints: place words, and the spectrum's words."""
    report = data.report
    for attr in ("place_label", "places_label"):
        if getattr(report, attr):
            yield ("report", attr)
    kind = kinds.get(brief.kind)
    for attr in kind.report_labels if kind else ():
        if getattr(report, attr) and (attr != "asks_title" or report.asks_section):
            yield ("report", attr)
    if report.spectrum is not None and data.models and kind is not None and kind.spectrum:
        for attr in ("name", "step", "steps_caption", "caption", "source", "baseline", "goal"):
            if getattr(report.spectrum, attr):
                yield ("report", "spectrum", attr)


def field_label(path: FieldPath) -> str:
    """``countries[portugal].facts[law].label``: a field as the user finds it in YAML."""
    name, rest = path[0], list(path[1:])
    text = name if name == "report" else f"{name}[{rest.pop(0)}]"
    while rest:
        part = rest.pop(0)
        text += f".{part}[{rest.pop(0)}]" if len(rest) >= 2 else f".{part}"
    return text


def reader_languages(brief: BriefSpec) -> list[str]:
    """The languages a brief is read in: its own, and for a letter each language it is
    translated into (a mailing prints the report's text in the recipient's language)."""
    letter = brief.letter
    extra = list(letter.translations) if letter is not None else []
    return list(dict.fromkeys([brief.language, *extra]))


def missing_translations(briefs: list[BriefSpec], reports: dict[str, ReportData]) -> list[Problem]:
    """Warnings for report text that non-English briefs show in English for lack of a
    translation: one per field and language, naming the briefs that show it."""
    missing: dict[tuple[str, str, FieldPath], list[str]] = {}
    for brief in briefs:
        data = reports.get(brief.report)
        if data is None:
            continue
        for language in reader_languages(brief):
            own = base_language(data.report.language)
            if base_language(language) == own or parse_locale(language) is None:
                continue  # the report's own language, or a tag validation reports
            source = translations_for(data, language)
            for path in dict.fromkeys(shown_fields(brief, data)):
                if source is None or source.get(path) is None:
                    missing.setdefault((brief.report, language, path), []).append(brief.id)
    problems = []
    for (report, tag, path), brief_ids in missing.items():
        data = reports[report]
        source = translations_for(data, tag)
        file = source.file if source else f"reports/{report}/translations/{tag}.yaml"
        problems.append(
            Problem(
                Location(file),
                f"no {tag} translation of {field_label(path)}: shown in English in "
                f"{', '.join(sorted(set(brief_ids)))}",
                severity="warning",
            )
        )
    return problems

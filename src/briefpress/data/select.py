"""Select stage: pure functions that pick report records for a brief's sections.

Each kind of brief has default sections, so a spec with no ``sections`` still
builds; a spec's own section with the same name replaces the default one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from briefpress.data import kinds
from briefpress.data.model import BriefSpec, Report, SectionSpec

ORDERS = ("report", "-report", "country", "length", "-length")


def default_sections(brief: BriefSpec, report: Report | None = None) -> list[SectionSpec]:
    """The slots a kind of brief fills when its spec says nothing else (its kind's module
    in data/kinds/ declares them).

    They select by meaning, not by one report's numbering: a place brief takes that
    place's quotes and findings, a theme brief its themes'. Section numbers come only
    from the report's own data (``asks_section``, the spectrum's ``section``).
    """
    kind = kinds.get(brief.kind)
    return kind.sections(brief, report) if kind else []


def resolve_sections(brief: BriefSpec, report: Report | None = None) -> list[SectionSpec]:
    """Defaults first, replaced by name or extended by the spec's own sections."""
    merged = {s.name: s for s in default_sections(brief, report)}
    for section in brief.sections:
        merged[section.name] = section
    return list(merged.values())


def _values(record: Any, *attrs: str) -> set[str]:
    found: set[str] = set()
    for attr in attrs:
        value = getattr(record, attr, None)
        if value is None:
            continue
        if isinstance(value, str):
            found.add(value)
        else:
            found.update(str(v) for v in value)
    return found


def record_countries(record: Any) -> set[str]:
    """The countries a record concerns, whatever its type."""
    kind = type(record).__name__
    if kind == "Country":
        return {record.id}
    return _values(record, "country", "countries", "study_countries")


def record_themes(record: Any) -> set[str]:
    if type(record).__name__ == "Theme":
        return {record.id}
    return _values(record, "themes")


def in_section(record: Any, wanted: Iterable[str]) -> bool:
    """True when the record's report section is one of ``wanted`` or below it."""
    section = getattr(record, "section", None)
    if section is None:
        return False
    return any(section == w or section.startswith(f"{w}.") for w in wanted)


def matches(record: Any, spec: SectionSpec) -> bool:
    if spec.country and not record_countries(record) & set(spec.country):
        return False
    if spec.theme and not record_themes(record) & set(spec.theme):
        return False
    if spec.except_section and in_section(record, spec.except_section):
        return False
    return not (spec.section and not in_section(record, spec.section))


def _text_length(record: Any) -> int:
    return len(getattr(record, "text", "") or "")


def order_records(records: list[Any], order: str) -> list[Any]:
    """Sort records; ``report`` keeps the order in which the report prints them."""
    if order == "-report":
        return list(reversed(records))
    if order == "country":
        return sorted(records, key=lambda r: sorted(record_countries(r)) or [""])
    if order == "length":
        return sorted(records, key=_text_length)
    if order == "-length":
        return sorted(records, key=_text_length, reverse=True)
    return records


def select(collection: Mapping[str, Any], spec: SectionSpec) -> list[Any]:
    """The records a section shows: explicit ids as listed, else filtered and ordered."""
    if spec.ids:
        chosen = [collection[i] for i in spec.ids if i in collection]
    else:
        ordered = sorted(collection.values(), key=lambda r: getattr(r, "order", 0))
        chosen = order_records([r for r in ordered if matches(r, spec)], spec.order)
    if spec.limit is not None:
        chosen = chosen[: spec.limit]
    return chosen


def group_by_country(records: Iterable[Any]) -> dict[str, list[Any]]:
    """Records grouped under each country they concern, countries in first-seen order."""
    groups: dict[str, list[Any]] = {}
    for record in records:
        for country in sorted(record_countries(record)) or [""]:
            groups.setdefault(country, []).append(record)
    return groups

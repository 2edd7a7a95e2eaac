"""Export report records as JSON, CSV or YAML, for spreadsheets and other tools."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

import yaml

from briefpress.core.files import spreadsheet_text
from briefpress.data.model import SELECTABLE, ReportData
from briefpress.data.select import record_countries, record_themes

EXPORTABLE = (*SELECTABLE, "organisations")


def plain(record: Any) -> dict[str, Any]:
    """A record as plain data, without internal fields such as its file location."""
    result: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        if f.metadata.get("internal"):
            continue
        value = getattr(record, f.name)
        if dataclasses.is_dataclass(value):
            value = plain(value)
        elif isinstance(value, list):
            value = [plain(v) if dataclasses.is_dataclass(v) else v for v in value]
        result[f.name.rstrip("_")] = value
    return result


def export_record(kind: str, record: Any, data: ReportData) -> dict[str, Any]:
    row = plain(record)
    if kind == "quotes":
        country = data.countries.get(record.country)
        org = data.organisations.get(record.organisation or "")
        row["country_id"] = record.country
        row["country"] = country.name if country else record.country
        row["organisation_id"] = record.organisation
        row["organisation"] = org.short if org else None
        row["organisation_name"] = org.name if org else None
    return row


def export(
    data: ReportData, kind: str, country: str | None = None, theme: str | None = None
) -> list[dict[str, Any]]:
    records = list(data.collection(kind).values())
    records.sort(key=lambda r: getattr(r, "order", 0))
    if country:
        records = [r for r in records if country in record_countries(r)]
    if theme:
        records = [r for r in records if theme in record_themes(r)]
    return [export_record(kind, r, data) for r in records]


def _cell(value: Any) -> str:
    """A CSV cell: a spreadsheet shows it as text, never runs it as a formula (a quote
    starting with "=" or "-" is the report's words, not a calculation)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return spreadsheet_text(_text(value))
    return str(value)  # a number, negative ones included, stays a number


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def serialise(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=100)
    buffer = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    # RFC 4180 line ends: a cell holding a carriage return is then quoted, never a row break
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return buffer.getvalue()

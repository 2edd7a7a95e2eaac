"""New findings and themes, added to the report's data from the studio.

An import leaves ``findings: []`` and ``themes: []`` for a person to write. A theme is
our words (a name, a description); a finding pairs a headline of ours with the
report's own passage, which, like a quote, is never typed: it must be a run of the
report's text that the import keeps (``source.txt``), and it is written as the report
has it. A new record goes last in its file, in the style of the records already there
(one line in braces, or a key a line), and the whole project is validated with it
before anything is written, as for every change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from briefpress.studio import records, recut, words, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

CREATABLE = ("findings", "themes")
FIELDS = {
    "themes": ("id", "name", "description"),
    "findings": ("id", "headline", "text", "section", "themes", "places", "quotes"),
}


def slug(text: str) -> str:
    """An id for a new record from its name, in whatever script it is written."""
    return words.slug(text, 40) or "new"


def free_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def _evidence(files: ProjectFiles, report: str, text: str) -> str | list[str]:
    """A finding's passage as the report has it, or why it is refused."""
    source = recut.source_text(files, report)
    if source is None:
        message = f"the report's text is not kept in this project ({recut.source_file(report)})"
        hint = "import the report again (briefpress import ... --merge) to keep it"
        raise records.Invalid([{"field": "text", "message": message, "hint": hint}])
    found = recut.locate(source, text)
    if found is None:
        message = "the passage is not, word for word, in the report's text"
        hint = "copy it from the report; spaces and line breaks do not matter"
        raise records.Invalid([{"field": "text", "message": message, "hint": hint}])
    return recut.written(source[found[0] : found[1]])


def _record(
    files: ProjectFiles, report: str, collection: str, fields: Mapping[str, Any], key: str
) -> CommentedMap:
    record = CommentedMap()
    for name in FIELDS[collection]:
        value = fields.get(name)
        if value in (None, "", []):
            continue
        if name == "text":
            value = _evidence(files, report, str(value))
        elif name in ("themes", "places", "quotes"):
            value = [check_id(str(v), "id") for v in value]
        target = key if name == "places" else name
        if isinstance(value, list) and name == "text":
            yamledit.set_text(record, target, value)
        else:
            yamledit.set_value(record, target, value)
    return record


def _places_key(items: list[Any]) -> str:
    """``places`` or ``countries``: whichever the file's records already use."""
    for item in items:
        if isinstance(item, Mapping):
            for key in ("places", "countries"):
                if key in item:
                    return key
    return "countries"


def create(
    files: ProjectFiles,
    report: str,
    collection: str,
    fields: Mapping[str, Any],
    based_on: str | None,
) -> tuple[str, str]:
    """Add a finding or a theme; returns its id and the file's new etag."""
    check_id(report, "report id")
    if collection not in CREATABLE:
        raise Refused(f"{collection} are not added here")
    unknown = [name for name in fields if name not in FIELDS[collection]]
    if unknown:
        message = f"{unknown[0]} is not a field of a new {collection[:-1]}"
        hint = ", ".join(FIELDS[collection])
        raise records.Invalid([{"field": unknown[0], "message": message, "hint": hint}])
    title = str(fields.get("name") or fields.get("headline") or "").strip()
    if not title:
        name = "name" if collection == "themes" else "headline"
        raise records.Invalid([{"field": name, "message": f"write the {name} first"}])
    relative, key = records.record_file(files.root, report, collection)
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    items = yamledit.records(doc, key)
    taken = {str(i.get("id")) for i in items if isinstance(i, Mapping)}
    record_id = free_id(check_id(str(fields.get("id") or slug(title)), "id"), taken)
    record = _record(files, report, collection, {**fields, "id": record_id}, _places_key(items))
    _append(items, record)
    new = yamledit.clear_markers(text, yamledit.carry_over(text, before, yamledit.dump(doc)))
    problems = records.propose(files, relative, new, lambda p: _field(new, p, record))
    what = f"new {collection[:-1]} {record_id}"
    return record_id, records.written(files, relative, new, based_on, what, problems)


def _append(items: Any, record: CommentedMap) -> None:
    """Last in the list, in the style of the one before it (an empty list opens up)."""
    last = items[-1] if len(items) else None
    if isinstance(last, CommentedMap) and last.fa.flow_style():
        record.fa.set_flow_style()
    items.fa.set_block_style()
    items.append(record)


def _field(text: str, problem: Any, record: CommentedMap) -> str | None:
    """The field of the new record a problem's line writes (the API's name)."""
    line = problem.location.line
    lines = text.splitlines()
    if line is None or not 0 < line <= len(lines):
        return None
    name = next((k for k in record if f"{k}:" in lines[line - 1]), None)
    return {"countries": "places"}.get(str(name), name) if name else None

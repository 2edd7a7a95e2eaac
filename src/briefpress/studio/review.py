"""An import's review as a to-do list: REVIEW.md's items and the ``TO WRITE`` fields.

``briefpress import`` leaves two kinds of work: the items of ``REVIEW.md`` (what it was
unsure of, as ``- [ ]`` lines) and the fields marked ``# TO WRITE`` in the YAML files.
The studio lists both as rows. An item is settled by ticking it, which writes ``[x]`` on
its line of REVIEW.md; a field is settled by writing it, which writes the value on its
line and takes the marker away. What is left is counted, down to 0.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from briefpress.checks.drafts import marked_lines
from briefpress.data import model
from briefpress.data.yamlload import parse_yaml
from briefpress.importer.draft import TOWN_NOTE
from briefpress.importer.write import REVIEW
from briefpress.studio import records, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

ITEM = re.compile(r"^- \[( |x)\] \*\*(.+?)\*\*: (.*)$")
RECORD = re.compile(r"^(\w+)\.yaml \(([^)]+)\)$")
FILES = {"countries": "places", "places": "places"}


def verbatim_names() -> set[str]:
    """Every field that holds the report's own words, in any record."""
    names = set()
    for value in vars(model).values():
        if dataclasses.is_dataclass(value) and isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.metadata.get("verbatim"):
                    names.add(f.name)
    return names


VERBATIM = verbatim_names() | {"evidence"}


def review_items(files: ProjectFiles, report: str) -> list[dict[str, Any]]:
    """REVIEW.md's "To review" items, each with its line number and a link to its record."""
    relative = f"reports/{check_id(report, 'report id')}/{REVIEW}"
    try:
        text = files.read(relative).decode("utf-8")
    except FileNotFoundError:
        return []
    items = []
    in_review = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            in_review = line.strip() == "## To review"
            continue
        match = ITEM.match(line)
        if in_review and match:
            where = match.group(2)
            items.append(
                {
                    "line": number,
                    "settled": match.group(1) == "x",
                    "where": where,
                    "message": match.group(3),
                    "link": _link(report, where),
                    **_shown(where, match.group(3)),
                }
            )
    return items


def _shown(where: str, message: str) -> dict[str, str]:
    """How the page words an item: a town by its name rather than its file and id."""
    town, said, rest = message.partition(" is a place ")
    if said and TOWN_NOTE in rest:
        return {"shown": town, "said": f"a place {rest}"}
    return {"shown": where, "said": message}


def _link(report: str, where: str) -> str | None:
    match = RECORD.match(where)
    if match is None:
        return None
    stem, record = match.groups()
    collection = FILES.get(stem, stem)
    if collection not in records.COLLECTIONS:
        return None
    return f"/reports/{report}/{collection}?q={record}"


def settle(files: ProjectFiles, report: str, line: int, settled: bool) -> str:
    """Tick (or untick) one item of REVIEW.md."""
    relative = f"reports/{check_id(report, 'report id')}/{REVIEW}"
    lines = files.read(relative).decode("utf-8").splitlines(keepends=True)
    if not 1 <= line <= len(lines) or not ITEM.match(lines[line - 1].rstrip("\n")):
        raise Refused(f"line {line} of {relative} is not an item to review")
    mark = "[x]" if settled else "[ ]"
    lines[line - 1] = re.sub(r"^- \[( |x)\]", f"- {mark}", lines[line - 1])
    what = f"{'settled' if settled else 'reopened'} a review item of {report}"
    return files.write(relative, "".join(lines).encode("utf-8"), None, what)


def to_write(files: ProjectFiles, report: str) -> list[dict[str, Any]]:
    """Every field still marked ``# TO WRITE`` in the report's YAML files."""
    folder = files.root / "reports" / check_id(report, "report id")
    rows = []
    for path in sorted(folder.glob("*.yaml")):
        relative = f"reports/{report}/{path.name}"
        text = path.read_text(encoding="utf-8")
        doc, _ = parse_yaml(text, relative)
        for problem in marked_lines(path, relative):
            key = _path_at(doc, problem.location.line) if doc else None
            field = str(key[-1]) if key else None
            value = _value_at(doc.data, key) if doc and key else None
            rows.append(
                {
                    "file": relative,
                    "line": problem.location.line,
                    "field": field,
                    "path": list(key) if key else None,
                    "what": _what(problem.message),
                    "kind": _kind(field, value, tuple(key) if key else None),
                }
            )
    return rows


def _what(message: str) -> str:
    """ "to be written: summary (one or two sentences)" -> "one or two sentences"."""
    if "(" in message and message.endswith(")"):
        return message[message.index("(") + 1 : -1]
    return message


def _path_at(doc: Any, line: int | None) -> tuple[str | int, ...] | None:
    """The field a marked line writes: of the keys on it (a record in braces has several),
    the one still ``TO WRITE``, else the last, which the marker follows."""
    on_line = [
        (loc.column or 0, tuple(path))
        for path, loc in doc.key_positions.items()
        if loc.line == line
    ]
    if not on_line:
        return None
    unwritten = [p for _, p in on_line if _value_at(doc.data, p) == model.TO_WRITE]
    return unwritten[0] if unwritten else max(on_line)[1]


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# Fields whose name elsewhere holds the report's words, here ours to write.
OURS = {("report", "publisher", "name")}


def _kind(field: str | None, value: Any, path: tuple[str | int, ...] | None = None) -> str:
    """How the page asks for the value: text, a number, or in the file (words or lists)."""
    if path in OURS and isinstance(value, str):
        return "text"
    if field is not None and field not in VERBATIM and value == []:
        return "list"  # none yet: themes are added here, the rest may stay empty for now
    if field is None or field in VERBATIM or isinstance(value, dict | list):
        return "file"
    if isinstance(value, int) and not isinstance(value, bool):
        return "number"
    return "text"


def write_field(files: ProjectFiles, report: str, relative: str, line: int, value: Any) -> str:
    """Write a ``TO WRITE`` field by its line, after checking it breaks nothing."""
    row = next(
        (r for r in to_write(files, report) if r["file"] == relative and r["line"] == line), None
    )
    if row is None or row["path"] is None:
        raise Refused(f"line {line} of {relative} is not a field to write")
    if row["kind"] == "file" or (row["kind"] == "list" and value != []):
        message = f"{row['field']} is written in the file itself"
        raise records.Invalid([{"field": row["field"], "message": message}])
    if row["kind"] == "list":  # left empty for now: only the marker goes
        return _clear_marker(files, relative, line, f"{row['field']} left empty in {relative}")
    if row["kind"] == "number":
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise records.Invalid(
                [{"field": row["field"], "message": "expected a number"}]
            ) from None
    text = files.read(relative).decode("utf-8")
    new = yamledit.clear_markers(text, yamledit.edit_path(text, tuple(row["path"]), value))
    problems = records.propose(files, relative, new, lambda p: row["field"])
    return records.written(files, relative, new, None, f"{row['field']} in {relative}", problems)


def count_left(items: list[dict[str, Any]], fields: list[dict[str, Any]]) -> int:
    return sum(1 for i in items if not i["settled"]) + len(fields)


def _clear_marker(files: ProjectFiles, relative: str, line: int, what: str) -> str:
    lines = files.read(relative).decode("utf-8").splitlines(keepends=True)
    text = lines[line - 1]
    ending = text[len(text.rstrip("\r\n")) :]
    lines[line - 1] = yamledit.MARKER.sub("", text.rstrip("\r\n")) + ending
    return files.write(relative, "".join(lines).encode("utf-8"), None, what)

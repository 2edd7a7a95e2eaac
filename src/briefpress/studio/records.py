"""Report data for the studio: records as JSON, filtered, and edited with validation.

Reading goes through the project's located loader, as a build does; a change is made
to the file's text (yamledit), the whole project is loaded and validated again with
the changed text in place of the file (``load_project(overrides=...)``), and only
if that adds no error is the file written. A refused change writes nothing and
says why, next to the field it concerns.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from briefpress.checks.validate import validate_project
from briefpress.core.errors import Problem
from briefpress.data.load import Project, load_project
from briefpress.data.model import ReportData
from briefpress.studio import words, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

# Collections the studio lists: URL name -> (file stems to try, top-level key candidates).
COLLECTIONS: dict[str, tuple[str, ...]] = {
    "quotes": ("quotes",),
    "findings": ("findings",),
    "recommendations": ("recommendations",),
    "places": ("countries", "places"),
    "themes": ("themes",),
    "organisations": ("organisations",),
}
ATTRIBUTE = {"places": "countries"}  # ReportData's name for the collection
# What a person may change, per collection; the rest is the report's own words (verbatim)
# or the report's structure (ids, order), shown but never written by the studio.
EDITABLE: dict[str, tuple[str, ...]] = {
    "quotes": ("themes", "place", "section", "organisation", "subsection", "note"),
    "findings": ("headline", "themes", "places", "quotes", "section"),
    "recommendations": ("themes", "note"),
    "places": ("name", "summary", "notes", "organisations", "respondents", "model"),
    "themes": ("name", "description"),
    "organisations": ("short", "name", "place"),
}
VERBATIM = ("text", "attribution", "evidence", "citation", "parts")
# A record's place is written ``country:``/``countries:`` or ``place:``/``places:``.
ALIASES = {"place": ("place", "country"), "places": ("places", "countries")}


class Invalid(Exception):
    """A change refused: the problems it would cause, each with the field it concerns."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def problem_json(problem: Problem, field: str | None = None) -> dict[str, Any]:
    loc = problem.location
    return {
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "field": field,
        "message": problem.message,
        "hint": problem.hint,
        "severity": problem.severity,
    }


def load(
    root: Path, overrides: Mapping[Path, bytes] | None = None
) -> tuple[Project, list[Problem]]:
    project = load_project(root, overrides=dict(overrides or {}))
    return project, validate_project(project)


def report_data(project: Project, report: str) -> ReportData:
    check_id(report, "report id")
    data = project.reports.get(report)
    if data is None:
        raise Refused(f"no report {report!r} in this project")
    return data


def record_file(root: Path, report: str, collection: str) -> tuple[str, str]:
    """The file (relative to the project) and top-level key that hold a collection."""
    if collection not in COLLECTIONS:
        raise Refused(f"no collection {collection!r}")
    for stem in COLLECTIONS[collection]:
        relative = f"reports/{report}/{stem}.yaml"
        if (root / relative).is_file():
            return relative, stem
    raise Refused(f"the report has no {collection} file")


def jsonable(value: Any) -> Any:
    """A field's value as JSON: records within it as objects, lists and mappings kept."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def to_json(record: Any) -> dict[str, Any]:
    """A record's own fields as JSON, under the names the studio's API uses."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        if f.metadata.get("internal"):
            continue
        value = getattr(record, f.name)
        name = f.metadata.get("alias", f.name).rstrip("_")
        out[name] = jsonable(value)
    if "id" not in out and hasattr(record, "id"):
        out["id"] = str(record.id)  # a source's number
    loc = getattr(record, "loc", None)
    out["line"] = loc.line if loc is not None else None
    return out


def matches(item: dict[str, Any], filters: Mapping[str, str]) -> bool:
    place, theme = filters.get("place"), filters.get("theme")
    section, text = filters.get("section"), filters.get("q", "")
    places = item.get("places") or ([item["place"]] if item.get("place") else [])
    if place and place not in places:
        return False
    if theme == "-" and item.get("themes"):
        return False
    if theme and theme != "-" and theme not in (item.get("themes") or []):
        return False
    sect = str(item.get("section") or "")
    if section and not (sect == section or sect.startswith(section + ".")):
        return False
    return not text.strip() or words.found(text, *(str(v) for v in item.values()))


def listing(
    project: Project, report: str, collection: str, filters: Mapping[str, str]
) -> list[dict[str, Any]]:
    data = report_data(project, report)
    if collection not in COLLECTIONS:
        raise Refused(f"no collection {collection!r}")
    items = [to_json(r) for r in data.collection(ATTRIBUTE.get(collection, collection)).values()]
    return [item for item in items if matches(item, filters)]


def _file_keys(text: str, key: str, record_id: str) -> set[str]:
    record = yamledit.find_record(yamledit.load(text), key, record_id)
    return {str(k) for k in record}


def changes_for(
    collection: str, fields: Mapping[str, Any], present: set[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The file's own keys for the fields asked to change, or why each cannot be."""
    allowed = EDITABLE[collection]
    changes: dict[str, Any] = {}
    refused: list[dict[str, Any]] = []
    for name, value in fields.items():
        api_name = {"country": "place", "countries": "places"}.get(name, name)
        if name in VERBATIM:
            message = f"{name} is the report's own words: it is never edited here"
            hint = "choose another record, or report the text as wrong"
            refused.append({"field": name, "message": message, "hint": hint})
        elif api_name not in allowed:
            message = f"{name} cannot be changed here"
            refused.append({"field": name, "message": message, "hint": ", ".join(allowed)})
        else:
            keys = ALIASES.get(api_name, (api_name,))
            key = next(
                (k for k in keys if k in present), keys[-1] if api_name in ALIASES else keys[0]
            )
            changes[key] = value if value != "" else None
    return changes, refused


TAGS = {"themes", "places", "countries"}  # sets of ids: their written order means nothing


def keep_order(current: Any, wanted: Any) -> Any:
    """Tags in the order the file has them, new ones after: the smallest diff."""
    if not isinstance(current, list) or not isinstance(wanted, list):
        return wanted
    wanted = [str(v) for v in wanted]
    kept = [str(v) for v in current if str(v) in wanted]
    return kept + [v for v in wanted if v not in kept]


def new_errors(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """Errors the change would add (compared without line numbers, which may move)."""
    seen = Counter((p.location.file, p.message) for p in before if p.is_error)
    added = []
    for problem in after:
        if not problem.is_error:
            continue
        key = (problem.location.file, problem.message)
        if seen[key]:
            seen[key] -= 1
        else:
            added.append(problem)
    return added


def signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every YAML input's name, size and time of change: equal means nothing changed."""
    paths = [root / "briefpress.yaml", *root.glob("briefs/*.yaml"), *root.glob("reports/**/*.yaml")]
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


_CHECKED: dict[Path, tuple[Any, list[Problem]]] = {}


def current_problems(root: Path) -> list[Problem]:
    """The project's problems as it is on disk, validated again only when a file changed."""
    mark = signature(root)
    cached = _CHECKED.get(root)
    if cached is not None and cached[0] == mark:
        return cached[1]
    _, problems = load(root)
    _CHECKED[root] = (mark, problems)
    return problems


def propose(files: ProjectFiles, relative: str, text: str, field_of: Any = None) -> list[Problem]:
    """Refuse ``text`` for ``relative`` if it adds an error anywhere in the project; else
    the project's problems with it (see :func:`written`)."""
    before = current_problems(files.root)
    _, after = load(files.root, {files.path(relative): text.encode("utf-8")})
    added = new_errors(before, after)
    if added:
        raise Invalid([problem_json(p, field_of(p) if field_of else None) for p in added])
    return after


def written(
    files: ProjectFiles,
    relative: str,
    text: str,
    based_on: str | None,
    what: str,
    problems: list[Problem],
) -> str:
    """Write a proposed text; what was validated is now what is on disk (no second check)."""
    version = files.write(relative, text.encode("utf-8"), based_on, what)
    _CHECKED[files.root] = (signature(files.root), problems)
    return version


def edit(
    files: ProjectFiles,
    report: str,
    collection: str,
    record_id: str,
    fields: Mapping[str, Any],
    based_on: str | None,
) -> str:
    """Change fields of one record; returns the file's new etag."""
    check_id(report, "report id")
    if not record_id or "/" in record_id or ".." in record_id or len(record_id) > 200:
        raise Refused(f"{record_id[:60]!r} is not a record id")
    relative, key = record_file(files.root, report, collection)
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    try:
        present = _file_keys(text, key, record_id)
    except yamledit.EditError as exc:
        if "no record" in str(exc):
            raise Refused(str(exc)) from None
        raise Invalid([{"field": None, "message": f"{relative}: {exc}"}]) from None
    changes, refused = changes_for(collection, fields, present)
    if refused:
        raise Invalid(refused)
    current = yamledit.find_record(yamledit.load(text), key, record_id)
    for name in TAGS & set(changes):
        changes[name] = keep_order(current.get(name), changes[name])
    new = yamledit.edit_record(text, key, record_id, changes)
    new = yamledit.clear_markers(text, new)
    names = {k: n for n in fields for k in ALIASES.get(n, (n,))}
    problems = propose(files, relative, new, lambda p: _field_at(new, p, names))
    what = f"{', '.join(fields)} of {collection[:-1]} {record_id}"
    return written(files, relative, new, based_on, what, problems)


def _field_at(text: str, problem: Problem, names: Mapping[str, str]) -> str | None:
    """The API field a problem's line concerns, when that line writes one of them."""
    if problem.location.line is None:
        return None
    lines = text.splitlines()
    if not 0 < problem.location.line <= len(lines):
        return None
    line = lines[problem.location.line - 1]
    column = problem.location.column
    found = [
        (match.start(), api)
        for key, api in names.items()
        if (match := re.search(rf"(?<![\w-]){re.escape(key)}:", line))
    ]
    if column is not None:  # a record in braces: the key written last before the column
        before = [(at, api) for at, api in found if 0 <= at < column]
        return max(before)[1] if before else None
    return found[0][1] if found else None


FACT_FIELDS = ("label", "value")  # a fact's evidence is the report's own words


def edit_fact(
    files: ProjectFiles,
    report: str,
    place: str,
    fact: str,
    fields: Mapping[str, Any],
    based_on: str | None,
) -> str:
    """Change a place's fact: its label and value, our words (never its evidence)."""
    check_id(report, "report id")
    refused = [
        {
            "field": name,
            "message": f"{name} of a fact cannot be changed here",
            "hint": "label, value",
        }
        for name in fields
        if name not in FACT_FIELDS
    ]
    if refused:
        raise Invalid(refused)
    relative, key = record_file(files.root, report, "places")
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    try:
        record = yamledit.find_record(doc, key, place)
        target = next(f for f in record.get("facts") or [] if str(f.get("id")) == fact)
    except (yamledit.EditError, StopIteration, AttributeError):
        raise Refused(f"no fact {fact!r} of {place!r}") from None
    for name, value in fields.items():
        yamledit.set_value(target, name, str(value) if value not in (None, "") else None)
    new = yamledit.clear_markers(text, yamledit.carry_over(text, before, yamledit.dump(doc)))
    problems = propose(files, relative, new, lambda p: _field_at(new, p, {n: n for n in fields}))
    return written(files, relative, new, based_on, f"fact {fact} of {place}", problems)


DROPPABLE = ("quotes", "findings", "recommendations", "organisations")


def drop(
    files: ProjectFiles, report: str, collection: str, record_id: str, based_on: str | None
) -> str:
    """Take a record out of its file (a doubtful one an import drafted); refused if any
    brief or record still refers to it. Undo puts it back."""
    check_id(report, "report id")
    if collection not in DROPPABLE:
        raise Refused(f"{collection} are not dropped here")
    relative, key = record_file(files.root, report, collection)
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    try:
        record = yamledit.find_record(doc, key, record_id)
    except yamledit.EditError as exc:
        raise Refused(str(exc)) from None
    items = yamledit.records(doc, key)
    del items[items.index(record)]
    new = yamledit.carry_over(text, before, yamledit.dump(doc))
    try:
        problems = propose(files, relative, new)
    except Invalid as refused:
        for problem in refused.problems:
            where = f"{problem['file']}, line {problem['line']}"
            problem["message"] = f"still needed by {where} ({problem['message']})"
            problem["hint"] = "take it out there first"
        raise
    what = f"dropped {collection[:-1]} {record_id}"
    return written(files, relative, new, based_on, what, problems)

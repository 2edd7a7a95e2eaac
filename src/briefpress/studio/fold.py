"""Towns folded into one place, across every file of a report, in one step.

A report attributes quotes to towns while it studies countries or regions; an import
that cannot tell a town's country drafts the town as a place of its own (REVIEW.md
says so). Folding towns into a place re-keys every record that names them: quotes and
organisations (``place:``/``country:``), findings (``places:``/``countries:``), the
typology's members, the methodology's respondents by place, and the report's briefs;
the towns' records go, their organisations, facts, notes and respondents move to the
place, and their review items are ticked. Every file is checked together before any is
written, and the whole step is written and undone as one (store.write_many). Each
quote keeps its town as its ``location``, as printed.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from briefpress.importer.draft import TOWN_NOTE, slug
from briefpress.importer.write import REVIEW
from briefpress.studio import records, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

ONE = ("place", "country")  # a record's own place
MANY = ("places", "countries", "members", "study_countries")  # lists of place ids
COUNTS = ("respondents_by_country", "respondents_by_place")  # place id -> number
MOVED = ("organisations", "facts", "notes")  # a town's lists that go to the place


def towns_to_fold(files: ProjectFiles, report: str) -> list[dict[str, Any]]:
    """The places REVIEW.md marks as drafted from towns, still in the places file."""
    from briefpress.studio.review import review_items

    places = _places_by_id(files, report)
    found = []
    for item in review_items(files, report):
        match = re.fullmatch(r"(?:countries|places)\.yaml \(([^)]+)\)", item["where"])
        if match and TOWN_NOTE in item["message"] and match.group(1) in places:
            record = places[match.group(1)]
            found.append({"id": match.group(1), "name": str(record.get("name") or "")})
    return found


def _places_by_id(files: ProjectFiles, report: str) -> dict[str, CommentedMap]:
    try:
        relative, key = records.record_file(files.root, report, "places")
    except Refused:
        return {}
    doc = yamledit.load(files.read(relative).decode("utf-8"))
    return {str(r.get("id")): r for r in yamledit.records(doc, key) if isinstance(r, CommentedMap)}


def fold(
    files: ProjectFiles,
    report: str,
    towns: list[str],
    into: str | None,
    name: str | None,
    based_on: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Fold ``towns`` into the place ``into``, or a new place called ``name``."""
    check_id(report, "report id")
    towns = list(dict.fromkeys(check_id(t, "place id") for t in towns))
    places_file, key = records.record_file(files.root, report, "places")
    known = _places_by_id(files, report)
    target = _target(known, towns, into, name)
    texts = {places_file: _fold_places(files, places_file, key, towns, target, name)}
    for relative in _report_files(files, report, places_file):
        text = files.read(relative).decode("utf-8")
        new = _rekey_text(text, set(towns), target)
        if new != text:
            texts[relative] = new
    review = _ticked_review(files, report, towns)
    if review is not None:
        texts[f"reports/{report}/{REVIEW}"] = review
    _check(files, texts)
    names = [str(known[t].get("name") or t) for t in towns]
    what = f"merged {', '.join(names)} into {name or known[target].get('name') or target}"
    versions = files.write_many(
        {r: t.encode("utf-8") for r, t in texts.items()}, dict(based_on or {}), what
    )
    return {"place": target, "files": sorted(versions), "undo": what}


def _target(
    known: dict[str, CommentedMap], towns: list[str], into: str | None, name: str | None
) -> str:
    """The id of the place the towns go into (checked), new or existing."""
    problems = []
    if not towns:
        problems.append({"field": "towns", "message": "choose the towns to merge"})
    problems += [
        {"field": "towns", "message": f"no place {t!r} in this report"}
        for t in towns
        if t not in known
    ]
    if into:
        target = check_id(into, "place id")
        if target not in known:
            problems.append({"field": "into", "message": f"no place {target!r} in this report"})
        elif target in towns:
            problems.append({"field": "into", "message": "a town cannot be merged into itself"})
    elif name and name.strip():
        target = slug(name)
        if target in known and target not in towns:
            message = f"there is a place {target!r} already: choose it from the list instead"
            problems.append({"field": "name", "message": message})
    else:
        target = ""
        problems.append({"field": "name", "message": "name the place the towns are in"})
    if problems:
        raise records.Invalid(problems)
    return target


def _fold_places(
    files: ProjectFiles,
    relative: str,
    key: str,
    towns: list[str],
    target: str,
    name: str | None,
) -> str:
    """The places file with the towns' records gone into the target's."""
    text = files.read(relative).decode("utf-8")
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    items = yamledit.records(doc, key)
    folded = [r for r in items if isinstance(r, CommentedMap) and str(r.get("id")) in towns]
    at = min(items.index(r) for r in folded)
    place = next((r for r in items if isinstance(r, CommentedMap) and r.get("id") == target), None)
    if place is None:
        place = CommentedMap(id=target, name=yamledit.styled((name or target).strip(), None))
        items.insert(at, place)
    for record in folded:
        _move_into(place, record)
        items.remove(record)
    _rekey(doc, set(towns), target)
    return yamledit.carry_over(text, before, yamledit.dump(doc))


def _move_into(place: CommentedMap, town: CommentedMap) -> None:
    """A town's organisations, facts, notes and respondents, added to its place's."""
    for field in MOVED:
        extra = [v for v in town.get(field) or [] if v not in (place.get(field) or [])]
        if extra:
            yamledit.set_value(place, field, [*(place.get(field) or []), *extra])
    if isinstance(town.get("respondents"), int):
        place["respondents"] = int(place.get("respondents") or 0) + town["respondents"]


def _rekey(node: Any, towns: set[str], target: str) -> None:
    """Every reference to a town in ``node`` (a ruamel document) made to the target."""
    if isinstance(node, CommentedMap):
        for field, value in node.items():
            if field in ONE and isinstance(value, str) and value in towns:
                node[field] = yamledit.styled(target, value)
            elif field in MANY and isinstance(value, CommentedSeq):
                ids = [yamledit.styled(target, v) if str(v) in towns else v for v in value]
                value[:] = [v for i, v in enumerate(ids) if v not in ids[:i]]
            elif field in COUNTS and isinstance(value, CommentedMap):
                _merge_counts(value, towns, target)
            else:
                _rekey(value, towns, target)
    elif isinstance(node, CommentedSeq):
        for value in node:
            _rekey(value, towns, target)


def _merge_counts(counts: CommentedMap, towns: set[str], target: str) -> None:
    total = sum(int(counts.pop(t) or 0) for t in list(counts) if t in towns)
    if total:
        counts[target] = int(counts.get(target) or 0) + total


def _rekey_text(text: str, towns: set[str], target: str) -> str:
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    _rekey(doc, towns, target)
    after = yamledit.dump(doc)
    return text if after == before else yamledit.carry_over(text, before, after)


def _report_files(files: ProjectFiles, report: str, places_file: str) -> list[str]:
    """The report's other YAML files, and the briefs made from the report."""
    folder = files.root / "reports" / report
    found = [
        f"reports/{report}/{p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*.yaml"))
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    for path in sorted((files.root / "briefs").glob("*.yaml")):
        relative = f"briefs/{path.name}"
        if re.search(
            rf"^report:\s*[\"']?{re.escape(report)}[\"']?\s*$", path.read_text("utf-8"), re.M
        ):
            found.append(relative)
    return [r for r in found if r != places_file]


def _ticked_review(files: ProjectFiles, report: str, towns: list[str]) -> str | None:
    """REVIEW.md with the folded towns' items ticked (None: nothing to tick)."""
    relative = f"reports/{report}/{REVIEW}"
    try:
        text = files.read(relative).decode("utf-8")
    except FileNotFoundError:
        return None
    wanted = {f"{stem}.yaml ({t})" for t in towns for stem in ("countries", "places")}
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        match = re.match(r"^- \[ \] \*\*(.+?)\*\*: ", line)
        if match and match.group(1) in wanted and TOWN_NOTE in line:
            lines[i] = "- [x]" + line[5:]
    new = "".join(lines)
    return new if new != text else None


def _check(files: ProjectFiles, texts: dict[str, str]) -> None:
    """Refuse the step if it adds an error anywhere in the project."""
    before = records.current_problems(files.root)
    overrides = {files.path(r): t.encode("utf-8") for r, t in texts.items() if r.endswith(".yaml")}
    _, after = records.load(files.root, overrides)
    added = records.new_errors(before, after)
    if added:
        raise records.Invalid([records.problem_json(p) for p in added])

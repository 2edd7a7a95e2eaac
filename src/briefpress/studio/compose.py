"""Briefs composed in the studio: a spec as JSON, written as ``briefs/<id>.yaml``.

A new brief's file is written in the project's style (a comment saying what it is,
keys in the order the README lists them); a change to an existing brief touches only
the lines of the fields that changed (yamledit). Either way the whole project is
loaded and validated with the new text before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from briefpress.core.errors import Problem
from briefpress.data import kinds
from briefpress.data.load import Project
from briefpress.data.model import PAPERS, BriefSpec
from briefpress.data.select import resolve_sections, select
from briefpress.data.yamlload import parse_yaml
from briefpress.studio import records, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

HEADER = (
    "Brief spec made in the studio: see README.md for every field.\n"
    "Build with: briefpress build {id}\n"
)
# Top-level fields the composer writes, in the README's order; a section's own fields.
FIELDS = (
    "report",
    "kind",
    "title",
    "subtitle",
    "place",
    "country",
    "theme",
    "language",
    "paper",
    "max_pages",
    "intro",
    "points",
    "ask",
    "sections",
)
SECTION_FIELDS = ("name", "title", "from", "ids", "limit")


def _clean_section(raw: Any) -> CommentedMap:
    if not isinstance(raw, Mapping) or not raw.get("name"):
        raise records.Invalid([{"field": "sections", "message": "a section needs a name"}])
    section = CommentedMap()
    for key in SECTION_FIELDS:
        value = raw.get(key)
        if value in (None, "", []):
            continue
        if key == "ids":
            seq = CommentedSeq([str(v) for v in value])
            seq.fa.set_flow_style()
            value = seq
        section[key] = yamledit.styled(value, None) if isinstance(value, str) else value
    return section


def _value(key: str, value: Any) -> Any:
    if key == "sections":
        kept = [s for s in value or [] if not (isinstance(s, Mapping) and s.get("reset"))]
        return CommentedSeq([_clean_section(s) for s in kept])
    if isinstance(value, list):
        seq = CommentedSeq([str(v) for v in value])
        if key != "points":
            seq.fa.set_flow_style()
        return seq
    if key == "max_pages" and value not in (None, ""):
        return int(value)
    return yamledit.styled(value, None) if isinstance(value, str) else value


def unknown_fields(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "field": key,
            "message": f"{key} is not a field the studio writes",
            "hint": ", ".join(FIELDS),
        }
        for key in spec
        if key not in (*FIELDS, "id")
    ]


def new_text(brief_id: str, spec: Mapping[str, Any]) -> str:
    doc = CommentedMap()
    for key in FIELDS:
        value = spec.get(key)
        if value in (None, "", []):
            continue
        doc[key] = _value(key, value)
    doc.yaml_set_start_comment(HEADER.format(id=brief_id))
    return yamledit.dump(doc)


def changed_text(text: str, spec: Mapping[str, Any]) -> str:
    doc = yamledit.load(text)
    if not isinstance(doc, CommentedMap):
        raise Refused("the brief's file is not a mapping")
    before = yamledit.dump(doc)
    for key, value in spec.items():
        if key == "id":
            continue
        if key == "place" and "country" in doc and "place" not in doc:
            key = "country"
        if key == "sections" and isinstance(doc.get("sections"), CommentedSeq):
            merge_sections(doc["sections"], value or [])
            if not doc["sections"]:
                del doc["sections"]
        elif value in (None, "", []):
            doc.pop(key, None)
        elif key not in doc:
            doc.insert(_position(doc, key), key, _value(key, value))
        elif key == "sections" or not isinstance(value, list):
            doc[key] = _value(key, value)
        else:
            yamledit.set_value(doc, key, [str(v) for v in value])
    return yamledit.clear_markers(text, yamledit.carry_over(text, before, yamledit.dump(doc)))


def _position(doc: CommentedMap, key: str) -> int:
    """Where a new key goes: after the last key that the README lists before it."""
    order = FIELDS.index(key) if key in FIELDS else len(FIELDS)
    after = [i for i, k in enumerate(doc) if k in FIELDS and FIELDS.index(k) < order]
    return after[-1] + 1 if after else 0


def merge_sections(current: CommentedSeq, sent: list[Any]) -> None:
    """Each section sent replaces the spec's section of that name (or is added), or with
    ``reset`` is taken out, so the kind's default selection applies again; the spec's other
    sections, and their comments, stay as they are."""
    for raw in sent:
        if isinstance(raw, Mapping) and raw.get("reset"):  # back to the kind's default
            current[:] = [
                item
                for item in current
                if not (isinstance(item, CommentedMap) and item.get("name") == raw.get("name"))
            ]
            continue
        section = _clean_section(raw)
        for i, item in enumerate(current):
            if isinstance(item, CommentedMap) and item.get("name") == section["name"]:
                current[i] = section
                break
        else:
            current.append(section)


def field_of(text: str, problem: Problem) -> str | None:
    """``title`` or ``sections.1.ids``: the field a problem's line writes."""
    doc, _ = parse_yaml(text, problem.location.file)
    if doc is None or problem.location.line is None:
        return None
    best: tuple[int, tuple[Any, ...]] | None = None
    for path, loc in doc.key_positions.items():
        line = loc.line
        if line is not None and line <= problem.location.line and (best is None or line >= best[0]):
            best = (line, path)
    return ".".join(map(str, best[1])) if best else None


def save(
    files: ProjectFiles, brief_id: str, spec: Mapping[str, Any], based_on: str | None, create: bool
) -> str:
    """Write a new brief, or change an existing one; returns the file's etag."""
    check_id(brief_id, "brief id")
    bad = unknown_fields(spec)
    if spec.get("kind") not in (None, *kinds.names()):
        known = ", ".join(kinds.names())
        bad.append({"field": "kind", "message": f"kind must be one of {known}"})
    if spec.get("paper") not in (None, *PAPERS):
        bad.append({"field": "paper", "message": f"paper must be one of {', '.join(PAPERS)}"})
    if bad:
        raise records.Invalid(bad)
    relative = f"briefs/{brief_id}.yaml"
    exists = files.path(relative).exists()
    if create and exists:
        raise records.Invalid(
            [
                {
                    "field": "id",
                    "message": f"a brief {brief_id!r} exists already",
                    "hint": "choose another id",
                }
            ]
        )
    if not create and not exists:
        raise Refused(f"no brief {brief_id!r}")
    files.check(relative, None if create else based_on)
    text = (
        new_text(brief_id, spec)
        if create
        else changed_text(files.read(relative).decode("utf-8"), spec)
    )
    problems = records.propose(files, relative, text, lambda p: field_of(text, p))
    what = f"new brief {brief_id}" if create else f"{', '.join(spec)} of brief {brief_id}"
    return records.written(files, relative, text, None if create else based_on, what, problems)


def brief_json(project: Project, brief: BriefSpec) -> dict[str, Any]:
    """A brief as the composer shows it: its fields and what each section shows now."""
    data = project.reports.get(brief.report)
    sections = []
    for spec in resolve_sections(brief, data.report if data else None):
        chosen = select(data.collection(spec.from_), spec) if data and spec.from_ else []
        sections.append(
            {
                "name": spec.name,
                "from": spec.from_,
                "title": spec.title,
                "ids": [str(r.id) for r in chosen],
                "chosen_by_hand": bool(spec.ids),
            }
        )
    out = records.to_json(brief)
    out["sections"] = sections
    out["budget"] = kinds.page_budget(brief)
    return out


def brief_path(root: Path, brief_id: str) -> str:
    check_id(brief_id, "brief id")
    return f"briefs/{brief_id}.yaml"

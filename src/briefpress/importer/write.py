"""Writing the draft: YAML files from templates, never over a person's work.

Each file is rendered from a template in ``templates/`` (comments and the
``# TO WRITE`` markers included).  The digest of every file written is kept
in ``.import.json`` beside them, so a later import can tell a file nobody has
touched (safe to replace) from one a person has edited: that one is only
replaced when asked (``force``), or merged (``merge``): every field a person
wrote is kept, and only what is missing or still marked is filled in.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml

from briefpress.core.errors import Location, Problem
from briefpress.core.files import write_atomic
from briefpress.importer.draft import TO_WRITE, Draft
from briefpress.importer.merge import MergeError, merge_text
from briefpress.importer.review import MANIFEST, REVIEW, digest, read_manifest
from briefpress.source.text import normalise_text

__all__ = ["MANIFEST", "REVIEW", "Mode", "draft_data", "render_review", "write_draft"]

Mode = Literal["safe", "merge", "force"]
# The files of a draft, in the order they are written; each holds one list,
# except report.yaml.
STEMS = (
    "report",
    "organisations",
    "countries",
    "quotes",
    "literature",
    "sources",
    "recommendations",
    "themes",
    "findings",
)
# The fields each template writes; any other field a person added is kept
# and written after them.
_KNOWN = {
    "organisations": ("id", "short", "name", "country"),
    "countries": ("id", "name", "organisations", "summary"),
    "quotes": (
        "id", "order", "text", "organisation", "country", "attribution", "section",
        "subsection", "location", "themes", "note",
    ),
    "literature": ("id", "text", "source", "section"),
    "sources": ("number", "citation", "url", "section"),
    "recommendations": ("id", "number", "text", "parts", "themes", "note"),
}  # fmt: skip


def _key(stem: str) -> Callable[[dict[str, Any]], str]:
    """How records of a file are matched between two imports."""
    if stem in ("quotes", "literature"):
        return lambda record: normalise_text(_joined(record.get("text", "")))
    if stem in ("sources", "recommendations"):
        return lambda record: str(record.get("number", ""))
    return lambda record: str(record.get("id", ""))


def _joined(text: Any) -> str:
    """A text given in paragraphs (a list) as one string, as the data model joins it."""
    return "\n\n".join(map(str, text)) if isinstance(text, list) else str(text or "")


def draft_data(draft: Draft) -> dict[str, Any]:
    """The draft as the plain data of each file.

    Only the core fields: a report's typology (models, positions, a
    methodology block) is written by a person when the report has one.
    """
    return {
        "report": _report(draft),
        "organisations": [
            {"id": o.id, "short": o.short, "name": o.name, "country": o.country or TO_WRITE}
            for o in draft.organisations
        ],
        "countries": [
            {"id": c.id, "name": c.name, "organisations": c.organisations, "summary": TO_WRITE}
            for c in draft.countries
        ],
        "quotes": [_quote(q) for q in draft.quotes],
        "literature": [
            {"id": x.id, "text": x.text, "source": x.source, "section": x.section}
            for x in draft.literature
        ],
        "sources": [
            {"number": f.number, "citation": f.citation, "url": f.url, "section": f.section}
            for f in draft.footnotes
        ],
        "recommendations": [_recommendation(r) for r in draft.recommendations],
        "themes": [],
        "findings": [],
    }


def _report(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.report_id,
        "title": draft.title or TO_WRITE,
        "language": draft.language,
        "publisher": {"short": TO_WRITE, "name": TO_WRITE, "url": None},
        "year": 0,
        "url": None,
        "licence": None,
        "description": TO_WRITE,
        "sections": [{"id": s.id, "title": s.title} for s in draft.sections],
    }


def _quote(q: Any) -> dict[str, Any]:
    return {
        "id": q.id,
        "order": q.order,
        "text": q.text.split("\n\n") if "\n\n" in q.text else q.text,
        "organisation": q.organisation,
        "country": q.country or TO_WRITE,
        "attribution": q.attribution,
        "section": q.section,
        "subsection": q.subsection,
        "location": q.location,
        "themes": [],
        "note": q.note,
    }


def _recommendation(r: Any) -> dict[str, Any]:
    parts = [{"id": f"{r.number}{p.letter}", "letter": p.letter, "text": p.text} for p in r.parts]
    return {
        "id": r.number,
        "number": r.number,
        "text": r.text,
        "parts": parts,
        "themes": [],
        "note": None,
    }


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("briefpress.importer", "templates"),
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters["y"] = _yaml_value
    env.globals["marker"] = TO_WRITE
    return env


def _yaml_value(value: Any) -> str:
    """A value in YAML flow style; strings double-quoted (JSON is valid YAML)."""
    if isinstance(value, str) or value is None or isinstance(value, bool | int | float):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_yaml_key(k)}: {_yaml_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _yaml_key(key: Any) -> str:
    text = str(key)
    return text if text.replace("-", "").replace("_", "").isalnum() else json.dumps(text)


def printable(name: str) -> str:
    """A file name as one printable line: control characters and line or
    paragraph separators escaped, so a name cannot end a YAML comment and
    start a key of its own."""
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
        for char in name
    )


def render(stem: str, data: Any, source: str) -> str:
    """One file of the draft."""
    template = _environment().get_template(f"{stem}.yaml.j2")
    source = printable(source)
    if stem == "report":
        return template.render(r=data, source=source)
    known = _KNOWN.get(stem, ())
    records = [
        {**record, "extra": {k: v for k, v in record.items() if k not in known}} for record in data
    ]
    return template.render(records=records if known else data, source=source)


def render_review(draft: Draft, counts: list[tuple[str, int]], mismatches: list[str]) -> str:
    """REVIEW.md: what was found, whether it verified, what to look at."""
    template = _environment().get_template("REVIEW.md.j2")
    return template.render(
        report_id=draft.report_id,
        source=printable(draft.source_name),
        counts=counts,
        mismatches=mismatches,
        review=[asdict(item) for item in draft.review],
    )


def _manifest(folder: Path) -> dict[str, str]:
    files = read_manifest(folder).get("files")
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def edited_files(folder: Path) -> list[str]:
    """The draft files in ``folder`` that differ from what the last import wrote."""
    written = _manifest(folder)
    edited = []
    for stem in STEMS:
        path = folder / f"{stem}.yaml"
        if path.exists() and written.get(path.name) != digest(path.read_bytes()):
            edited.append(path.name)
    return edited


def write_draft(
    folder: Path, draft: Draft, data: dict[str, Any], mode: Mode, display: str
) -> tuple[list[Path], list[Problem]]:
    """Write the files of ``data`` into ``folder`` as ``mode`` allows.

    Nothing is written if a hand-edited file would be replaced in "safe"
    mode: the problems name each such file.  In "merge" mode an edited file
    gets what is new merged into it (:mod:`.merge`); if one cannot be read,
    nothing at all is written.
    """
    edited = edited_files(folder)
    if edited and mode == "safe":
        hint = "--merge keeps every field you wrote and adds what is new; --force replaces them"
        return [], [
            Problem(Location(f"{display}/{name}"), "edited since it was imported", hint)
            for name in edited
        ]
    texts: dict[str, str] = {stem: render(stem, data[stem], draft.source_name) for stem in STEMS}
    merged: dict[str, str] = {}
    if mode == "merge":
        merged, problems = _merge_folder(folder, data, edited, draft, display)
        if problems:
            return [], problems
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    digests: dict[str, str] = {}
    for stem in STEMS:
        path = folder / f"{stem}.yaml"
        write_atomic(path, merged.get(stem, texts[stem]).encode("utf-8"))
        # A merged file stays the person's: its digest is not what was written.
        digests[path.name] = digest(texts[stem].encode("utf-8"))
        written.append(path)
    manifest = {**read_manifest(folder), "source": draft.source_name, "files": digests}
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return written, []


def _merge_folder(
    folder: Path, data: dict[str, Any], edited: list[str], draft: Draft, display: str
) -> tuple[dict[str, str], list[Problem]]:
    """Each edited file's text with the import's records merged in.

    A file that cannot be read (not UTF-8, or YAML that does not parse) is
    never replaced: the merge stops with a problem at the place it fails.
    """
    merged: dict[str, str] = {}
    problems: list[Problem] = []
    for name in edited:
        stem = name.removesuffix(".yaml")
        text, problem = _read_mine(folder / name, f"{display}/{name}")
        if problem is not None:
            problems.append(problem)
            continue
        try:
            merged[stem], added, kept = merge_text(stem, text, data[stem], _key(stem))
        except MergeError as exc:
            hint = "fix it (or move it away) and import again; nothing was written"
            problems.append(
                Problem(Location(f"{display}/{name}"), f"cannot be merged: {exc}", hint)
            )
            continue
        if added:
            draft.note(name, f"{added} record(s) found by this import added to your file")
        if kept:
            draft.note(name, f"{kept} record(s) you had are not in this import; kept as they were")
    return merged, problems


def _read_mine(path: Path, display: str) -> tuple[str, Problem | None]:
    """A person's file as text that parses, or the located problem that stops the merge."""
    hint = "fix it (or move it away) and import again; nothing was written"
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        return "", Problem(Location(display), f"{message}, so it cannot be merged", hint)
    except OSError as exc:
        return "", Problem(Location(display), f"cannot be read: {exc.strerror or exc}", hint)
    try:
        yaml.safe_load(text)
        return text, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        reason = getattr(exc, "problem", None) or "not valid YAML"
        return "", Problem(where, f"cannot be merged: {reason}", hint)

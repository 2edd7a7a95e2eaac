"""Tagging many records at once: themes, a place, an organisation, places.

A communications officer folds eighteen towns into five countries, or gives thirty
quotes their theme, by selecting them in a list and applying one change. What each
collection carries decides what may be applied: quotes a theme, a place and an
organisation; findings themes and places; recommendations themes; organisations a
place. All of it is one edit of the one file that holds the records, validated as a
whole (a quote's place must still be its organisation's), written once and undone
in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefpress.studio import records, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

# What a bulk change may set, per collection (the data model's fields, by API name).
CARRIES: dict[str, frozenset[str]] = {
    "quotes": frozenset({"themes", "place", "organisation"}),
    "findings": frozenset({"themes", "places"}),
    "recommendations": frozenset({"themes"}),
    "organisations": frozenset({"place"}),
}


def _ids(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(check_id(str(item), "id") for item in items if str(item))


@dataclass(frozen=True)
class BulkChange:
    """One change applied to every selected record."""

    add_themes: tuple[str, ...] = ()
    remove_themes: tuple[str, ...] = ()
    place: str | None = None
    organisation: str | None = None
    add_places: tuple[str, ...] = field(default=())
    remove_places: tuple[str, ...] = field(default=())

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> BulkChange:
        single = {k: str(body[k]) if body.get(k) else None for k in ("place", "organisation")}
        for value in single.values():
            if value is not None:
                check_id(value, "id")
        return cls(
            add_themes=_ids(body.get("add_themes")),
            remove_themes=_ids(body.get("remove_themes")),
            add_places=_ids(body.get("add_places")),
            remove_places=_ids(body.get("remove_places")),
            **single,
        )

    def fields(self) -> list[str]:
        """The API fields this change sets, for its refusals and its undo button."""
        found = [
            ("themes", bool(self.add_themes or self.remove_themes)),
            ("place", self.place is not None),
            ("organisation", self.organisation is not None),
            ("places", bool(self.add_places or self.remove_places)),
        ]
        return [name for name, set_here in found if set_here]


def _tags(current: Any, add: tuple[str, ...], remove: tuple[str, ...]) -> list[str]:
    kept = [str(t) for t in current or [] if str(t) not in remove]
    return kept + [t for t in add if t not in kept]


def _key(record: Any, name: str) -> str:
    """The file's own key for an API field (``country:`` or ``place:``)."""
    keys = records.ALIASES.get(name, (name,))
    return next((k for k in keys if k in record), keys[-1] if name in records.ALIASES else name)


def apply(record: Any, change: BulkChange) -> None:
    if change.add_themes or change.remove_themes:
        themes = _tags(record.get("themes"), change.add_themes, change.remove_themes)
        yamledit.set_value(record, "themes", themes)
    if change.place is not None:
        yamledit.set_value(record, _key(record, "place"), change.place)
    if change.organisation is not None:
        yamledit.set_value(record, "organisation", change.organisation)
    if change.add_places or change.remove_places:
        key = _key(record, "places")
        yamledit.set_value(
            record, key, _tags(record.get(key), change.add_places, change.remove_places)
        )


def tag(
    files: ProjectFiles,
    report: str,
    collection: str,
    ids: list[str],
    change: BulkChange,
    based_on: str | None,
) -> str:
    """Apply ``change`` to the records ``ids`` of a collection: one write, one undo."""
    check_id(report, "report id")
    if collection not in CARRIES:
        raise Refused(f"{collection} are not tagged in bulk")
    asked = change.fields()
    wrong = [name for name in asked if name not in CARRIES[collection]]
    if wrong or not asked:
        what = ", ".join(sorted(CARRIES[collection]))
        message = f"{collection} are given {what}" if wrong else "choose what to apply first"
        concerned: str | None = wrong[0] if wrong else None
        raise records.Invalid([{"field": concerned, "message": message}])
    if not ids:
        raise records.Invalid([{"field": "ids", "message": "select one or more first"}])
    relative, key = records.record_file(files.root, report, collection)
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    doc = yamledit.load(text)
    before = yamledit.dump(doc)
    for record_id in ids:
        try:
            apply(yamledit.find_record(doc, key, str(record_id)), change)
        except yamledit.EditError as exc:
            raise Refused(str(exc)) from None
    new = yamledit.carry_over(text, before, yamledit.dump(doc))
    problems = records.propose(files, relative, new, lambda p: asked[0])
    what = f"{' and '.join(asked)} of {len(ids)} {collection}"
    return records.written(files, relative, new, based_on, what, problems)

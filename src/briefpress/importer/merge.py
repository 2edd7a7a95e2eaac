"""``import --merge``: a person's edited file, with what the import found added to it.

A person who edited a draft file owns it.  The merge reads it with ruamel.yaml's
round-trip loader, so that its layout, its comments and its quoting come back as they
were, and changes only this:

- a record the import found that the file lacks is appended, with a fresh id if its id
  is taken (a person may have used it for another record);
- in a record both have, a field the import owns (``OWNED``) is filled in only where the
  file has no such key or still has the ``TO WRITE`` marker: a value a person wrote,
  ``null`` included, is theirs;
- nothing else: fields the import does not own are never written, records the import
  no longer finds are kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from briefpress.data.model import TO_WRITE

__all__ = ["OWNED", "MergeError", "merge_text"]


class MergeError(Exception):
    """The file parses but does not hold what its name says (a list of records)."""


# The fields the import writes in each file; a merge fills in nothing else.
OWNED: dict[str, tuple[str, ...]] = {
    "report": ("id", "title", "language", "sections"),
    "organisations": ("id", "short", "name", "country"),
    "countries": ("id", "name", "organisations"),
    "quotes": (
        "id", "order", "text", "organisation", "country", "attribution", "section",
        "subsection", "location",
    ),
    "literature": ("id", "text", "source", "section"),
    "sources": ("number", "citation", "url", "section"),
    "recommendations": ("id", "number", "text", "parts"),
    "themes": (),
    "findings": (),
}  # fmt: skip


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments, order and quoting kept
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def _null(representer: Any, _: None) -> Any:
    """``null`` spelled out, as the import and people write it (ruamel leaves it empty)."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def merge_text(stem: str, text: str, new: Any, key: Callable[[Any], str]) -> tuple[str, int, int]:
    """The person's file ``text`` with the import's ``new`` data merged in.

    Returns (merged text, records added, records of theirs the import no
    longer finds); raises :class:`MergeError` saying why it cannot merge.
    """
    yaml = _yaml()
    document = yaml.load(text)
    if not isinstance(document, dict) or stem not in document:
        raise MergeError(f"expected '{stem}:' at the top level")
    mine = document[stem]
    owned = OWNED.get(stem, ())
    added = kept = 0
    if stem == "report":
        if not isinstance(mine, dict):
            raise MergeError("expected 'report:' to hold a mapping")
        _fill(mine, new, owned)
    else:
        if mine is None:
            mine = document[stem] = []
        if not isinstance(mine, list):
            raise MergeError(f"expected '{stem}:' to hold a list")
        added, kept = _merge_list(mine, new, owned, key)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue(), added, kept


def _fill(mine: Any, new: dict[str, Any], owned: tuple[str, ...]) -> None:
    """Fill the owned fields a person has not written (absent, or still marked)."""
    for field in owned:
        if field in new and (field not in mine or mine[field] == TO_WRITE):
            mine[field] = new[field]


def _merge_list(
    mine: list[Any], new: list[Any], owned: tuple[str, ...], key: Callable[[Any], str]
) -> tuple[int, int]:
    """Fill matched records, append new ones with free ids; (added, kept) counts."""
    by_key = {key(record): record for record in mine if isinstance(record, dict)}
    ids = {str(record.get("id")) for record in mine if isinstance(record, dict)}
    found: set[str] = set()
    added = 0
    for record in new:
        record_key = key(record)
        found.add(record_key)
        if record_key in by_key:
            _fill(by_key[record_key], record, owned)
            continue
        record = _quoted(record)
        if "id" in record and str(record["id"]) in ids:
            record["id"] = _free_id(str(record["id"]), ids)
        ids.add(str(record.get("id")))
        mine.append(record)
        added += 1
    return added, sum(1 for k in by_key if k not in found)


def _quoted(record: dict[str, Any]) -> dict[str, Any]:
    """A new record with its strings double-quoted, as the import writes them."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return {
        field: DoubleQuotedScalarString(value) if isinstance(value, str) else value
        for field, value in record.items()
    }


def _free_id(taken: str, ids: set[str]) -> str:
    """``q21-03`` is taken: ``q21-03-2`` (or the next free number)."""
    number = 2
    while f"{taken}-{number}" in ids:
        number += 1
    return f"{taken}-{number}"

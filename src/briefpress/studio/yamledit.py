"""Changing a YAML file the way a careful person would: only the lines that must change.

The files stay the source of truth, read by people and diffed in git, so a change made
in the studio must look like a change made in an editor: comments, key order, quoting
and blank lines kept, one changed field one changed line. ruamel.yaml's round-trip mode
keeps almost everything, but it writes some things its own way (``null`` as an empty
value, for one). So the edited document is dumped twice, before and after the change,
and only the lines that differ between those two dumps are carried into the original
text; everything else stays byte for byte as it was.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString, ScalarString


class EditError(Exception):
    """The change cannot be made to this file (the message says why, in plain words)."""


def _yaml() -> YAML:
    """Round-trip YAML in the project's style: two-space mappings, lists indented under
    their key ("  - id: ..."), and no line folding of long quotes."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise EditError(f"the file is not valid YAML: {exc}") from None


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _anchors(original: list[str], dumped: list[str]) -> dict[int, int]:
    """Line ``i`` of the round-trip dump -> the same line of the original text."""
    found: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, original, dumped, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                found[j1 + k] = i1 + k
    return found


def carry_over(original: str, before: str, after: str) -> str:
    """``original`` with the change from ``before`` to ``after`` (two dumps) applied.

    Each changed run of lines is placed where the untouched neighbouring lines are in
    the original. When a change touches lines that the dump itself wrote differently,
    the whole dump after the change is the answer: still correct, only a wider diff.
    """
    old, dumped, new = (s.splitlines(keepends=True) for s in (original, before, after))
    anchors = _anchors(old, dumped)
    anchors.setdefault(len(dumped), len(old))  # the end of the file is where it is
    result: list[str] = []
    at = 0  # next line of the original not yet copied
    matcher = difflib.SequenceMatcher(None, dumped, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        span = _span(anchors, i1, i2, len(old))
        if span is None or span[0] < at:
            return after
        result += old[at : span[0]] + new[j1:j2]
        at = span[1]
    result += old[at:]
    return "".join(result)


def _span(anchors: dict[int, int], i1: int, i2: int, size: int) -> tuple[int, int] | None:
    """Where dump lines ``i1:i2`` are in the original, if they are there as one run."""
    if i2 > i1:
        if all(k in anchors for k in range(i1, i2)):
            start, end = anchors[i1], anchors[i2 - 1] + 1
            return (start, end) if end - start == i2 - i1 else None
        # lines the dump wrote its own way (``url:`` for ``url: null``): between the
        # same two untouched neighbours, as many lines in the original
        before = anchors.get(i1 - 1, -1) if i1 else -1
        after = anchors.get(i2, -2)
        if (i1 == 0 or i1 - 1 in anchors) and after >= 0 and after - before - 1 == i2 - i1:
            return before + 1, after
        return None
    if i1 - 1 in anchors:  # an insertion after a line the original has
        return anchors[i1 - 1] + 1, anchors[i1 - 1] + 1
    if i1 in anchors:
        return anchors[i1], anchors[i1]
    return (0, 0) if i1 == 0 else (size, size) if not anchors else None


def records(doc: Any, key: str) -> CommentedSeq:
    if not isinstance(doc, CommentedMap) or not isinstance(doc.get(key), CommentedSeq):
        raise EditError(f"the file has no list under {key!r}")
    found: CommentedSeq = doc[key]
    return found


def find_record(doc: Any, key: str, record_id: str) -> CommentedMap:
    for item in records(doc, key):
        if isinstance(item, CommentedMap) and str(item.get("id", item.get("number"))) == record_id:
            return item
    raise EditError(f"no record {record_id!r} in this file")


def set_value(target: CommentedMap, field: str, value: Any) -> None:
    """Set one field, keeping the flow or block style of a list that is already there."""
    current = target.get(field)
    if isinstance(current, CommentedSeq) and isinstance(value, list):
        current[:] = value
        return
    if value is None:
        if field in target:
            del target[field]
        return
    if isinstance(value, str):
        value = styled(value, current)
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        value = seq
    target[field] = value


def set_text(target: CommentedMap, field: str, value: str | list[str]) -> None:
    """Set a text that may be given in paragraphs: a list is written one paragraph a
    line (block style), a single text in the style the old one had."""
    current = target.get(field)
    if isinstance(value, list):
        if isinstance(current, CommentedSeq):
            current[:] = [styled(v, current[0] if current else None) for v in value]
            return
        seq = CommentedSeq([styled(v, current) for v in value])
        seq.fa.set_block_style()
        target[field] = seq
        return
    target[field] = styled(value, current if isinstance(current, str) else None)


PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,'()/_-]*")
YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def styled(value: str, current: Any) -> str:
    """A new text in the style of the old one: quoted as it was, else plain when plain
    YAML reads it back as the same text, else in double quotes (as the project writes)."""
    if isinstance(current, ScalarString) and not isinstance(current, PlainScalarString):
        return cast(str, type(current)(value))
    plain = PLAIN.fullmatch(value) and value.lower() not in YAML_WORDS
    if plain and not value.replace(".", "").isdigit() and value == value.strip():
        return value
    return cast(str, DoubleQuotedScalarString(value))


def edit_record(text: str, key: str, record_id: str, changes: Mapping[str, Any]) -> str:
    """The text of a record file with fields of one record changed."""
    doc = load(text)
    before = dump(doc)
    record = find_record(doc, key, record_id)
    for field, value in changes.items():
        set_value(record, field, value)
    return carry_over(text, before, dump(doc))


def edit_path(text: str, path: tuple[str | int, ...], value: Any) -> str:
    """The text of a file with the value at ``path`` (keys and list indexes) replaced."""
    doc = load(text)
    before = dump(doc)
    target = doc
    for part in path[:-1]:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            raise EditError(f"nothing at {'.'.join(map(str, path))} in this file") from None
    if not isinstance(target, CommentedMap) or not isinstance(path[-1], str):
        raise EditError(f"nothing at {'.'.join(map(str, path))} in this file")
    set_value(target, path[-1], value)
    return carry_over(text, before, dump(doc))


MARKER = re.compile(r"\s+#\s*TO WRITE:.*$")


def clear_markers(original: str, edited: str) -> str:
    """Lines the edit changed lose their ``# TO WRITE:`` comment: the field is written.

    (``briefpress check`` lists every line that still carries the marker.)
    """
    kept = set(original.splitlines())
    lines = edited.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip("\r\n") not in kept:
            ending = line[len(line.rstrip("\r\n")) :]
            lines[i] = MARKER.sub("", line.rstrip("\r\n")) + ending
    return "".join(lines)

"""Safe YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` forgets line numbers, silently keeps the last of two
duplicate keys, and expands aliases without limit ("billion laughs"). We
compose the node graph ourselves instead, so that every value keeps its
``file:line:column`` and hostile input fails with a clean message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from briefpress.core.errors import Location, Problem
from briefpress.core.files import inside, read_input

PathPart = str | int
YamlPath = tuple[PathPart, ...]

MAX_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class YamlDocument:
    """Plain Python data plus the position of every mapping key and value."""

    file: str
    data: Any
    positions: dict[YamlPath, Location] = field(default_factory=dict)
    key_positions: dict[YamlPath, Location] = field(default_factory=dict)

    def key_loc(self, *path: PathPart) -> Location:
        """Where the key that leads to ``path`` is written (for unknown-field errors)."""
        return self.key_positions.get(tuple(path)) or self.loc(*path)

    def loc(self, *path: PathPart) -> Location:
        """Where ``path`` is, or its nearest parent that we know of."""
        key: YamlPath = tuple(path)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), Location(self.file, 1, 1))


class _Rejected(Exception):
    def __init__(self, location: Location, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.problem = Problem(location, message, hint)


class _Converter:
    """Turns a composed node graph into data, guarding against hostile shapes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[YamlPath, Location] = {}
        self.key_positions: dict[YamlPath, Location] = {}
        self.nodes = 0
        self.constructor = SafeConstructor()

    def mark(self, node: yaml.Node) -> Location:
        m = node.start_mark
        return Location(self.file, m.line + 1, m.column + 1)

    def convert(self, node: yaml.Node, path: YamlPath, active: frozenset[int]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Rejected(
                self.mark(node),
                f"the document expands to more than {MAX_NODES} values",
                "aliases (*name) that repeat large blocks are not supported",
            )
        if len(path) > MAX_DEPTH:
            raise _Rejected(self.mark(node), f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in active:
            raise _Rejected(self.mark(node), "an alias refers to itself")
        self.positions.setdefault(path, self.mark(node))
        if node.tag not in _SAFE_TAGS:
            raise _Rejected(
                self.mark(node),
                f"unsupported YAML tag {node.tag!r}",
                "only plain text, numbers, lists and mappings are allowed",
            )
        inner = active | {id(node)}
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, inner)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), inner) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise _Rejected(self.mark(node), f"invalid value {node.value!r}: {exc}") from exc

    def mapping(self, node: yaml.MappingNode, path: YamlPath, active: frozenset[int]) -> Any:
        result: dict[Any, Any] = {}
        seen: dict[Any, Location] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Rejected(self.mark(key_node), "merge keys (<<) are not supported")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Rejected(self.mark(key_node), "a mapping key must be plain text")
            key = self.scalar(key_node)
            key_loc = self.mark(key_node)
            if not isinstance(key, str | int | bool | None):
                key = str(key)
            if key in seen:
                raise _Rejected(
                    key_loc,
                    f"duplicate key {key!r} (first defined at line {seen[key].line})",
                    "YAML would silently keep only the last one; remove or rename one",
                )
            seen[key] = key_loc
            self.key_positions[(*path, str(key))] = key_loc
            result[key] = self.convert(value_node, (*path, str(key)), active)
        return result


# libyaml parses several times faster than the pure-Python parser, but its composer
# recurses in C and crashes the process on deeply nested input. Its event parser is a
# state machine, so we measure the nesting with it first and compose only bounded input.
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def check_depth(text: str, file: str) -> None:
    """Reject nesting deeper than MAX_DEPTH before anything recursive sees the text."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
                raise _Rejected(where, f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, _CLOSE):
            depth -= 1


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text, or a problem saying where the first undecodable byte is."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                Location(file, line, column),
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8 in your editor",
            )
        ]
    return text, []


def parse_yaml(raw: bytes | str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document; never raises for bad input, returns problems instead."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            return None, [Problem(Location(file), f"the file is larger than {MAX_BYTES} bytes")]
        text, problems = decode(raw, file)
        if text is None:
            return None, problems
    else:
        text = raw
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(Location(file, line), "the file contains a NUL character")]
    converter = _Converter(file)
    try:
        check_depth(text, file)
        node = yaml.compose(text, Loader=LOADER)
        if node is None:
            return YamlDocument(file, None, {(): Location(file, 1, 1)}), []
        data = converter.convert(node, (), frozenset())
    except _Rejected as rejected:
        return None, [rejected.problem]
    except yaml.MarkedYAMLError as exc:
        return None, [_marked_problem(exc, file, text)]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(file), f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(Location(file), f"nesting deeper than {MAX_DEPTH} levels")]
    return YamlDocument(file, data, converter.positions, converter.key_positions), []


def _marked_problem(exc: yaml.MarkedYAMLError, file: str, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    what = " ".join(part for part in (exc.context, exc.problem) if part)
    explained = _explain(what, text, exc)
    if explained is not None:
        return Problem(where, f"invalid YAML: {explained[0]}", explained[1])
    return Problem(where, f"invalid YAML: {what or 'syntax error'}")


def _line(text: str, mark: Any) -> str:
    lines = text.splitlines()
    return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""


def _explain(what: str, text: str, exc: yaml.MarkedYAMLError) -> tuple[str, str] | None:
    """The parser's words for the common typing mistakes, said as a person would."""
    line = _line(text, exc.problem_mark)
    if "mapping values are not allowed" in what:
        key, _, value = line.partition(":")
        shown = json.dumps(value.strip(), ensure_ascii=False)
        example = f"{key.strip()}: {shown}" if value.strip() else 'title: "A: B"'
        return (
            "a colon followed by a space inside a value, which YAML reads as the start "
            "of another field",
            f"put the whole value in double quotes, such as {example}",
        )
    mark = exc.problem_mark
    at = line[mark.column] if mark is not None and 0 <= mark.column < len(line) else ""
    if "\t" in what or "tab" in what or at == "\t":
        return (
            "a tab character where YAML expects spaces",
            "indent with spaces only, two for each level; your editor can turn tabs into spaces",
        )
    if "quoted scalar" in what and "end of stream" in what:
        start = exc.context_mark.line + 1 if exc.context_mark else None
        opened = f" at line {start}" if start else ""
        return (
            f"a text opened with a quotation mark{opened} is never closed",
            "end the text with the same kind of quotation mark it starts with",
        )
    if "flow sequence" in what or "flow mapping" in what:
        return (
            "a list in [ ] or a group in { } is not closed on its line",
            "close it with ] or }, and put a comma between its items",
        )
    if "expected key" in what or "'-' indicator" in what or "block end" in what:
        return (
            "the indentation of this line does not match the lines around it",
            "indent every field of one record by the same number of spaces",
        )
    return None


def load_yaml(
    path: Path, display: str, roots: Sequence[Path] | None = None
) -> tuple[YamlDocument | None, list[Problem]]:
    """Read and parse a YAML file; a missing or unreadable file is a problem too.

    With ``roots`` (the project), a file that a symbolic link leads outside of them is
    refused; a named pipe, device or oversized file is refused in any case (see
    :func:`briefpress.core.files.read_input`).
    """
    if roots is not None and path.exists() and not inside(path, roots):
        return None, [
            Problem(
                Location(display),
                "the file is a symbolic link to outside the project",
                "copy the file into the project instead of linking to it",
            )
        ]
    try:
        raw = read_input(path, MAX_BYTES)
    except FileNotFoundError:
        return None, [Problem(Location(display), "file not found")]
    except OSError as exc:
        return None, [Problem(Location(display), f"cannot read the file: {exc.strerror}")]
    return parse_yaml(raw, display)

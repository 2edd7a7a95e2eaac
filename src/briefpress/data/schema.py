"""Build typed records from located YAML data, collecting every mismatch.

One generic builder reads each dataclass's fields and type hints, so the
schema lives in one place (``model.py``) and every record type reports wrong
types, missing fields and typos the same way, with ``file:line:column``.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

from briefpress.core.errors import Problem
from briefpress.data.yamlload import PathPart, YamlDocument

T = TypeVar("T")


def yaml_name(field_name: str) -> str:
    """YAML keys are field names, except Python keywords (``from_`` is ``from``)."""
    return field_name.rstrip("_")


@cache
def _fields(cls: Any) -> dict[str, tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(cls)
    return {
        yaml_name(f.name): (f, hints[f.name])
        for f in dataclasses.fields(cls)
        if not f.metadata.get("internal")
    }


@cache
def _aliases(cls: Any) -> dict[str, str]:
    """Other YAML names of fields (``place`` for ``country``): yaml name -> alias.

    A report about cities writes ``place: nairobi`` where one about countries writes
    ``country: portugal``; both fill the same field.
    """
    return {
        yaml_name(f.name): f.metadata["alias"]
        for f in dataclasses.fields(cls)
        if f.metadata.get("alias")
    }


def _key(data: dict[Any, Any], name: str, alias: str | None) -> str | None:
    """The key under which ``data`` gives a field: its name, its alias, or None."""
    if name in data:
        return name
    return alias if alias and alias in data else None


def describe(tp: Any) -> str:
    """A type as a user editing YAML would say it."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is list:
        return f"a list of {describe(typing.get_args(tp)[0])}s"
    if origin is dict:
        return "a mapping"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false"}.get(
        tp, str(tp)
    )


class Builder:
    """Converts one document's data into records, appending problems as it goes."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: tuple[PathPart, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.doc.loc(*path), message, hint))

    def build(self, cls: type[T], data: Any, path: tuple[PathPart, ...], **extra: Any) -> T | None:
        """A record of ``cls`` from a mapping, or None (with problems) if it cannot be made."""
        if not isinstance(data, dict):
            self.problem(path, f"expected a mapping, found {_kind(data)}")
            return None
        fields = _fields(typing.cast(Any, cls))
        aliases = _aliases(typing.cast(Any, cls))
        accepted = [*fields, *aliases.values()]
        values: dict[str, Any] = {}
        ok = True
        for name, alias in aliases.items():
            if name in data and alias in data:
                where = self.doc.key_loc(*path, alias)
                self.problems.append(
                    Problem(where, f"both {name!r} and {alias!r} given", "they are the same field")
                )
                ok = False
        for key in data:
            if str(key) not in accepted:
                close = difflib.get_close_matches(str(key), accepted, n=1)
                hint = (
                    f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(fields)}"
                )
                where = self.doc.key_loc(*path, str(key))
                self.problems.append(Problem(where, f"unknown field {key!r}", hint))
                ok = False
        given: dict[str, str] = {}
        for name, (f, tp) in fields.items():
            key = _key(data, name, aliases.get(name))
            if key is None:
                required = (
                    f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                )
                if required and f.name not in extra:
                    also = f" or {aliases[name]!r}" if name in aliases else ""
                    self.problem(path, f"missing required field {name!r}{also} ({describe(tp)})")
                    ok = False
                continue
            given[name] = key
            raw = data[key]
            if f.metadata.get("paragraphs") and _paragraph_list(raw):
                raw = "\n\n".join(str(paragraph).strip() for paragraph in raw)
            converted, good = self.value(tp, raw, (*path, key))
            ok = ok and good
            values[f.name] = converted
        if not ok:
            return None
        own = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        if "loc" in own:
            values["loc"] = self.doc.loc(*path)
        if "locs" in own:
            values["locs"] = {
                fields[name][0].name: self.doc.loc(*path, key) for name, key in given.items()
            }
        values.update(extra)
        return cls(**values)

    def value(self, tp: Any, data: Any, path: tuple[PathPart, ...]) -> tuple[Any, bool]:
        origin = typing.get_origin(tp)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if data is None:
                return None, True
            return self.value(args[0], data, path)
        if origin is list:
            (item_tp,) = typing.get_args(tp)
            if isinstance(data, str | int | float) and not isinstance(data, bool):
                data = [data]  # a single value where a list is expected is a one-item list
            if not isinstance(data, list):
                self.problem(path, f"expected {describe(tp)}, found {_kind(data)}")
                return None, False
            results = [self.value(item_tp, item, (*path, i)) for i, item in enumerate(data)]
            return [r for r, _ in results], all(good for _, good in results)
        if origin is dict:
            value_tp = typing.get_args(tp)[1]
            if not isinstance(data, dict):
                self.problem(path, f"expected a mapping, found {_kind(data)}")
                return None, False
            entries = {str(k): self.value(value_tp, v, (*path, str(k))) for k, v in data.items()}
            return {k: r for k, (r, _) in entries.items()}, all(g for _, g in entries.values())
        if dataclasses.is_dataclass(tp):
            record = self.build(typing.cast(type, tp), data, path)
            return record, record is not None
        return self.scalar(tp, data, path)

    def scalar(self, tp: Any, data: Any, path: tuple[PathPart, ...]) -> tuple[Any, bool]:
        if tp is str and isinstance(data, str) and not data.strip():
            self.problem(path, "expected text, found an empty string")
            return None, False
        accepted = _accept(tp, data)
        if accepted is _REJECTED:
            hint = None
            if isinstance(data, bool) and tp is str:
                hint = (
                    "YAML reads a bare yes, no, on, off, true or false as true/false: "
                    'put the text in double quotes, such as language: "no"'
                )
            self.problem(path, f"expected {describe(tp)}, found {_kind(data)}", hint)
            return None, False
        return accepted, True


_REJECTED = object()


def _paragraph_list(data: Any) -> bool:
    """A list of paragraphs (non-empty text) where one text may be given as several."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(item, str) and item.strip() for item in data)
    )


def _accept(tp: Any, data: Any) -> Any:
    """``data`` as a value of scalar type ``tp``, or ``_REJECTED``; "4.1" may be unquoted."""
    if isinstance(data, bool):
        return data if tp is bool else _REJECTED
    if tp is str and isinstance(data, str | int | float):
        return str(data)
    if tp is int and isinstance(data, int):
        return data
    if tp is float and isinstance(data, int | float):
        return float(data)
    return _REJECTED


def _kind(data: Any) -> str:
    if data is None:
        return "nothing (null)"
    if isinstance(data, bool):
        return f"{str(data).lower()} (true/false)"
    if isinstance(data, str):
        shown = data if len(data) <= 40 else data[:37] + "..."
        return f"text {shown!r}"
    if isinstance(data, int | float):
        return f"the number {data}"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "a mapping"
    return type(data).__name__

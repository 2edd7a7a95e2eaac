"""Packs: the vocabulary of one field of work, which a project switches on by name.

The words that belong to a report's subject (stigmatising terms and what to write
instead, the words of its organisations' names) live in ``src/briefpress/packs/<name>/``
as data, never in code; ``packs: [name]`` in briefpress.yaml puts them to use. See
``src/briefpress/packs/README.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PACKS_DIR = Path(__file__).parent.parent / "packs"
PACK_FILE = "pack.yaml"
TERMS_FILE = "language-terms.yaml"


@dataclass(frozen=True)
class Pack:
    """One pack as its files declare it."""

    name: str
    description: str = ""
    organisation_words: tuple[str, ...] = ()
    terms: dict[str, Any] = field(default_factory=dict)  # language-terms.yaml, as read


def available() -> tuple[str, ...]:
    """The names of the packs briefpress ships."""
    return tuple(sorted(p.parent.name for p in PACKS_DIR.glob(f"*/{PACK_FILE}")))


@functools.cache
def load_pack(name: str) -> Pack | None:
    """The shipped pack ``name``; None if there is none (validation names the others)."""
    if name not in available():
        return None
    folder = PACKS_DIR / name
    meta = yaml.safe_load((folder / PACK_FILE).read_text(encoding="utf-8")) or {}
    terms_path = folder / TERMS_FILE
    terms = yaml.safe_load(terms_path.read_text(encoding="utf-8")) if terms_path.is_file() else {}
    return Pack(
        name,
        str(meta.get("description", "")),
        tuple(str(w) for w in meta.get("organisation_words", [])),
        terms or {},
    )


def packs_of(names: list[str] | tuple[str, ...]) -> tuple[Pack, ...]:
    """The packs a project switched on that exist (unknown names are validation's)."""
    found = (load_pack(n) for n in names)
    return tuple(p for p in found if p is not None)

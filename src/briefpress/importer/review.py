"""REVIEW.md, the checklist a person ticks and annotates, kept across imports.

The import writes the review list once; a person then ticks items and writes
notes in it.  A later import must not destroy that: when REVIEW.md differs from
what the last import wrote, the new list goes to REVIEW.new.md instead, with
the items the person ticked already ticked, and REVIEW.md is left as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from briefpress.core.files import write_atomic

REVIEW = "REVIEW.md"
REVIEW_NEW = "REVIEW.new.md"
MANIFEST = ".import.json"
# The report's body as the data reads it, kept beside the data: the studio shows a
# quote in its context and re-cuts it from this text, never from retyped words.
SOURCE_TEXT = "source.txt"
_ITEM = re.compile(r"^(\s*- )\[([ xX])\](.*)$")


def digest(data: bytes) -> str:
    """The digest the manifest keeps of a file the import wrote."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, object]:
    """The manifest of the last import, or an empty one."""
    try:
        data = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _edited(path: Path, written: object) -> bool:
    """Whether ``path`` exists and is not what the last import wrote."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return digest(data) != written


def carry_ticks(old: str, new: str) -> str:
    """``new`` with every item ticked that is ticked in ``old`` with the same words."""
    ticked = {
        match.group(3).strip()
        for line in old.splitlines()
        if (match := _ITEM.match(line)) and match.group(2) in "xX"
    }

    def tick(line: str) -> str:
        match = _ITEM.match(line)
        if match and match.group(3).strip() in ticked:
            return f"{match.group(1)}[x]{match.group(3)}"
        return line

    return "\n".join(tick(line) for line in new.split("\n"))


def write_review(folder: Path, text: str) -> Path:
    """Write the review list where it destroys nothing; return the file written.

    REVIEW.md is replaced only if it is missing or still as the last import
    wrote it; otherwise the list goes to REVIEW.new.md, ticks carried over.
    """
    manifest = read_manifest(folder)
    path = folder / REVIEW
    if _edited(path, manifest.get("review")):
        try:
            old = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            old = ""
        target = folder / REVIEW_NEW
        write_atomic(target, carry_ticks(old, text).encode("utf-8"))
        return target
    data = text.encode("utf-8")
    write_atomic(path, data)
    manifest["review"] = digest(data)
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return path

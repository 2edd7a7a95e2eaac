"""Content-hash cache: a brief is rebuilt only when something it depends on changed.

The key of a brief is the hash of its rendered HTML (which already reflects its
spec, the records it selected and the templates) plus the hashes of every
stylesheet and font it can use, and the versions of briefpress and WeasyPrint.
Deciding "nothing changed" therefore needs Jinja2 but never WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from briefpress import __version__
from briefpress.core.files import write_atomic

CACHE_FILE = ".briefpress-cache.json"
INPUTS = "*inputs*"  # the digest of every input of the last build in which all succeeded


def tree_digest(*folders: Path) -> str:
    """One hash over every file below ``folders`` (names and contents)."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or path.name.startswith("."):
                continue
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_digest(folders: list[Path], files: list[Path], settings: str) -> str:
    """One hash over everything a build reads, and the options it was run with."""
    digest = hashlib.sha256(tree_digest(*folders).encode())
    for path in files:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    digest.update(f"{engine_versions()}; {settings}".encode())
    return digest.hexdigest()


def engine_versions() -> str:
    try:
        weasyprint = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        weasyprint = "?"
    return f"briefpress {__version__}; weasyprint {weasyprint}"


def brief_key(html: str, assets_digest: str, strict: bool) -> str:
    digest = hashlib.sha256()
    for part in (engine_versions(), assets_digest, "strict" if strict else "", html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class BuildCache:
    """What was last built, per brief and edition: the key and the page count."""

    path: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        path = out_dir / CACHE_FILE
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def fresh(self, name: str, key: str, output: Path) -> int | None:
        """The cached page count when ``output`` exists and was built from ``key``."""
        entry = self.entries.get(name)
        if isinstance(entry, dict) and entry.get("key") == key and output.exists():
            pages = entry.get("pages")
            return pages if isinstance(pages, int) else None
        return None

    def all_fresh(self, inputs: str, names: dict[str, Path]) -> dict[str, int] | None:
        """Page counts of every brief when nothing at all changed since the last clean
        build (same ``inputs`` digest, every output still there); None otherwise. This
        lets a no-op build skip rendering HTML altogether."""
        if self.entries.get(INPUTS, {}).get("key") != inputs:
            return None
        pages: dict[str, int] = {}
        for name, output in names.items():
            entry = self.entries.get(name)
            if not isinstance(entry, dict) or not output.exists():
                return None
            count = entry.get("pages")
            if not isinstance(count, int):
                return None
            pages[name] = count
        return pages

    def set_inputs(self, inputs: str | None) -> None:
        """Remember the digest of a build in which every brief succeeded (None forgets)."""
        if inputs is None:
            self.entries.pop(INPUTS, None)
        else:
            self.entries[INPUTS] = {"key": inputs}

    def record(self, name: str, key: str, pages: int) -> None:
        self.entries[name] = {"key": key, "pages": pages}

    def save(self) -> None:
        text = json.dumps(self.entries, indent=1, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))

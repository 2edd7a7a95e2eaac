"""Content-hash cache: a brief is rebuilt only when something it depends on changed.

The key of a brief is the hash of its rendered HTML (which already reflects its
spec, the records it selected and the templates) plus the hashes of every
stylesheet and font it can use, and the versions of briefpress and WeasyPrint.
Deciding "nothing changed" therefore needs Jinja2 but never WeasyPrint.

An output is trusted only if it is the file the cache recorded: the same size and
SHA-256 as when it was written. A truncated, swapped or hand-edited PDF under out/ is
rebuilt, never reported "up to date" nor put behind a letter. The cache file is data
(JSON) and is checked entry by entry: anything malformed counts as "not built".
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from briefpress import __version__
from briefpress.core.files import write_atomic

CACHE_FILE = ".briefpress-cache.json"
INPUTS = "*inputs*"  # the digest of every input of the last build in which all succeeded


def tree_digest(*folders: Path) -> str:
    """One hash over every file below ``folders`` (names and contents).

    Only regular files count: a named pipe or device among the inputs is not read
    (reading a pipe would wait forever; the loader reports it), and a file that
    vanishes or cannot be read while the digest is made counts as its error.
    """
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if _regular(p)):
            if "__pycache__" in path.parts or path.name.startswith("."):
                continue
            digest.update(os.fsencode(path.relative_to(folder).as_posix()))
            digest.update(file_digest(path).encode())
    return digest.hexdigest()


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return False


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks; for a file that cannot be read, its error."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return f"unreadable: {exc.errno}"
    return digest.hexdigest()


def inputs_digest(folders: list[Path], files: list[Path], settings: str) -> str:
    """One hash over everything a build reads, and the options it was run with."""
    digest = hashlib.sha256(tree_digest(*folders).encode())
    for path in files:
        digest.update(file_digest(path).encode() if _regular(path) else b"-")
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


def cache_name(brief_id: str, edition: str, suffix: str = "") -> str:
    """The cache entry of one output: ``<id>:<edition>`` (``:html`` for the HTML)."""
    return f"{brief_id}:{edition}{suffix}"


def output_facts(output: Path) -> tuple[int, str] | None:
    """Size and SHA-256 of an output that is a regular file; None for anything else."""
    try:
        info = output.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    digest = file_digest(output)
    return None if digest.startswith("unreadable") else (info.st_size, digest)


@dataclass
class BuildCache:
    """What was last built, per output: the key, the page count, and the size and
    SHA-256 of the file as written (what makes an output trusted)."""

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

    def verified(self, name: str, output: Path) -> bool:
        """Whether ``output`` is the very file recorded for entry ``name`` (see
        :func:`cache_name`): same size and SHA-256 as when the build wrote it."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict):
            return False
        size, sha256 = entry.get("size"), entry.get("sha256")
        if not isinstance(size, int) or not isinstance(sha256, str):
            return False
        return output_facts(output) == (size, sha256)

    def fresh(self, name: str, key: str, output: Path) -> int | None:
        """The cached page count when ``output`` was built from ``key`` and is still
        the file that build wrote; None when it must be built."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        pages = entry.get("pages")
        if not isinstance(pages, int) or isinstance(pages, bool) or pages < 0:
            return None
        return pages if self.verified(name, output) else None

    def all_fresh(self, inputs: str, names: dict[str, Path]) -> dict[str, int] | None:
        """Page counts of every brief when nothing at all changed since the last clean
        build (same ``inputs`` digest, every output still there); None otherwise. This
        lets a no-op build skip rendering HTML altogether."""
        marker = self.entries.get(INPUTS)
        if not isinstance(marker, dict) or marker.get("key") != inputs:
            return None
        pages: dict[str, int] = {}
        for name, output in names.items():
            entry = self.entries.get(name)
            if not isinstance(entry, dict) or not self.verified(name, output):
                return None
            count = entry.get("pages")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                return None
            pages[name] = count
        return pages

    def set_inputs(self, inputs: str | None) -> None:
        """Remember the digest of a build in which every brief succeeded (None forgets)."""
        if inputs is None:
            self.entries.pop(INPUTS, None)
        else:
            self.entries[INPUTS] = {"key": inputs}

    def record(self, name: str, key: str, pages: int, output: Path) -> None:
        """Remember what ``output`` was built from, and the file as it is now."""
        facts = output_facts(output)
        if facts is None:
            self.entries.pop(name, None)
            return
        size, sha256 = facts
        self.entries[name] = {"key": key, "pages": pages, "size": size, "sha256": sha256}

    def save(self) -> None:
        text = json.dumps(self.entries, indent=1, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))

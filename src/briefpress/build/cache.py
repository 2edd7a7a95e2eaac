"""Content-hash cache: a brief is rebuilt only when something it depends on changed.

The key of a brief is the hash of its rendered HTML (which already reflects its
spec, the records it selected and the templates) plus the hashes of every
stylesheet and font it can use, and the versions of briefpress and WeasyPrint.
Deciding "nothing changed" therefore needs Jinja2 but never WeasyPrint.

An output is trusted only if it is the file the cache recorded: the same SHA-256 as
when it was written. A truncated, swapped or hand-edited PDF under out/ is rebuilt,
never reported "up to date" nor put behind a letter. Hashing every PDF on every build
would make a no-op build slow, so outputs are checked the way git checks its index: a
file whose size, modification and change times (in nanoseconds) and inode are those
recorded is the recorded file; only a file whose facts differ is hashed. An entry
written in the same clock tick as the cache file itself is "racy" (git's word: a
change in that tick would not show in the times) and is hashed too.

There is one truth about what is built, and every build shares it: the whole-build
marker (:data:`INPUTS`, which lets a no-op build skip rendering) names the digest of
every input *and* a digest of the very entries it vouches for. Any build that records
an output, a watcher's rebuild of one brief included, changes those entries and so
ends the marker's trust: an edit built and then undone can never leave a PDF of the
edit reported up to date. The cache file is data (JSON) and is checked entry by
entry: anything malformed counts as "not built".
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
GALLERY = "*gallery*"  # out/index.html as the last full build wrote it


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


def input_digest(path: Path) -> str:
    """SHA-256 of an input that is a regular file; "-" for anything else (a named pipe
    is never read: that would wait forever)."""
    return file_digest(path) if _regular(path) else "-"


def inputs_digest(folders: list[Path], files: list[Path], settings: str) -> str:
    """One hash over everything a build reads, and the options it was run with."""
    digest = hashlib.sha256(tree_digest(*folders).encode())
    for path in files:
        digest.update(input_digest(path).encode())
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
    info = _stat(output)
    if info is None:
        return None
    digest = file_digest(output)
    return None if digest.startswith("unreadable") else (info.st_size, digest)


def _stat(output: Path) -> os.stat_result | None:
    """The output's own facts (a symbolic link is never a recorded output)."""
    try:
        info = os.lstat(output)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def stat_facts(info: os.stat_result) -> list[int]:
    """What git's index compares: size, modification and change times, inode."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _count(value: object) -> int | None:
    """A page count from the cache file, or None when it is not one."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    return value


@dataclass
class BuildCache:
    """What was last built, per output: the key, the page count, and the SHA-256 and
    file-system facts of the file as written (what makes an output trusted)."""

    path: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)
    saved_ns: int = 0  # when the cache file was written: entries as new or newer are racy

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        path = out_dir / CACHE_FILE
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            saved_ns = path.stat().st_mtime_ns
        except (OSError, ValueError):
            entries, saved_ns = {}, 0
        return cls(path, entries if isinstance(entries, dict) else {}, saved_ns)

    def verified(self, name: str, output: Path) -> bool:
        """Whether ``output`` is the very file recorded for entry ``name`` (see
        :func:`cache_name`): same facts as when the build wrote it, or else the same
        size and SHA-256 (its facts are then noted, so the next check needs no hash)."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict):
            return False
        size, sha256 = entry.get("size"), entry.get("sha256")
        if not isinstance(size, int) or not isinstance(sha256, str):
            return False
        info = _stat(output)
        if info is None or info.st_size != size:
            return False
        facts = stat_facts(info)
        if entry.get("stat") == facts and info.st_mtime_ns < self.saved_ns:
            return True  # unchanged since recorded, and not racy: no need to read it
        if file_digest(output) != sha256:
            return False
        entry["stat"] = facts
        return True

    def fresh(self, name: str, key: str, output: Path) -> int | None:
        """The cached page count when ``output`` was built from ``key`` and is still
        the file that build wrote; None when it must be built."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        pages = _count(entry.get("pages"))
        if pages is None:
            return None
        return pages if self.verified(name, output) else None

    def all_fresh(self, inputs: str, names: dict[str, Path]) -> dict[str, int] | None:
        """Page counts of every brief when nothing at all changed since the last clean
        build (same ``inputs`` digest, the same recorded outputs as then, every output
        still the file recorded); None otherwise. This lets a no-op build skip
        rendering HTML altogether."""
        marker = self.entries.get(INPUTS)
        if not isinstance(marker, dict) or marker.get("key") != inputs:
            return None
        if marker.get("outputs") != self.outputs_digest():
            return None  # an output was rebuilt since (a watcher's rebuild of one brief)
        pages: dict[str, int] = {}
        for name, output in names.items():
            entry = self.entries.get(name)
            count = _count(entry.get("pages")) if isinstance(entry, dict) else None
            if count is None or not self.verified(name, output):
                return None
            pages[name] = count
        return pages

    def outputs_digest(self) -> str:
        """One hash over every output entry's key and content: what the marker vouches for."""
        digest = hashlib.sha256()
        for name in sorted(self.entries):
            entry = self.entries[name]
            if name.startswith("*") or not isinstance(entry, dict):
                continue  # the marker itself, the gallery: not a brief's output
            parts = (name, str(entry.get("key")), str(entry.get("sha256")))
            digest.update("\0".join(parts).encode("utf-8", "surrogatepass") + b"\n")
        return digest.hexdigest()

    def set_inputs(self, inputs: str | None, **facts: object) -> None:
        """Remember the digest of a build in which every brief succeeded (None forgets),
        bound to the outputs recorded now; ``facts`` are kept beside it (what a no-op
        build needs to answer without loading the project, see build/noop.py)."""
        if inputs is None:
            self.entries.pop(INPUTS, None)
        else:
            self.entries[INPUTS] = {**facts, "key": inputs, "outputs": self.outputs_digest()}

    def record(self, name: str, key: str, pages: int, output: Path) -> None:
        """Remember what ``output`` was built from, and the file as it is now."""
        info = _stat(output)
        digest = file_digest(output) if info is not None else "unreadable"
        if info is None or digest.startswith("unreadable"):
            self.entries.pop(name, None)
            return
        self.entries[name] = {
            "key": key,
            "pages": pages,
            "size": info.st_size,
            "sha256": digest,
            "stat": stat_facts(info),
        }

    def save(self) -> None:
        text = json.dumps(self.entries, indent=1, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))

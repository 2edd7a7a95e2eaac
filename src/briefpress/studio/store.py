"""The studio's only way to touch files: inside the project, checked, atomic, undoable.

Every write names the version of the file it was based on (its etag, a hash of the
bytes the page was given). If the file changed on disk since then (an editor, a
``git pull``, another browser tab), nothing is written and the caller gets a
:class:`Conflict` to show. Every write is remembered so that it can be undone, and an
undo is refused the same way if the file changed after the write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from briefpress.core.files import inside, name_problem, read_input, write_atomic
from briefpress.data.load import ID_RE

MAX_FILE = 8 * 1024 * 1024
UNDO_DEPTH = 50


class Refused(Exception):
    """A request for a path or id that the studio will not read or write."""


@dataclass
class Conflict(Exception):
    """The file on disk is not the version the change was based on."""

    file: str
    expected: str
    current: str
    text: str  # the file as it is now, for the page to show


@dataclass(frozen=True)
class Change:
    """One write: enough to put the file back as it was."""

    file: str
    before: bytes | None  # None: the write made the file
    after: str  # etag of what was written
    what: str  # in plain words, for the page's undo button
    others: tuple[Change, ...] = ()  # the other files written in the same step

    def files(self) -> tuple[Change, ...]:
        return (self, *self.others)


def etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def check_id(value: str, what: str = "id") -> str:
    """An id from a URL or a form: a slug, never a path."""
    if not ID_RE.match(value) or ".." in value or len(value) > 200 or name_problem(value):
        raise Refused(f"{value[:60]!r} is not a {what}")  # name_problem: con, nul... on Windows
    return value


class ProjectFiles:
    """Reads and writes files of one project, by paths relative to its root."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.lock = threading.Lock()
        self.undo: list[Change] = []

    def path(self, relative: str) -> Path:
        path = self.root / relative
        if ".." in Path(relative).parts or not inside(path, [self.root]):
            raise Refused(f"{relative!r} is outside the project")
        if any(part.startswith(".") for part in Path(relative).parts):
            raise Refused(f"{relative!r} is a hidden file")
        if Path(relative).parts[:1] == ("out",):
            raise Refused(f"{relative!r} is output, not a source file")
        return path

    def read(self, relative: str) -> bytes:
        return read_input(self.path(relative), MAX_FILE)

    def version(self, relative: str) -> str | None:
        try:
            return etag(self.read(relative))
        except FileNotFoundError:
            return None

    def check(self, relative: str, based_on: str | None) -> None:
        """Raise :class:`Conflict` now if the file is not the version the change is for."""
        if based_on is None:
            return
        try:
            now: bytes | None = self.read(relative)
        except FileNotFoundError:
            now = None
        current = etag(now) if now is not None else "new"
        if current != based_on:
            text = now.decode("utf-8", "replace") if now is not None else ""
            raise Conflict(relative, based_on, current, text)

    def write(self, relative: str, data: bytes, based_on: str | None, what: str) -> str:
        """Write ``data`` if the file is still ``based_on`` (None: any version, or new)."""
        path = self.path(relative)
        with self.lock:
            try:
                before: bytes | None = read_input(path, MAX_FILE)
            except FileNotFoundError:
                before = None
            current = etag(before) if before is not None else "new"
            if based_on is not None and based_on != current:
                text = before.decode("utf-8", "replace") if before is not None else ""
                raise Conflict(relative, based_on, current, text)
            write_atomic(path, data)
            self.undo.append(Change(relative, before, etag(data), what))
            del self.undo[:-UNDO_DEPTH]
            return etag(data)

    def write_many(
        self, texts: dict[str, bytes], based_on: dict[str, str | None], what: str
    ) -> dict[str, str]:
        """Write several files as one step, undone as one: all are checked before any is
        written, and if a write fails the files already written are put back."""
        with self.lock:
            befores = {relative: self._current(relative) for relative in texts}
            for relative, before in befores.items():
                expected = based_on.get(relative)
                current = etag(before) if before is not None else "new"
                if expected is not None and expected != current:
                    text = before.decode("utf-8", "replace") if before is not None else ""
                    raise Conflict(relative, expected, current, text)
            done: list[str] = []
            try:
                for relative, data in texts.items():
                    write_atomic(self.path(relative), data)
                    done.append(relative)
            except BaseException:
                for relative in done:
                    self._put_back(relative, befores[relative])
                raise
            changes = [Change(r, befores[r], etag(d), what) for r, d in texts.items()]
            self.undo.append(dataclasses.replace(changes[0], others=tuple(changes[1:])))
            del self.undo[:-UNDO_DEPTH]
            return {relative: etag(data) for relative, data in texts.items()}

    def _current(self, relative: str) -> bytes | None:
        try:
            return read_input(self.path(relative), MAX_FILE)
        except FileNotFoundError:
            return None

    def _put_back(self, relative: str, before: bytes | None) -> None:
        if before is None:
            self.path(relative).unlink(missing_ok=True)
        else:
            write_atomic(self.path(relative), before)

    def undo_last(self) -> Change | None:
        """Put back the files of the last change, unless one changed since."""
        with self.lock:
            if not self.undo:
                return None
            change = self.undo[-1]
            for part in change.files():
                now = self._current(part.file) or b""
                if etag(now) != part.after:
                    raise Conflict(part.file, part.after, etag(now), now.decode("utf-8", "replace"))
            for part in change.files():
                self._put_back(part.file, part.before)
            self.undo.pop()
            return change

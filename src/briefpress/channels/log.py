"""The send log: one SQLite database per mailing, the memory that makes a send resumable.

Each recipient (by e-mail address, so that a reordered recipients file changes
nothing) has a state:

- ``pending``: not sent yet; the next run sends it;
- ``sending``: the message was being handed to the server when the run stopped;
- ``sent``: the server accepted it (its answer is kept);
- ``failed``: the server refused it for good (5xx); a rerun tries again, so a
  fixed address or a server problem that went away needs nothing else;
- ``unknown``: the message may or may not have arrived (the process was killed,
  or the connection broke, after the message was handed over). It is never sent
  again without ``--resend-unknown``: a second copy is worse than a question.

A state is committed before the step it describes, so a crash at any moment
leaves at worst ``sending``, which the next run turns into ``unknown``.

The database holds names and e-mail addresses: personal data. It lives in the
mailing's folder under out/, which git ignores, and should be deleted when the
mailing's record is no longer needed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import write_atomic

STATES = ("pending", "sending", "sent", "failed", "unknown")
LOG_FILE = "send-log.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS recipients (
    email TEXT PRIMARY KEY,
    row INTEGER NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
    message_id TEXT,
    attachment_sha256 TEXT,
    addresses INTEGER NOT NULL DEFAULT 1,
    attempts INTEGER NOT NULL DEFAULT 0,
    started REAL,
    finished REAL,
    answer TEXT
);
CREATE INDEX IF NOT EXISTS recipients_started ON recipients (started);
"""


@dataclass(frozen=True)
class Entry:
    """One recipient's line in the log."""

    email: str
    row: int
    name: str
    state: str
    message_id: str | None
    attachment_sha256: str | None
    addresses: int
    attempts: int
    started: float | None
    finished: float | None
    answer: str | None


class SendLog:
    """The log of one mailing; one process at a time may send from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit: each write lands
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._lock: filelock.BaseFileLock | None = None

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def lock(self) -> None:
        """Refuse a second send of this mailing while one runs: two would mail twice.

        The lock is the operating system's on ``.send.lock`` (filelock: flock on POSIX,
        msvcrt on Windows), so a killed send holds it no longer than its process lives."""
        lock = filelock.FileLock(self.path.parent / ".send.lock", timeout=0, thread_local=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise BriefpressError(
                f"another briefpress send of this mailing is running ({self.path.parent})"
            ) from None
        self._lock = lock

    # --- reading ---------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Every recipient the log knows, in row order."""
        cursor = self.db.execute(f"SELECT {_COLUMNS} FROM recipients ORDER BY row, email")
        for values in cursor:
            yield Entry(*values)

    def entry(self, email: str) -> Entry | None:
        values = self.db.execute(
            f"SELECT {_COLUMNS} FROM recipients WHERE email = ?", (email,)
        ).fetchone()
        return Entry(*values) if values else None

    def counts(self) -> dict[str, int]:
        found = dict(self.db.execute("SELECT state, COUNT(*) FROM recipients GROUP BY state"))
        return {state: int(found.get(state, 0)) for state in STATES}

    def started_since(self, since: float) -> list[tuple[float, int]]:
        """When each message that may have left since ``since`` was handed over, and to how
        many addresses: what counts against a provider's quota."""
        cursor = self.db.execute(
            "SELECT started, addresses FROM recipients WHERE started >= ? "
            "AND state IN ('sending', 'sent', 'unknown') ORDER BY started",
            (since,),
        )
        return [(float(t), int(n)) for t, n in cursor]

    # --- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Writes that land together, or not at all: for drafting, where nothing leaves
        the machine, so one commit (one sync) for 10,000 drafts loses nothing a crash
        could need; a crash before it leaves the log as it was, and the rerun drafts
        again. Never around sending: there each state must land before its step."""
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def recover(self) -> int:
        """A ``sending`` left by a run that stopped is ``unknown``: it may have arrived."""
        cursor = self.db.execute(
            "UPDATE recipients SET state = 'unknown', "
            "answer = COALESCE(answer, 'the send stopped while the message was handed over') "
            "WHERE state = 'sending'"
        )
        return cursor.rowcount

    def register(self, email: str, row: int, name: str) -> Entry:
        """The recipient's entry, added as pending if new; its row and name kept current."""
        self.db.execute(
            "INSERT INTO recipients (email, row, name) VALUES (?, ?, ?) "
            "ON CONFLICT (email) DO UPDATE SET row = excluded.row, name = excluded.name",
            (email, row, name),
        )
        entry = self.entry(email)
        assert entry is not None
        return entry

    def prepare(self, email: str, message_id: str, attachment_sha256: str, addresses: int) -> None:
        """What a not-yet-sent recipient will get, as the drafts say."""
        self.db.execute(
            "UPDATE recipients SET message_id = ?, attachment_sha256 = ?, addresses = ? "
            "WHERE email = ? AND state IN ('pending', 'failed')",
            (message_id, attachment_sha256, addresses, email),
        )

    def mark(self, email: str, state: str, when: float, answer: str | None = None) -> None:
        """A new state; ``sending`` also records when the message was handed over."""
        if state == "sending":
            self.db.execute(
                "UPDATE recipients SET state = ?, started = ?, attempts = attempts + 1, "
                "answer = NULL WHERE email = ?",
                (state, when, email),
            )
        else:
            self.db.execute(
                "UPDATE recipients SET state = ?, finished = ?, answer = ? WHERE email = ?",
                (state, when, answer, email),
            )

    def release_unknown(self) -> int:
        """``--resend-unknown``: the user checked, and those messages did not arrive."""
        return self.db.execute(
            "UPDATE recipients SET state = 'pending' WHERE state = 'unknown'"
        ).rowcount


_COLUMNS = (
    "email, row, name, state, message_id, attachment_sha256, addresses, attempts, "
    "started, finished, answer"
)


@contextlib.contextmanager
def open_log(folder: Path, lock: bool = False, display: str | None = None) -> Iterator[SendLog]:
    """The mailing's log, locked for sending when asked.

    A log that cannot be used (damaged, read-only, a folder in its place, a full disk) is
    a :class:`BriefpressError` naming the file (``display``: as the user sees it), at
    opening or at any later step: never a traceback, and never a send without its log."""
    path = folder / LOG_FILE
    shown = display or str(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():  # personal data: never committed, wherever out/ is
            write_atomic(ignore, b"# names and addresses: personal data, never committed\n*\n")
        os.chmod(folder, 0o700)
        if path.exists() and not path.is_file():
            raise BriefpressError([Problem(Location(shown), "the send log is not a file", FIX)])
        log = SendLog(path)
    except (sqlite3.Error, OSError) as exc:
        raise unusable(shown, exc) from None
    try:
        if lock:
            log.lock()
        yield log
    except sqlite3.Error as exc:
        raise unusable(shown, exc) from None
    finally:
        log.close()


FIX = "move it aside and run again: a new log starts, so check who was sent to already"


def unusable(shown: str, exc: sqlite3.Error | OSError) -> BriefpressError:
    """The send log cannot be read or written, in plain words."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if "not a database" in reason or "malformed" in reason:
        reason = "the file is damaged (not a send log)"
    elif "readonly" in reason or "read-only" in reason:
        reason = "the file cannot be written (read-only)"
    message = f"the send log cannot be used: {reason}"
    return BriefpressError([Problem(Location(shown), message, FIX)])

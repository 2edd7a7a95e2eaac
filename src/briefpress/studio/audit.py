"""The studio's audit log in team mode: every write and every send, with who did it.

When several people share a studio, the IT person must be able to answer "who changed
this brief, who sent that mailing, who tried to log in at night". Each event is one JSON
line appended to ``.briefpress/studio-audit.log`` (0600, never rewritten): the time in
UTC, the user, their role, the client's address, what was asked and what was answered.
Request bodies are not logged: they may hold personal data or a password.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

from briefpress.studio.auth import USERS_FILE, private_folder

AUDIT_FILE = USERS_FILE.parent / "studio-audit.log"


class AuditLog:
    """Appends events to the project's audit log; one writer at a time in this process,
    and each line one ``write`` to a file opened for appending, so lines never mix."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / AUDIT_FILE
        self.lock = threading.Lock()

    def record(self, event: str, user: str | None, **details: Any) -> None:
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "event": event,
            "user": user,
            **details,
        }
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
        with self.lock:
            private_folder(self.root)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def entries(self) -> list[dict[str, Any]]:
        """Every event so far, oldest first (for tests and a future audit page)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]

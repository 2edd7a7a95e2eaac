"""Who may use the studio in team mode: users, their password hashes, sessions, and a
brake on guessing passwords.

A studio that listens beyond this machine changes the project and, for a sender, mails
policymakers: so every request needs a login. The users file holds each person's role
and an argon2 hash of the password, never the password; it lives in the project's
``.briefpress/`` folder (git-ignored, 0600), written whole or not at all. Sessions live
in this process's memory only: restarting the studio logs everyone out, and a stolen
users file gives no session. Five failed logins in a row for one name from one client
make it wait (HTTP 429), so a password cannot be guessed at speed.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from briefpress.core.errors import BriefpressError
from briefpress.studio.security import Session

ROLES = ("editor", "sender")
USERS_FILE = Path(".briefpress") / "studio-users.json"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 10
IDLE = 8 * 3600  # seconds a session lasts without a request
LIFETIME = 12 * 3600  # seconds a session lasts at most: a working day
MAX_FAILURES = 5
MAX_TRACKED = 10_000  # (name, client) pairs with failures remembered, the oldest dropped
COOL_DOWN = 60.0  # seconds; doubled for each further failure, up to an hour
HASHER = PasswordHasher()
# A password that is not a user's is still hashed against this, so a wrong name takes
# as long as a wrong password and does not tell which names exist.
DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    name: str
    role: str
    hash: str


def private_folder(root: Path) -> Path:
    """The project's ``.briefpress/`` folder, made with a ``.gitignore`` that keeps all of
    it out of git (for projects made before ``init`` ignored it)."""
    folder = root / USERS_FILE.parent
    folder.mkdir(mode=0o700, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Studio users and audit log: never in git.\n*\n", encoding="utf-8")
    return folder


def write_private(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all, readable by its owner only (0600)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp makes it 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_users(root: Path) -> dict[str, User]:
    """The project's studio users (none when there is no users file)."""
    path = root / USERS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise BriefpressError(f"{USERS_FILE}: cannot be read ({exc})") from None
    users = {}
    for name, entry in dict(data.get("users", {})).items():
        if isinstance(entry, dict) and entry.get("role") in ROLES and entry.get("hash"):
            users[name] = User(name, str(entry["role"]), str(entry["hash"]))
    return users


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BriefpressError(
            f"{name!r} is not a user name: use letters, digits and . _ @ - (up to 64)"
        )
    return name


def add_user(root: Path, name: str, role: str, password: str) -> bool:
    """Store ``name`` with ``role`` and a hash of ``password``; True if the user is new
    (an existing user gets the new role and password)."""
    check_name(name)
    if role not in ROLES:
        raise BriefpressError(f"unknown role {role!r}: {' or '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise BriefpressError(f"the password is too short: at least {MIN_PASSWORD} characters")
    users = load_users(root)
    new = name not in users
    users[name] = User(name, role, HASHER.hash(password))
    save_users(root, users)
    return new


def remove_user(root: Path, name: str) -> bool:
    users = load_users(root)
    if users.pop(name, None) is None:
        return False
    save_users(root, users)
    return True


def save_users(root: Path, users: dict[str, User]) -> None:
    private_folder(root)
    entries = {u.name: {"role": u.role, "hash": u.hash} for u in users.values()}
    text = json.dumps({"users": entries}, indent=2, sort_keys=True) + "\n"
    write_private(root / USERS_FILE, text.encode("utf-8"))


def check_password(user: User | None, password: str) -> bool:
    """True if ``password`` is the user's; as slow for an unknown name as for a known one."""
    try:
        return HASHER.verify(user.hash if user else DUMMY_HASH, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- sessions -------------------------------------------------------------------------


@dataclass
class Login:
    """One logged-in browser: who, and its own CSRF token."""

    user: str
    role: str
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    """Logins by their cookie's value, in memory; expired ones are dropped when met."""

    def __init__(self) -> None:
        self.logins: dict[str, Login] = {}
        self.lock = threading.Lock()

    def start(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.logins[token] = Login(user.name, user.role)
        return token

    def get(self, token: str | None) -> Login | None:
        if not token:
            return None
        now = time.monotonic()
        with self.lock:
            login = self.logins.get(token)
            if login is None:
                return None
            if now - login.seen > IDLE or now - login.started > LIFETIME:
                del self.logins[token]
                return None
            login.seen = now
            return login

    def end(self, token: str | None) -> None:
        with self.lock:
            self.logins.pop(token or "", None)


class RateLimit:
    """Failed logins in a row per (name, client): after MAX_FAILURES, a cool-down that
    doubles with each further failure; a success clears it."""

    def __init__(self) -> None:
        self.failures: dict[tuple[str, str], tuple[int, float]] = {}
        self.lock = threading.Lock()

    def wait(self, key: tuple[str, str]) -> float:
        """Seconds to wait before this key may try again (0: now)."""
        with self.lock:
            count, last = self.failures.get(key, (0, 0.0))
        if count < MAX_FAILURES:
            return 0.0
        delay = min(COOL_DOWN * 2.0 ** (count - MAX_FAILURES), 3600.0)
        return float(max(0.0, last + delay - time.monotonic()))

    def failed(self, key: tuple[str, str]) -> None:
        with self.lock:
            count, _ = self.failures.pop(key, (0, 0.0))
            self.failures[key] = (count + 1, time.monotonic())  # now the newest
            while len(self.failures) > MAX_TRACKED:  # invented names cannot fill memory
                del self.failures[next(iter(self.failures))]

    def succeeded(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.failures.pop(key, None)


# --- the CSRF token of the request's login ----------------------------------------------

CURRENT: ContextVar[Login | None] = ContextVar("studio_login", default=None)


class TeamSession(Session):
    """The studio's :class:`Session` in team mode: the CSRF token is the one of the login
    making the request (set by the team middleware), so the pages and the API, which ask
    the session for its token, need no change."""

    def __init__(self) -> None:  # no server-wide token: each login has its own
        pass

    @property
    def csrf_token(self) -> str:  # type: ignore[override]
        login = CURRENT.get()
        return login.csrf_token if login else ""

    def valid(self, token: str | None) -> bool:
        login = CURRENT.get()
        if login is None or not token:
            return False
        return hmac.compare_digest(str(token), login.csrf_token)

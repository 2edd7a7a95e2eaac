"""How the studio is put together in team mode: the guard, the session of each login,
the audit log, and the server's options (TLS, the reverse proxy's headers).

app.py asks :func:`team_serving` whether the studio runs in team mode at all: on a
loopback address, without ``--team`` or TLS, it does not, and nothing changes for the
one person at this machine. Anywhere else it needs users, and refuses to start without.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from briefpress.core.errors import BriefpressError
from briefpress.studio.audit import AuditLog
from briefpress.studio.auth import USERS_FILE, TeamSession, load_users
from briefpress.studio.team import TeamGuard, current_user


class TeamMode:
    """The parts team mode adds to the studio's application."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.session = TeamSession()
        self.audit = AuditLog(root)

    def middleware(self) -> list[Middleware]:
        return [Middleware(TeamGuard, root=self.root, audit=self.audit)]

    def routes(self) -> list[BaseRoute]:
        return []  # login and logout are answered by the guard itself

    def hook_pages(self, env: jinja2.Environment) -> None:
        """The pages show who is logged in, with a way to log out (team.html.j2)."""
        env.globals["studio_user"] = current_user


def team_serving(
    root: Path,
    host: str,
    loopback: tuple[str, ...],
    tls: tuple[Path, Path] | None,
    team: bool = False,
) -> tuple[TeamMode | None, tuple[str, ...] | None, dict[str, Any]]:
    """Team mode (or None), the host names to answer to (None: the usual local ones) and
    uvicorn's options, for a studio listening on ``host``."""
    options: dict[str, Any] = {}
    if tls:
        cert, key = tls
        for path in tls:
            if not path.is_file():
                raise BriefpressError(f"{path}: no such file (the TLS certificate or key)")
        options.update(ssl_certfile=str(cert), ssl_keyfile=str(key))
    if host in loopback and not tls and not team:
        return None, None, options
    if not load_users(root):
        raise BriefpressError(
            f"the studio on {host} can be reached by others, so it needs a login: add a "
            "user first with: briefpress studio add-user NAME --role editor|sender "
            f"(users are kept in {USERS_FILE}, never in git)"
        )
    # Behind a login, the host name the browser or the reverse proxy uses is not known in
    # advance; a request under another name still needs a session cookie of this site.
    options.update(proxy_headers=True)
    return TeamMode(root), ("*",), options

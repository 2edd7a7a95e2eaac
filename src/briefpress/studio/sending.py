"""The studio's Sending pages: each mailing's send log as a table, for senders only.

The send log (``out/mail/<id>/send-log.sqlite``) says who was sent their letter, who
failed and why, and whose message may or may not have left (unknown). An officer needs
that without a terminal, but the folder holds names and addresses: so the studio never
serves it as a file; these pages read it through the channel's own log API and show it
to those whose role allows (team.py's ``ROUTE_ROLES``: ``/sending`` and ``/api/send``
are a sender's).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from briefpress.channels.drafts import mail_folder
from briefpress.channels.log import LOG_FILE, STATES, open_log
from briefpress.core.errors import BriefpressError
from briefpress.data.load import Project
from briefpress.studio import records
from briefpress.studio.pages import Pages
from briefpress.studio.store import Refused, check_id
from briefpress.studio.team import current_user


def mailings(root: Path) -> list[str]:
    """The letters that have a send log, by id."""
    folder = root / "out" / "mail"
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{LOG_FILE}") if p.is_file())


def send_log(root: Path, letter_id: str) -> dict[str, Any]:
    """One mailing's counts by state and every recipient's line, as JSON."""
    project = Project(root=root)
    folder = mail_folder(project, check_id(letter_id, "letter's id"))
    if not (folder / LOG_FILE).is_file():
        raise Refused(f"no send log for {letter_id!r} yet")
    with open_log(folder, display=project.display(folder / LOG_FILE)) as log:
        entries = [
            {
                "row": e.row,
                "name": e.name,
                "email": e.email,
                "state": e.state,
                "attempts": e.attempts,
                "answer": e.answer or "",
                "finished": when(e.finished),
            }
            for e in sorted(log.entries(), key=lambda e: e.row)
        ]
        return {"letter": letter_id, "counts": log.counts(), "entries": entries}


def when(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def may_send() -> bool:
    """Whether this request's person may see recipients and sending (always, alone)."""
    user = current_user()
    return user is None or user["role"] == "sender"


class Sending:
    """The Sending pages and their JSON."""

    def __init__(self, root: Path, pages: Pages) -> None:
        self.root = root
        self.pages = pages

    def hook_pages(self, env: jinja2.Environment) -> None:
        env.globals["may_send"] = may_send

    def routes(self) -> list[Route]:
        return [
            Route("/sending", self.index),
            Route("/sending/{letter_id}", self.letter),
            Route("/api/send/{letter_id}/log", self.log_json),
        ]

    async def index(self, request: Request) -> Response:
        project, _ = await asyncio.to_thread(records.load, self.root)
        found = await asyncio.to_thread(mailings, self.root)
        return self.pages.render(
            "sending.html.j2", project, title="Sending", mailings=found, log=None
        )

    async def letter(self, request: Request) -> Response:
        project, _ = await asyncio.to_thread(records.load, self.root)
        try:
            log = await asyncio.to_thread(send_log, self.root, request.path_params["letter_id"])
        except (Refused, BriefpressError) as exc:
            return self.pages.render(
                "sending.html.j2",
                project,
                404,
                title="Sending",
                mailings=[],
                log=None,
                error=str(exc),
            )
        return self.pages.render(
            "sending.html.j2",
            project,
            title=f"Sending {log['letter']}",
            mailings=[],
            log=log,
            states=STATES,
        )

    async def log_json(self, request: Request) -> Response:
        try:
            log = await asyncio.to_thread(send_log, self.root, request.path_params["letter_id"])
        except (Refused, BriefpressError) as exc:
            return JSONResponse({"error": str(exc)}, 404)
        return JSONResponse(log, headers={"Cache-Control": "no-store"})

"""A project started from the browser: what ``briefpress init`` does, as the studio's
first page when it is opened in an empty folder.

Someone who does not use a terminal should not need one to begin: ``briefpress studio``
in an empty folder opens on "Start a project" (the organisation's name), which writes
the same files as ``briefpress init``. Until a project is there, every other page leads
to it and the API answers 409 saying so; once it is there, the start page leads home.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from briefpress.core.errors import BriefpressError
from briefpress.scaffold.init import init_project
from briefpress.studio import records
from briefpress.studio.api import body_json
from briefpress.studio.forms import form_fields
from briefpress.studio.pages import CSP, Pages, said

OPEN = ("/start", "/api/start", "/api/session", "/static/")  # all else leads to /start


def has_project(root: Path) -> bool:
    """A project as ``serve`` has always taken one: its settings or its briefs/ folder."""
    return (root / "briefpress.yaml").is_file() or (root / "briefs").is_dir()


def may_start(root: Path) -> bool:
    """An empty folder (hidden files aside) may become a project from the browser."""
    if has_project(root):
        return True
    try:
        return not any(not p.name.startswith(".") for p in root.iterdir())
    except FileNotFoundError:
        return False


class StartFirst(BaseHTTPMiddleware):
    """Every page leads to the start page until there is a project."""

    def __init__(self, app: ASGIApp, root: Path) -> None:
        super().__init__(app)
        self.root = root

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if has_project(self.root) or path.startswith(OPEN):
            return await call_next(request)
        if path.startswith("/api/"):
            error = "there is no project here yet: start one (POST /api/start)"
            return JSONResponse({"error": error}, 409)
        return RedirectResponse("/start", 303)


class Start:
    """The start page and its one write."""

    def __init__(self, root: Path, pages: Pages) -> None:
        self.root = root
        self.pages = pages

    def routes(self) -> list[Route]:
        return [
            Route("/start", self.page),
            Route("/start", self.posted, methods=["POST"]),
            Route("/api/start", self.start, methods=["POST"]),
        ]

    async def page(self, request: Request, problem: str = "", status: int = 200) -> Response:
        if has_project(self.root):
            return RedirectResponse("/", 303)
        html = self.pages.env.get_template("start.html.j2").render(
            organisation="briefpress",
            reports={},
            csrf_token=self.pages.session.csrf_token,
            title="Start a project",
            folder=self.root.name or str(self.root),
            problem=problem,
        )
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": CSP}
        return HTMLResponse(html, status, headers=headers)

    async def _init(self, organisation: str) -> tuple[int, dict[str, Any]]:
        """``briefpress init`` here: the answer's status and body, as the API gives them."""
        if has_project(self.root):
            return 409, {"error": "this folder has a project already"}
        try:
            written = await asyncio.to_thread(init_project, self.root, organisation.strip())
        except BriefpressError as exc:
            problems = [records.problem_json(p, "organisation") for p in exc.problems]
            return 422, {"error": str(exc), "problems": problems}
        return 201, {"files": len(written), "next": "/import"}

    async def start(self, request: Request) -> Response:
        body = await body_json(request)
        status, answer = await self._init(str(body.get("organisation") or ""))
        return JSONResponse(answer, status)

    async def posted(self, request: Request) -> Response:
        """The start form posted without JavaScript: the import page, or the reason."""
        form = await form_fields(request)
        status, answer = await self._init(str(form.get("organisation") or ""))
        if status == 201:
            return RedirectResponse("/import", 303)
        if status == 409:
            return RedirectResponse("/", 303)
        return await self.page(request, said({"message": answer["error"]}), status)

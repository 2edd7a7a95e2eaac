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

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from briefpress.core.errors import BriefpressError
from briefpress.scaffold.init import init_project
from briefpress.studio import records
from briefpress.studio.api import body_json
from briefpress.studio.pages import CSP, Pages

OPEN = ("/start", "/api/start", "/api/session", "/static/")


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
            Route("/api/start", self.start, methods=["POST"]),
        ]

    async def page(self, request: Request) -> Response:
        if has_project(self.root):
            return RedirectResponse("/", 303)
        html = self.pages.env.get_template("start.html.j2").render(
            organisation="briefpress",
            reports={},
            csrf_token=self.pages.session.csrf_token,
            title="Start a project",
            folder=self.root.name or str(self.root),
        )
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": CSP}
        return HTMLResponse(html, headers=headers)

    async def start(self, request: Request) -> Response:
        body = await body_json(request)
        if has_project(self.root):
            return JSONResponse({"error": "this folder has a project already"}, 409)
        organisation = str(body.get("organisation") or "").strip()
        try:
            written = await asyncio.to_thread(init_project, self.root, organisation)
        except BriefpressError as exc:
            problems = [records.problem_json(p, "organisation") for p in exc.problems]
            return JSONResponse({"error": str(exc), "problems": problems}, 422)
        return JSONResponse({"files": len(written), "next": "/import"}, 201)

"""Team mode: the studio behind a login, each route open to the roles that may use it.

A studio listening beyond this machine is reached by colleagues, and by anyone else on
the network. So in team mode every request but the login page and the studio's own CSS
and JavaScript needs a session: an anonymous API call is 401, an anonymous page a
redirect to ``/login``. Which role may use which route is :data:`ROUTE_ROLES`, here
and nowhere else: an editor works on the data, the briefs and builds; a sender may also
see recipients, make letters and send them. Every write (and so every send) is recorded
in the audit log with who made it; the CSRF check (security.py) then runs against the
login's own token.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from briefpress.studio.audit import AuditLog
from briefpress.studio.auth import (
    CURRENT,
    Login,
    RateLimit,
    Sessions,
    User,
    check_password,
    load_users,
)
from briefpress.studio.security import HEADER, SAFE_METHODS

COOKIE = "briefpress_studio"
TEMPLATES = Path(__file__).parent / "templates"
# The routes a role may use beyond what every user may: the first pattern that matches a
# path decides. Letters and sending carry the names and addresses of a mailing.
ROUTE_ROLES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"/(api/)?(recipients|letters|sending|send)(/.*)?"), frozenset({"sender"})),
    (re.compile(r"/.*"), frozenset({"editor", "sender"})),
)
PUBLIC = ("/login", "/api/login", "/static/")
MAX_LOGIN_BODY = 4096
LOGIN_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def roles_for(path: str) -> frozenset[str]:
    """The roles that may use ``path``."""
    for pattern, roles in ROUTE_ROLES:
        if pattern.fullmatch(path):
            return roles
    return frozenset()


def public(path: str) -> bool:
    return path in PUBLIC[:2] or path.startswith(PUBLIC[2])


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


class TeamGuard:
    """ASGI middleware: login, logout, the session of every request, roles and audit."""

    def __init__(self, app: ASGIApp, root: Path, audit: AuditLog) -> None:
        self.app = app
        self.root = root
        self.sessions = Sessions()
        self.limits = RateLimit()
        self.audit = audit
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        path, method = scope["path"], scope["method"]
        response: Response | None
        if path in ("/login", "/api/login") and method == "POST":
            response = await self.login(request)
        elif path == "/login":
            response = self.login_page(request)
        elif path == "/out" or path.startswith("/out/"):
            # Never a file of out/ (out/mail/ holds names and addresses), whoever asks.
            response = JSONResponse({"error": "not found"}, 404)
        elif public(path):
            await self.app(scope, receive, send)
            return
        else:
            response = await self.guarded(request, send)
        if response is not None:
            await response(scope, receive, send)

    async def guarded(self, request: Request, send: Send) -> Response | None:
        """The request passed on under its login, or the refusal; None when answered."""
        path, method = request.url.path, request.method
        token = request.cookies.get(COOKIE)
        login = self.sessions.get(token)
        user = load_users(self.root).get(login.user) if login else None
        if login is not None and user is None:  # removed since: logged out now
            self.sessions.end(token)
            login = None
        elif login is not None and user is not None:
            login.role = user.role  # a changed role counts from the next request
        if login is None:
            if path.startswith("/api/") or method not in SAFE_METHODS:
                return JSONResponse({"error": "log in first: POST /api/login"}, 401)
            target = "/login?next=" + quote(
                request.url.path + ("?" + request.url.query if request.url.query else ""), safe=""
            )
            return RedirectResponse(target, 303)
        if path in ("/logout", "/api/logout") and method == "POST":
            return await self.logout(request, login, token)
        if login.role not in roles_for(path):
            self.audit.record("refused", login.user, role=login.role, method=method, path=path)
            return JSONResponse({"error": f"a {login.role} may not use {path}"}, 403)
        await self.passed(request, login, send)
        return None

    async def passed(self, request: Request, login: Login, send: Send) -> None:
        """Run the studio for this login; a write is in the audit log, with the status
        it was answered, before its answer leaves."""
        write = request.method not in SAFE_METHODS

        async def send_status(message: Message) -> None:
            if write and message["type"] == "http.response.start":
                self.audit.record(
                    "write",
                    login.user,
                    role=login.role,
                    method=request.method,
                    path=request.url.path,
                    client=client_of(request.scope),
                    status=int(message["status"]),
                )
            await send(message)

        reset = CURRENT.set(login)
        try:
            await self.app(request.scope, request.receive, send_status)
        finally:
            CURRENT.reset(reset)

    # --- logging in and out -------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        api = request.url.path.startswith("/api/")
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
            return JSONResponse({"error": "a login from another site is refused"}, 403)
        name, password, target = await self.credentials(request, api)
        key = (name, client_of(request.scope))
        wait = self.limits.wait(key)
        if wait:
            self.audit.record("login refused: too many failures", name, client=key[1])
            headers = {"Retry-After": str(int(wait) + 1)}
            message = f"too many failed logins: try again in {int(wait) + 1} seconds"
            return self.login_answer(request, api, message, 429, headers)
        users: dict[str, User] = load_users(self.root)
        user = users.get(name)
        if user is None or not check_password(user, password):
            self.limits.failed(key)
            self.audit.record("login failed", name, client=key[1])
            return self.login_answer(request, api, "wrong name or password", 401)
        self.limits.succeeded(key)
        token = self.sessions.start(user)
        self.audit.record("login", user.name, role=user.role, client=key[1])
        login = self.sessions.get(token)
        assert login is not None
        if api:
            response: Response = JSONResponse(
                {"user": user.name, "role": user.role, "csrf_token": login.csrf_token}
            )
        else:
            response = RedirectResponse(safe_next(target), 303)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            path="/",
            secure=request.url.scheme == "https",
        )
        return response

    async def credentials(self, request: Request, api: bool) -> tuple[str, str, str]:
        """Name, password and the page to go to, from JSON or from the login form."""
        if int(request.headers.get("content-length") or 0) > MAX_LOGIN_BODY:
            return "", "", "/"  # not read at all
        body = await request.body()
        if len(body) > MAX_LOGIN_BODY:
            return "", "", "/"
        if api:
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                data = {}
            data = data if isinstance(data, dict) else {}
            return str(data.get("name", "")), str(data.get("password", "")), "/"
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return values.get("name", ""), values.get("password", ""), values.get("next", "/")

    def login_answer(
        self,
        request: Request,
        api: bool,
        message: str,
        status: int,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if api:
            return JSONResponse({"error": message}, status, headers=headers)
        return self.login_page(request, message, status, headers)

    def login_page(
        self,
        request: Request,
        error: str = "",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        target = safe_next(request.query_params.get("next", "/"))
        html = self.env.get_template("login.html.j2").render(error=error, next=target)
        headers = {
            **(headers or {}),
            "Cache-Control": "no-store",
            "Content-Security-Policy": LOGIN_CSP,
        }
        return HTMLResponse(html, status, headers=headers)

    async def logout(self, request: Request, login: Login, token: str | None) -> Response:
        sent = request.headers.get(HEADER)
        if sent is None and request.url.path == "/logout":
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if sent != login.csrf_token:
            return JSONResponse({"error": "logging out needs the CSRF token"}, 403)
        self.sessions.end(token)
        self.audit.record("logout", login.user, role=login.role, client=client_of(request.scope))
        response: Response = (
            JSONResponse({"logged_out": True})
            if request.url.path.startswith("/api/")
            else RedirectResponse("/login", 303)
        )
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response


def safe_next(target: str) -> str:
    """Only a path of this site: never ``//evil.example`` or an absolute URL."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def current_user() -> dict[str, Any] | None:
    """The logged-in user of this request, for the pages' templates (None: no login)."""
    login = CURRENT.get()
    return {"name": login.user, "role": login.role} if login else None

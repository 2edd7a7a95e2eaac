"""What keeps the studio's writes the user's own: a CSRF token and an origin check.

A web page on another site can make the browser send requests to 127.0.0.1; it
cannot read the token (``GET /api/session`` is same-origin JSON, and the studio's own
pages carry it) and so cannot make a write, which must carry the token in the
``X-CSRF-Token`` header, or, for a page's plain form posted without JavaScript, in its
hidden ``csrf_token`` field. A request whose
``Origin`` is another site is refused as well, and the host names the server answers
to are checked (no DNS rebinding).
"""

from __future__ import annotations

import hmac
import json
import secrets
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADER = "x-csrf-token"
FIELD = "csrf_token"  # the hidden field of a page's form
FORM = "application/x-www-form-urlencoded"
MAX_FORM = 256 * 1024  # a page's form: a few fields, never a file


class Session:
    """The studio's one local session: a token made when the server starts."""

    def __init__(self) -> None:
        self.csrf_token = secrets.token_urlsafe(32)

    def valid(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token)


class CsrfGuard:
    """ASGI middleware: every write without the session's token is 403, untouched."""

    def __init__(self, app: ASGIApp, session: Session) -> None:
        self.app = app
        self.session = session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            token = headers.get(HEADER)
            if token is None and headers.get("content-type", "").startswith(FORM):
                body = await read_body(receive, MAX_FORM)
                if body is None:
                    await self.refuse(send, "the form is too large", 413)
                    return
                token = form_token(body)
                receive = replay(body, receive)
            reason = self.refusal(headers, token)
            if reason:
                await self.refuse(send, reason)
                return
        await self.app(scope, receive, send)

    def refusal(self, headers: dict[str, str], token: str | None) -> str | None:
        origin = headers.get("origin")
        host = headers.get("host", "")
        if origin and origin not in (f"http://{host}", f"https://{host}"):
            return "a request from another site is refused"
        if not self.session.valid(token):
            return "this change needs the X-CSRF-Token header from GET /api/session"
        return None

    async def refuse(self, send: Send, reason: str, status: int = 403) -> None:
        body = json.dumps({"error": reason}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """A request's whole body, or None once it is larger than ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def form_token(body: bytes) -> str | None:
    values = parse_qs(body.decode("latin-1"), max_num_fields=200).get(FIELD)
    return values[0] if values else None


def replay(body: bytes, then: Receive) -> Receive:
    """The body, read once here, handed on to the application as if unread."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive

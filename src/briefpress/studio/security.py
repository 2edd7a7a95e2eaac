"""What keeps the studio's writes the user's own: a CSRF token and an origin check.

A web page on another site can make the browser send requests to 127.0.0.1; it
cannot read the token (``GET /api/session`` is same-origin JSON) and so cannot make a
write, which must carry the token in the ``X-CSRF-Token`` header, or, for a plain HTML
form that works without script (every form of the studio's pages), in its hidden
``csrf_token`` field (for an upload, its first part, read before the file). A
request whose ``Origin`` is another site is refused as well, and the host names the
server answers to are checked (no DNS rebinding).
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADER = "x-csrf-token"
FORM = "application/x-www-form-urlencoded"
FORM_FIELD = "csrf_token"
MAX_FORM = 64 * 1024  # a form's body read to find its token; a larger one is refused
MULTIPART = "multipart/form-data"  # an upload: its token is read from its first part
TOKEN_PART = re.compile(
    rb'Content-Disposition: form-data; name="csrf_token"\r\n\r\n([A-Za-z0-9_-]{1,100})\r\n'
)


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
            kind = headers.get("content-type", "")
            if token is None and kind.startswith(FORM):
                token, receive = await form_token(receive)
            elif token is None and kind.startswith(MULTIPART):
                token, receive = await upload_token(receive)
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

    async def refuse(self, send: Send, reason: str) -> None:
        body = json.dumps({"error": reason}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def form_token(receive: Receive) -> tuple[str | None, Receive]:
    """The ``csrf_token`` field of a form's body, and the body handed on to the studio
    as it came; no token for a body over MAX_FORM (the write is then refused)."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_FORM:
            return None, receive
        more = bool(message.get("more_body"))
    body = b"".join(chunks)
    try:
        token = parse_qs(body.decode("latin-1"), max_num_fields=100).get(FORM_FIELD, [None])[0]
    except ValueError:  # too many fields: not a form of the studio
        token = None
    return token, replaying(receive, body, more=False)


def replaying(receive: Receive, body: bytes, more: bool) -> Receive:
    """A receive that hands on ``body``, read already to find the token, then the rest of
    the request as it comes: the route reads the request as if nothing had been read."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": more}

    return replay


async def upload_token(receive: Receive) -> tuple[str | None, Receive]:
    """The ``csrf_token`` part of an upload (a page's form puts it before the file), read
    from its first MAX_FORM bytes; the body is handed on as it came, the file unread."""
    chunks: list[bytes] = []
    size, more, token = 0, True, None
    while more and size <= MAX_FORM and token is None:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = bool(message.get("more_body"))
        found = TOKEN_PART.search(b"".join(chunks)[:MAX_FORM])
        token = found.group(1).decode("ascii") if found else None
    return token, replaying(receive, b"".join(chunks), more)

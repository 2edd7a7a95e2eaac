"""The studio on a real uvicorn server on 127.0.0.1 in a thread, and a small JSON client."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from briefpress.studio.app import create_app


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


NO_REDIRECTS = urllib.request.build_opener(_Stay)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Studio:
    url: str
    app: Any

    @property
    def token(self) -> str:
        return str(self.app.state.session.csrf_token)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def form(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> Answer:
        """A page's plain form posted as a browser without JavaScript posts it (the CSRF
        token is one of ``fields`` when the page gives it); the redirect not followed."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with NO_REDIRECTS.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def write(self, method: str, path: str, body: Any = None, **headers: str) -> Answer:
        """A write as the page makes it: with the session's CSRF token."""
        extra = {"X-CSRF-Token": self.token, **{k.replace("_", "-"): v for k, v in headers.items()}}
        return self.request(method, path, body, extra)


@contextlib.contextmanager
def studio(root: Path, warm: bool = False) -> Iterator[Studio]:
    app = create_app(root, warm=warm)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Studio(f"http://127.0.0.1:{sock.getsockname()[1]}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

"""The studio in team mode on a real uvicorn server on 127.0.0.1, and a browser-like
client per person: its own cookie, its own CSRF token."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from running import Answer

from briefpress.studio.app import create_app
from briefpress.studio.team_app import TeamMode


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


@dataclass
class Client:
    """One browser: the session cookie it was given, the token of its login."""

    url: str
    cookie: str = ""
    token: str = ""
    client_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with OPENER.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def write(self, method: str, path: str, body: Any = None) -> Answer:
        return self.request(method, path, body, {"X-CSRF-Token": self.token})

    def login(self, name: str, password: str) -> Answer:
        answer = self.request("POST", "/api/login", {"name": name, "password": password})
        if answer.status == 200:
            self.cookie = answer.headers["set-cookie"].split(";", 1)[0]
            self.token = answer.json["csrf_token"]
        return answer


@contextlib.contextmanager
def team_studio(root: Path) -> Iterator[str]:
    """The studio over ``root`` in team mode; yields its URL."""
    app = create_app(root, ("*",), warm=False, team=TeamMode(root))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

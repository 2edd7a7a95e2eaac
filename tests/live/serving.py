"""Run ``briefpress serve`` in a subprocess for a test, and always stop it."""

from __future__ import annotations

import contextlib
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0
URL_RE = re.compile(r"at (http://(?:127\.0\.0\.1|\[::1\]):\d+/)")


@dataclass
class Server:
    """A running preview: its address and everything it printed so far."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(self.lines)


def _pump(process: subprocess.Popen[str], lines: list[str], found: queue.Queue[str]) -> None:
    """Read the server's output as it comes, so its pipe never fills up."""
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        match = URL_RE.search(line)
        if match:
            found.put(match.group(1))


@contextlib.contextmanager
def serving(project: Path, *args: str) -> Iterator[Server]:
    """``briefpress -C project serve --port 0``: yields once the address is printed."""
    code = "from briefpress.cli import main; main()"
    command = [sys.executable, "-u", "-c", code, "-C", str(project), "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: list[str] = []
    found: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(process, lines, found), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        url = None
        while url is None and time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(queue.Empty):
                url = found.get(timeout=0.2)
        if url is None:
            raise AssertionError("briefpress serve did not start:\n" + "".join(lines))
        yield Server(url, process, lines)
    finally:
        stop(process)
        reader.join(timeout=5)


def stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a person would; kill it if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """An application on a real uvicorn server in a thread of this process; yields its URL."""
    import uvicorn

    from briefpress.live.serve import listen

    sock = listen("127.0.0.1", 0)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "the preview server did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        app.state.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def fetch(url: str, host: str | None = None) -> tuple[int, str, bytes]:
    """GET ``url``: status, content type and body, errors included (no exception)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()

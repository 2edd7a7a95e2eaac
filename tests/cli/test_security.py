"""Hostile input: templates, styles and data that try to leave the project."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def listener() -> Iterator[tuple[int, list[int]]]:
    """A loopback TCP server that counts connections: any count above 0 is a leak."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def hostile_template(project: Path, body: str) -> None:
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates/country.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<h1>{{ brief.title }}</h1>'
        + body
        + "{% endblock %}",
        encoding="utf-8",
    )


def test_network_and_outside_files_are_never_fetched(
    project: Path, cli: Cli, listener: tuple[int, list[int]], tmp_path: Path
) -> None:
    port, hits = listener
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles/link.css").symlink_to(secret)
    hostile_template(
        project,
        f'<img src="http://127.0.0.1:{port}/pixel.png" alt="">'
        f'<img src="https://127.0.0.1:{port}/x.png" alt="">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        f'<img src="file:///etc/hostname" alt="">'
        f'<img src="{secret.as_uri()}" alt="">'
        '<img src="../../../../../../etc/passwd" alt="">'
        f"<style>@import url(http://127.0.0.1:{port}/i.css);"
        f"@font-face {{ font-family: X; src: url(http://127.0.0.1:{port}/f.ttf) }}</style>"
        f'<svg><image href="http://127.0.0.1:{port}/s.png" width="5" height="5"/></svg>',
    )
    result = cli("build", "arcadia")
    assert hits == [], "briefpress connected to the network"
    assert "blocked" in result.err
    assert "Traceback" not in result.output
    strict = cli("build", "arcadia", "--strict", "--force")
    assert strict.code == 1
    assert hits == []


def test_templates_cannot_include_files_outside_the_search_path(project: Path, cli: Cli) -> None:
    hostile_template(project, '{% include "../../../../../../etc/passwd" %}')
    result = cli("build", "arcadia")
    assert result.code == 1
    assert "Traceback" not in result.output
    assert "root:" not in result.output


def test_templates_cannot_reach_python_internals(project: Path, cli: Cli) -> None:
    hostile_template(project, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    result = cli("build", "arcadia")
    assert result.code == 1
    assert "unsafe" in result.err or "not safely" in result.err
    assert "Traceback" not in result.output


def test_text_from_data_is_escaped(project: Path, cli: Cli) -> None:
    path = project / "reports/mini-report/quotes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "not as harsh as before.", "not as harsh as before. <img src='x' onerror='alert(1)'>"
        ),
        encoding="utf-8",
    )
    assert cli("build", "arcadia", "--html").code == 0
    html = (project / "out/arcadia.html").read_text(encoding="utf-8")
    assert "<img src='x'" not in html
    assert "&lt;img src=" in html


def test_build_never_writes_to_sources(project: Path, cli: Cli) -> None:
    def snapshot() -> dict[str, bytes]:
        return {
            p.relative_to(project).as_posix(): p.read_bytes()
            for p in project.rglob("*")
            if p.is_file() and "out" not in p.relative_to(project).parts
        }

    before = snapshot()
    assert cli("build", "--edition", "all", "--html").code == 0
    assert snapshot() == before


def _build_process(project: Path) -> subprocess.Popen[bytes]:
    code = "from briefpress.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "-C", str(project), "build", "arcadia", "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1609459200"},
    )


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_sigkill_at_any_moment_leaves_the_previous_pdf_whole(project: Path) -> None:
    pdf = project / "out/arcadia.pdf"
    pages = len(PdfReader(pdf).pages)
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6):
        process = _build_process(project)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert len(PdfReader(pdf, strict=True).pages) == pages
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")


def test_two_builds_at_once_do_not_corrupt_each_other(project: Path) -> None:
    processes = [_build_process(project) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    assert len(PdfReader(project / "out/arcadia.pdf", strict=True).pages) >= 1
    leftovers = [p.name for p in (project / "out").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []

"""``briefpress serve``: its pages, its event stream, and what it refuses to serve."""

from __future__ import annotations

import http.client
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from serving import Server, fetch, serving, serving_app

from briefpress.core.files import claim_folder
from briefpress.live.serve import create_app
from briefpress.live.watch import Affected, LiveBuilder

SECRET = "top-secret-marker-7c1e"


@pytest.fixture
def built(project: Path, built_project: Path) -> LiveBuilder:
    """The preview's builder after its first rebuild of every brief, which finds out/ as
    ``briefpress build`` left it (conftest.built_project) and so renders nothing again."""
    builder = LiveBuilder(project)
    builder.rebuild(Affected.all())
    return builder


class Client:
    """The preview in this process (no watcher: tests rebuild when they choose)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, host: str | None = None) -> tuple[int, str, bytes]:
        return fetch(self.url + path.lstrip("/"), host)

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode("utf-8")


@pytest.fixture
def client(built: LiveBuilder) -> Iterator[Client]:
    with serving_app(create_app(built, live=False)) as url:
        yield Client(url)


def test_index_lists_every_brief_with_its_state(client: Client) -> None:
    html = client.text("/")
    for brief_id, title in (("arcadia", "Arcadia: no sanctions"), ("fines", "Fines")):
        assert f'id="brief-{brief_id}"' in html and title in html
        assert f'href="/brief/{brief_id}"' in html
        assert f'src="/out/thumbs/{brief_id}.png?v=' in html
    assert "Country brief" in html and "Theme brief" in html and "2 pages" in html
    assert html.count(">Built<") == 2
    status, kind, body = client.get("/out/thumbs/arcadia.png")
    assert status == 200 and kind == "image/png" and body.startswith(b"\x89PNG")


def test_brief_page_shows_its_pages_and_links_the_pdf(client: Client) -> None:
    html = client.text("/brief/fines")  # the fixture's brief of two pages
    assert ">Fines</h1>" in html and 'href="/out/fines.pdf"' in html
    assert html.count('class="page"') == 2
    status, kind, body = client.get("/brief/fines/page/2.png")
    assert status == 200 and kind == "image/png" and body.startswith(b"\x89PNG")
    assert client.get("/out/fines.pdf")[2].startswith(b"%PDF")
    for missing in ("/brief/fines/page/0.png", "/brief/fines/page/3.png", "/brief/nope"):
        assert client.get(missing)[0] == 404, missing


def edit_fines(project: Path, built: LiveBuilder, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in the fines brief and rebuild it, as a save would."""
    spec = project / "briefs/fines.yaml"
    spec.write_text(spec.read_text().replace(old, new))
    built.rebuild(Affected(briefs={"fines"}))


def test_a_failed_brief_shows_its_error_with_file_and_line(
    project: Path, built: LiveBuilder, client: Client
) -> None:
    edit_fines(project, built, "theme: fines", "theme: fine")
    html = client.text("/brief/fines")
    assert "This brief did not build" in html
    assert "briefs/fines.yaml:4:8" in html and "unknown theme &#39;fine&#39;" in html
    index = client.text("/")
    assert "1 failed" in index and "briefs/fines.yaml:4:8" in index
    status = json.loads(client.text("/api/briefs"))
    assert [b["status"] for b in status["briefs"]] == ["built", "failed"]


def test_text_from_the_project_is_escaped(
    project: Path, built: LiveBuilder, client: Client
) -> None:
    edit_fines(project, built, '"Fines"', '"<script>alert(1)</script>"')
    for url in ("/", "/brief/fines"):
        html = client.text(url)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_only_local_host_names_are_answered(client: Client) -> None:
    """A web page cannot read the briefs through DNS rebinding."""
    assert client.get("/", host="evil.example")[0] == 400
    assert client.get("/", host="localhost:8000")[0] == 200


# --- a real server: what reaches it is what a browser or curl would send ----------------


@pytest.fixture
def server(project: Path, built_project: Path) -> Iterator[Server]:
    """``briefpress serve`` on the fixture project as a first build left it (its own first
    build then renders nothing), with hostile links and personal data planted in out/."""
    (project / "secret.txt").write_text(SECRET)
    claim_folder(project / "out")  # briefpress's out/, with hostile links planted in it
    os.symlink(project / "secret.txt", project / "out/leak.txt")
    os.symlink(project, project / "out/up")
    plant_personal_data(project / "out")
    with serving(project) as running:
        yield running


def raw_get(url: str, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send the request target exactly as written: no client cleans up ``..`` first."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1"))
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


TRAVERSALS = [
    "/out/../secret.txt",
    "/out/%2e%2e/secret.txt",
    "/out/..%2fsecret.txt",
    "/out/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/out/assets/../../secret.txt",
    "/out//etc/passwd",
    "/out/%2fetc%2fpasswd",
    "/out/leak.txt",
    "/out/up/secret.txt",
    "/out/up/briefs/arcadia.yaml",
    "/../secret.txt",
    "/secret.txt",
    "/briefs/arcadia.yaml",
    "/brief/..%2fsecret.txt",
    "/brief/..%2f..%2fsecret.txt/page/1.png",
    "/brief/%2e%2e/page/1.png",
]


def test_nothing_outside_out_is_served(server: Server, project: Path) -> None:
    assert_no_personal_data(server, project)  # the same server: one start for both
    for target in TRAVERSALS:
        status, body = raw_get(server.url, target)
        assert status in (400, 404), (target, status)
        assert SECRET.encode() not in body and b"root:" not in body, target
        assert b"mini-report" not in body, target
    status, body = raw_get(server.url, "/out/arcadia.pdf")
    assert status == 200 and body.startswith(b"%PDF")


PERSONAL = "ana.perez@example.org"


def plant_personal_data(out: Path) -> None:
    """What a mailing leaves under out/: plans, drafts, the send log, personal letters;
    and links planted in out/ that lead there."""
    for name in ("mail/letter/plan.csv", "mail/letter/drafts/0001.eml",
                 "mail/letter/send-log.sqlite", "letters/letter/manifest.csv",
                 "letters/letter/0001-ana-perez.pdf"):  # fmt: skip
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(f"Ana Perez <{PERSONAL}>")
    os.symlink(out / "mail", out / "inbox")
    os.symlink(out / "mail/letter/plan.csv", out / "plan.csv")
    os.symlink(out / "letters/letter/0001-ana-perez.pdf", out / "summary.pdf")
    os.link(out / "mail/letter/send-log.sqlite", out / "log.sqlite")


PERSONAL_TARGETS = [
    "/out/mail/letter/plan.csv",
    "/out/mail/letter/drafts/0001.eml",
    "/out/mail/letter/send-log.sqlite",
    "/out/mail/",
    "/out/MAIL/letter/plan.csv",
    "/out/Mail/letter/plan.csv",
    "/out/%6dail/letter/plan.csv",
    "/out/%4D%41%49%4C/letter/plan.csv",
    "/out/assets/../mail/letter/plan.csv",
    "/out/assets/%2e%2e/mail/letter/plan.csv",
    "/out/assets%2f..%2fmail%2fletter%2fplan.csv",
    "/out//mail/letter/plan.csv",
    "/out/./mail/letter/plan.csv",
    "/out/mail%2fletter%2fplan.csv",
    "/out/inbox/letter/plan.csv",
    "/out/plan.csv",
    "/out/letters/letter/manifest.csv",
    "/out/letters/letter/0001-ana-perez.pdf",
    "/out/LETTERS/letter/manifest.csv",
    "/out/summary.pdf",
    "/out/log.sqlite",
    "/mail/letter/plan.csv",
]


def assert_no_personal_data(server: Server, project: Path) -> None:
    """Nothing under out/mail/ or out/letters/ leaves the server, however it is asked
    for, and the pages never link there."""
    for target in PERSONAL_TARGETS:
        status, body = raw_get(server.url, target)
        assert status in (400, 404), (target, status)
        assert PERSONAL.encode() not in body, target
    for page in ("/", "/brief/arcadia", "/api/briefs"):
        status, body = raw_get(server.url, page)
        assert status == 200 and b"mail/" not in body and b"letters/" not in body, page
    gallery = (project / "out" / "index.html").read_text()
    assert "mail/" not in gallery and "letters/" not in gallery


def test_event_stream_announces_the_current_version(server: Server) -> None:
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 200
        assert response.getheader("content-type", "").startswith("text/event-stream")
        data = b""
        while b"data:" not in data or not data.endswith(b"\n\n"):
            data += response.read1(1024)
    line = next(x for x in data.decode().splitlines() if x.startswith("data:"))
    assert isinstance(json.loads(line.removeprefix("data:"))["version"], int)


def test_an_ipv6_loopback_preview_answers_at_the_url_it_prints(project: Path) -> None:
    with serving(project, "--host", "::1") as server:
        assert server.url.startswith("http://[::1]:")
        status, _, body = fetch(server.url)
        assert status == 200 and b"arcadia" in body.lower()
        assert fetch(server.url + "out/arcadia.pdf")[2].startswith(b"%PDF")
        assert "warning" not in server.log


def test_serving_beyond_this_machine_is_said_plainly() -> None:
    from briefpress.live.serve import exposed_warning, loopback

    assert all(loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.0.0.2"))
    assert not any(loopback(h) for h in ("0.0.0.0", "::", "192.168.1.4", "example.org"))
    assert "anyone who can reach it" in exposed_warning("0.0.0.0")

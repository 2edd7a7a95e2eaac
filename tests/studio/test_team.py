"""Team mode: a login for every request, roles, a brake on guessing, an audit log.
(Never a file of out/ served, whoever asks: test_mail_flow.py.)"""

from __future__ import annotations

import json
import stat
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from teamclient import OPENER, Client, team_studio

from briefpress.core.errors import BriefpressError
from briefpress.studio import auth
from briefpress.studio.app import LOOPBACK
from briefpress.studio.audit import AuditLog
from briefpress.studio.team import roles_for
from briefpress.studio.team_app import team_serving
from conftest import run_cli

EDITOR_PASSWORD = "correct horse battery"
SENDER_PASSWORD = "staple paper clip 42"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper argon2 settings: the tests are about who gets in, not hash strength."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def team(cities: Path) -> Path:
    auth.add_user(cities, "amina", "editor", EDITOR_PASSWORD)
    auth.add_user(cities, "jo.sender", "sender", SENDER_PASSWORD)
    mail = cities / "out/mail/letter"
    mail.mkdir(parents=True)
    (mail / "plan.csv").write_text("name,email\nA Person,a@example.org\n", encoding="utf-8")
    return cities


@pytest.fixture
def url(team: Path) -> Iterator[str]:
    with team_studio(team) as running:
        yield running


def test_add_user_keeps_a_hash_in_a_private_file(
    cities: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFPRESS_STUDIO_PASSWORD", "a long enough secret")
    result = run_cli(["-C", str(cities), "studio", "add-user", "lee", "--role", "sender"])
    assert result.code == 0, result.output
    users = cities / ".briefpress/studio-users.json"
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    text = users.read_text(encoding="utf-8")
    assert "a long enough secret" not in text
    entry = json.loads(text)["users"]["lee"]
    assert entry["role"] == "sender" and entry["hash"].startswith("$argon2id$")
    assert (cities / ".briefpress/.gitignore").read_text().splitlines()[-1] == "*"
    monkeypatch.setenv("BRIEFPRESS_STUDIO_PASSWORD", "short")
    result = run_cli(["-C", str(cities), "studio", "add-user", "lee"])
    assert result.code == 1 and "too short" in result.err
    assert json.loads(users.read_text())["users"]["lee"]["role"] == "sender"  # unchanged


def test_another_address_needs_users_and_loopback_stays_single_user(cities: Path) -> None:
    result = run_cli(["-C", str(cities), "studio", "--host", "0.0.0.0", "--port", "0"])
    assert result.code == 1
    assert "needs a login: add a user first with: briefpress studio add-user" in result.err
    assert team_serving(cities, "127.0.0.1", LOOPBACK, None) == (None, None, {})
    with pytest.raises(BriefpressError):
        team_serving(cities, "127.0.0.1", LOOPBACK, None, team=True)
    auth.add_user(cities, "amina", "editor", EDITOR_PASSWORD)
    mode, hosts, options = team_serving(cities, "0.0.0.0", LOOPBACK, None)
    assert mode is not None and hosts == ("*",) and options["proxy_headers"] is True


@pytest.mark.parametrize(
    "path", ["/", "/import", "/briefs/new", "/reports/naloxone-2024/quotes", "/sending"]
)
def test_an_anonymous_page_is_a_redirect_to_the_login(url: str, path: str) -> None:
    answer = Client(url).get(path)
    assert answer.status == 303
    assert answer.headers["location"].startswith("/login?next=%2F")
    login = Client(url).get(answer.headers["location"])
    assert login.status == 200 and b'name="password"' in login.body
    assert b"<nav" not in login.body and b"csrf" not in login.body  # no studio, no token


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/session"),
        ("GET", "/api/reports"),
        ("GET", "/api/reports/naloxone-2024/quotes"),
        ("GET", "/api/briefs"),
        ("POST", "/api/briefs"),
        ("POST", "/api/build"),
        ("PATCH", "/api/reports/naloxone-2024/quotes/k1"),
    ],
)
def test_an_anonymous_api_call_is_401(url: str, method: str, path: str) -> None:
    answer = Client(url).request(method, path, {} if method != "GET" else None)
    assert answer.status == 401
    assert b"naloxone" not in answer.body and b"k1" not in answer.body


def test_a_login_gives_a_strict_cookie_and_its_own_token(url: str, team: Path) -> None:
    editor, other = Client(url), Client(url)
    answer = editor.login("amina", EDITOR_PASSWORD)
    assert answer.status == 200 and answer.json["role"] == "editor"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http on loopback; set under TLS
    assert other.login("amina", EDITOR_PASSWORD).status == 200
    assert editor.token != other.token
    assert editor.get("/api/session").json["csrf_token"] == editor.token
    page = editor.get("/")
    assert page.status == 200 and editor.token.encode() in page.body and b"Log out" in page.body
    assert b"amina" in page.body

    # A write without the token, or with another login's, is 403 and changes nothing.
    before = list((team / "briefs").iterdir())
    spec = {"report": "naloxone-2024", "kind": "country", "title": "T", "id": "t"}
    assert editor.request("POST", "/api/briefs", spec).status == 403
    assert editor.request("POST", "/api/briefs", spec, {"X-CSRF-Token": other.token}).status == 403
    assert sorted(before) == sorted((team / "briefs").iterdir())
    written = editor.write("POST", "/api/briefs", {**spec, "place": "norhaven"})
    assert written.status not in (401, 403), written.body

    entries = AuditLog(team).entries()
    writes = [e for e in entries if e["event"] == "write"]
    assert [(e["user"], e["path"]) for e in writes][-1] == ("amina", "/api/briefs")
    assert writes[-1]["status"] == written.status
    assert {e["event"] for e in entries} >= {"login", "write"}
    log = team / ".briefpress/studio-audit.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert EDITOR_PASSWORD not in log.read_text(encoding="utf-8")

    assert editor.request("POST", "/api/logout").status == 403  # logging out needs the token
    assert editor.write("POST", "/api/logout").json == {"logged_out": True}
    assert editor.get("/api/session").status == 401
    assert other.get("/api/session").status == 200


def test_a_sender_only_route_is_403_for_an_editor(url: str) -> None:
    editor, sender = Client(url), Client(url)
    editor.login("amina", EDITOR_PASSWORD)
    sender.login("jo.sender", SENDER_PASSWORD)
    for path in ("/sending", "/api/send/letter/log", "/recipients", "/api/letters/x"):
        assert editor.get(path).status == 403, path
        assert sender.get(path).status != 403, path
    assert roles_for("/api/briefs") == {"editor", "sender"}
    assert roles_for("/api/sending") == {"sender"}
    assert roles_for("/sendings") == {"editor", "sender"}  # a word, not a prefix


def test_failed_logins_are_slowed_down(url: str, team: Path) -> None:
    client = Client(url)
    for _ in range(auth.MAX_FAILURES):
        assert client.login("amina", "guess").status == 401
    refused = client.login("amina", EDITOR_PASSWORD)  # even the right one must wait
    assert refused.status == 429 and int(refused.headers["retry-after"]) > 0
    assert Client(url).login("jo.sender", SENDER_PASSWORD).status == 200  # another name
    unknown = client.login("nobody", "guess")
    assert unknown.status == 401 and unknown.json == {"error": "wrong name or password"}
    events = [e["event"] for e in AuditLog(team).entries()]
    assert events.count("login failed") == auth.MAX_FAILURES + 1
    assert "login refused: too many failures" in events


def test_the_login_form_works_without_javascript(url: str) -> None:
    client = Client(url)
    form = "name=amina&password=" + EDITOR_PASSWORD.replace(" ", "+") + "&next=%2Fimport"
    answer = client.request(
        "POST", "/login", None, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 401
    request = urllib.request.Request(url + "/login", data=form.encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        OPENER.open(request, timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 303 and redirect.headers["location"] == "/import"
        assert "httponly" in redirect.headers["set-cookie"].lower()
    evil = Client(url).request(
        "POST",
        "/api/login",
        {"name": "amina", "password": EDITOR_PASSWORD},
        {"Origin": "http://evil.example"},
    )
    assert evil.status == 403 and "set-cookie" not in {k.lower() for k in evil.headers}


def test_a_removed_user_is_logged_out(url: str, team: Path) -> None:
    client = Client(url)
    client.login("amina", EDITOR_PASSWORD)
    assert client.get("/api/session").status == 200
    assert auth.remove_user(team, "amina")
    assert client.get("/api/session").status == 401


def test_behind_an_https_proxy_the_cookie_is_secure(url: str) -> None:
    answer = Client(url).request(
        "POST",
        "/api/login",
        {"name": "amina", "password": EDITOR_PASSWORD},
        {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
    )
    assert answer.status == 200
    assert "secure" in answer.headers["set-cookie"].lower().split("; ")


def test_the_failures_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "MAX_TRACKED", 3)
    limits = auth.RateLimit()
    for name in ("a", "b", "c", "d"):
        limits.failed((name, "client"))
    assert list(limits.failures) == [("b", "client"), ("c", "client"), ("d", "client")]


def test_logging_out_from_the_page(url: str) -> None:
    client = Client(url)
    client.login("amina", EDITOR_PASSWORD)
    form = f"csrf_token={client.token}".encode()
    request = urllib.request.Request(url + "/logout", data=form, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Cookie", client.cookie)
    try:
        OPENER.open(request, timeout=30)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 303 and redirect.headers["location"] == "/login"
    assert client.get("/api/session").status == 401

"""The Recipients page: a spreadsheet uploaded into briefs/recipients/ and shown as a
table, each problem on its row; a sender's page only."""

from __future__ import annotations

import codecs
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook
from running import Answer, studio
from teamclient import OPENER, Client, team_studio

from briefpress.studio import auth
from briefpress.studio.audit import AuditLog

PASSWORD = "a sender's long password"
PEOPLE = [
    ["name", "title", "organisation", "address", "email", "language"],
    [
        "Wanjiru Kamau",
        "Senator",
        "Senate of Kenya",
        "Parliament Road\nNairobi",
        "wk@example.ke",
        "en",
    ],
    ["Tomás Ortega", "Diputado", "Congreso", "Calle Mayor 1\nMadrid", "to@example.es", "es"],
    ["Lena Weber", "MdB", "Bundestag", "Platz der Republik 1\nBerlin", "lena.weber@", "en"],
    [
        "Priya Nair",
        "MLA",
        "Kerala Assembly",
        "Vikas Bhavan\nThiruvananthapuram",
        "pn@example.in",
        "en",
    ],
    ["Sione Tupou", "MP", "Legislative Assembly", "Nuku'alofa", "st@example.to", "en"],
]


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Mailing"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def upload(client: Client, name: str, data: bytes, replace: bool = False) -> Answer:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    ]
    if replace:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="replace"\r\n\r\n1\r\n'.encode()
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-CSRF-Token": client.token,
    }
    request = urllib.request.Request(client.url + "/api/recipients", data=body, method="POST")
    for key, value in {**headers, "Cookie": client.cookie}.items():
        request.add_header(key, value)
    try:
        with OPENER.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@pytest.fixture
def team(cities: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    auth.add_user(cities, "sam", "sender", PASSWORD)
    auth.add_user(cities, "eve", "editor", PASSWORD)
    return cities


@pytest.fixture
def url(team: Path) -> Iterator[str]:
    with team_studio(team) as running:
        yield running


def test_an_uploaded_spreadsheet_is_a_table_with_problems_on_their_rows(
    url: str, team: Path, tmp_path: Path
) -> None:
    sender = Client(url)
    sender.login("sam", PASSWORD)
    data = workbook(tmp_path / "mps.xlsx", PEOPLE).read_bytes()
    answer = upload(sender, "mps.xlsx", data)
    assert answer.status == 201, answer.body
    assert (team / "briefs/recipients/mps.xlsx").read_bytes() == data
    table = sender.get("/api/recipients/mps.xlsx").json
    assert [r["values"]["name"] for r in table["rows"]] == [p[0] for p in PEOPLE[1:]]
    assert table["rows"][0]["values"]["address"] == "Parliament Road\nNairobi"
    troubled = {r["row"]: r["problems"] for r in table["rows"] if r["problems"]}
    assert list(troubled) == [3]
    assert "'lena.weber@': not an e-mail address" in troubled[3][0]["message"]
    assert troubled[3][0]["where"] == "briefs/recipients/mps.xlsx#Mailing:4"
    assert table["errors"] == 1 and table["problems"] == []
    page = sender.get("/recipients/mps.xlsx").body.decode()
    assert '<tr class="bad has-fix" id="row-3">' in page and "1 problem to fix" in page
    assert "mps.xlsx" in sender.get("/recipients").body.decode()

    # The fixed file replaces it only when asked; then the table is clean.
    fixed = [row[:] for row in PEOPLE]
    fixed[3][4] = "lena.weber@example.de"
    data = workbook(tmp_path / "fixed.xlsx", fixed).read_bytes()
    assert upload(sender, "mps.xlsx", data).status == 409
    assert upload(sender, "mps.xlsx", data, replace=True).status == 201
    assert sender.get("/api/recipients/mps.xlsx").json["errors"] == 0


def test_uploads_are_checked_and_kept_from_editors(url: str, team: Path) -> None:
    sender, editor = Client(url), Client(url)
    sender.login("sam", PASSWORD)
    editor.login("eve", PASSWORD)
    assert upload(sender, "people.exe", b"MZ").status == 415
    assert upload(sender, "people.xlsx", b"name,title\n").status == 415  # not a spreadsheet
    assert upload(sender, "..csv", b"a").status == 404
    assert upload(editor, "people.csv", b"name\n").status == 403
    assert editor.get("/recipients").status == 403
    assert editor.get("/api/recipients").status == 403
    no_token = Client(url, cookie=sender.cookie)  # the cookie, but not the page's token
    assert upload(no_token, "people.csv", b"name\n").status == 403
    assert not (team / "briefs/recipients/people.csv").exists()
    assert sender.get("/api/recipients/..%2Fbriefpress.yaml").status == 404


def form_post(client: Client, path: str, fields: dict[str, str]) -> Answer:
    """A plain HTML form's POST, as a browser without script sends it."""
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(client.url + path, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Cookie", client.cookie)
    try:
        with OPENER.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def test_a_bad_row_is_fixed_in_the_table_and_the_spreadsheet_kept(
    url: str, team: Path, tmp_path: Path
) -> None:
    sender = Client(url)
    sender.login("sam", PASSWORD)
    data = workbook(tmp_path / "mps.xlsx", PEOPLE).read_bytes()
    assert upload(sender, "mps.xlsx", data).status == 201
    table = sender.get("/api/recipients/mps.xlsx").json
    assert table["fixable"] and table["errors"] == 1
    page = sender.get("/recipients/mps.xlsx").body.decode()
    assert '<form id="fix-3" class="row-fix" method="post"' in page
    assert 'id="r3-email" name="email" value="lena.weber@"' in page
    assert 'id="fix-2"' not in page  # only a row with a problem is a form

    fields = {"email": "lena.weber@example.de", "digest": table["digest"]}
    assert form_post(sender, "/recipients/mps.xlsx/rows/3", fields).status == 403  # no token
    stale = {**fields, "csrf_token": sender.token, "digest": "0" * 32}
    answer = form_post(sender, "/recipients/mps.xlsx/rows/3", stale)
    assert answer.status == 409 and "changed since this page was opened" in answer.body.decode()
    still = {**fields, "email": "lena.weber@example", "csrf_token": sender.token}
    answer = form_post(sender, "/recipients/mps.xlsx/rows/3", still)
    assert answer.status == 303
    page = sender.get(answer.headers["location"]).body.decode()
    assert "Row 3 saved, but it still has a problem" in page and 'id="fix-3"' in page
    (team / "briefs/recipients/mps.csv").unlink()  # as if that fix had not been made
    answer = form_post(
        sender, "/recipients/mps.xlsx/rows/3", {**fields, "csrf_token": sender.token}
    )
    assert answer.status == 303
    assert answer.headers["location"] == "/recipients/mps.csv?saved=3&from=mps.xlsx#row-3"
    fixes = [e for e in AuditLog(team).entries() if e.get("path") == "/recipients/mps.xlsx/rows/3"]
    assert [(e["user"], e["status"]) for e in fixes][-1] == ("sam", 303)  # who fixed it

    # The spreadsheet is kept as uploaded; the list is now the CSV the studio wrote.
    assert (team / "briefs/recipients/mps.xlsx").read_bytes() == data
    fixed = sender.get("/api/recipients/mps.csv").json
    assert fixed["errors"] == 0
    expected = [dict(zip(PEOPLE[0], p, strict=True)) for p in PEOPLE[1:]]
    expected[2]["email"] = "lena.weber@example.de"
    assert [r["values"] for r in fixed["rows"]] == expected
    page = sender.get("/recipients/mps.csv?saved=3&from=mps.xlsx").body.decode()
    assert "Row 3 saved. The list is now mps.csv" in page and 'class="bad"' not in page
    again = form_post(sender, "/recipients/mps.xlsx/rows/3", {**fields, "csrf_token": sender.token})
    assert again.status == 409 and "mps.csv exists already" in again.body.decode()


def test_a_csv_row_is_fixed_in_place_and_a_broken_file_is_not(url: str, team: Path) -> None:
    sender, editor = Client(url), Client(url)
    sender.login("sam", PASSWORD)
    editor.login("eve", PASSWORD)
    text = 'name;title;organisation;address;email\nA (SAMPLE);MP;P;"1 Rd\nTown";a@\n'
    assert upload(sender, "list.csv", text.encode()).status == 201
    table = sender.get("/api/recipients/list.csv").json
    body = {"values": {"email": " a@example.org ", "unknown": "x"}, "digest": table["digest"]}
    assert editor.write("POST", "/api/recipients/list.csv/rows/1", body).status == 403
    assert sender.write("POST", "/api/recipients/list.csv/rows/2", body).status == 404
    answer = sender.write("POST", "/api/recipients/list.csv/rows/1", body)
    assert answer.status == 200 and answer.json["file"] == "list.csv"
    saved = (team / "briefs/recipients/list.csv").read_bytes()
    expected = (
        'name,title,organisation,address,email\r\nA (SAMPLE),MP,P,"1 Rd\nTown",a@example.org\r\n'
    )
    assert saved == codecs.BOM_UTF8 + expected.encode()
    assert sender.get("/api/recipients/list.csv").json["errors"] == 0

    broken = "name,title,organisation,address,emial\nB,MP,P,Road,b@\n"
    assert upload(sender, "broken.csv", broken.encode()).status == 201
    table = sender.get("/api/recipients/broken.csv").json
    assert not table["fixable"]
    body = {"values": {"name": "C"}, "digest": table["digest"]}
    answer = sender.write("POST", "/api/recipients/broken.csv/rows/1", body)
    assert answer.status == 409 and "unknown column 'emial'" in answer.json["error"]
    assert (team / "briefs/recipients/broken.csv").read_text() == broken


def test_alone_a_plain_form_carries_its_token_in_a_field(cities: Path) -> None:
    """Without a login the form's token is the studio's own; a wrong, missing or buried
    one (past the first 64 KB of the body) is refused before the row is read."""
    (cities / "briefs/recipients").mkdir(exist_ok=True)
    listed = cities / "briefs/recipients/few.csv"
    listed.write_bytes(b"name,title,organisation,address,email\nA (SAMPLE),MP,P,Road,a@\n")
    with studio(cities) as running:
        client = Client(running.url)
        table = running.get("/api/recipients/few.csv").json
        fields = {"email": "a@example.org", "digest": table["digest"]}
        path = "/recipients/few.csv/rows/1"
        assert form_post(client, path, {**fields, "csrf_token": "wrong"}).status == 403
        buried = {**fields, "padding": "x" * 70_000, "csrf_token": running.token}
        assert form_post(client, path, buried).status == 403
        assert listed.read_bytes().endswith(b"a@\n")
        answer = form_post(client, path, {**fields, "csrf_token": running.token})
        assert answer.status == 303, answer.body
    assert listed.read_bytes().endswith(b"a@example.org\r\n")

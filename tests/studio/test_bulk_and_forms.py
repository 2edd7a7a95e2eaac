"""Tagging in bulk (themes, places, organisations) and the data pages' plain forms,
posted as a browser without JavaScript posts them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Answer, Studio, studio

REPORT = "reports/naloxone-2024"
FINDINGS = "/api/reports/naloxone-2024/findings"
QUOTES = "/api/reports/naloxone-2024/quotes"


@pytest.fixture
def running(cities: Path) -> Iterator[Studio]:
    with studio(cities) as started:
        yield started


def changed(before: str, after: str) -> list[str]:
    pairs = zip(before.splitlines(), after.splitlines(), strict=True)
    return [b for a, b in pairs if a != b]


def test_findings_are_given_a_place_in_bulk_in_one_write(cities: Path, running: Studio) -> None:
    path = cities / REPORT / "findings.yaml"
    original = path.read_text(encoding="utf-8")
    ids = ["pharmacies-turn-away", "outreach-runs-out"]
    answer = running.write("POST", FINDINGS + "/tag", {"ids": ids, "add_places": ["norhaven"]})
    assert answer.status == 200, answer.json
    assert answer.json["undo"] == "places of 2 findings"
    # the finding that had norhaven already is left as it was
    assert changed(original, path.read_text(encoding="utf-8")) == [
        "    places: [kestrel-bay, port-amsel, norhaven]"
    ]
    shown = running.get(FINDINGS + "?place=norhaven").json["items"]
    assert sorted(f["id"] for f in shown) == sorted(ids)
    removed = {"ids": ids, "remove_places": ["kestrel-bay"]}
    assert running.write("POST", FINDINGS + "/tag", removed).status == 200
    assert running.write("POST", "/api/undo").status == 200
    assert running.write("POST", "/api/undo").json["undone"] == "places of 2 findings"
    assert path.read_text(encoding="utf-8") == original


def test_quotes_are_given_a_place_and_an_organisation_at_once(
    cities: Path, running: Studio
) -> None:
    path = cities / REPORT / "quotes.yaml"
    original = path.read_text(encoding="utf-8")
    move = {"ids": ["k3", "p2"], "place": "norhaven", "organisation": "north-shore"}
    answer = running.write("POST", QUOTES + "/tag", move)
    assert answer.status == 200, answer.json
    assert answer.json["undo"] == "place and organisation of 2 quotes"
    lines = changed(original, path.read_text(encoding="utf-8"))
    assert len(lines) == 2
    assert all("place: norhaven, organisation: north-shore" in line for line in lines)
    assert running.write("POST", "/api/undo").status == 200
    assert path.read_text(encoding="utf-8") == original


def test_what_a_collection_does_not_carry_is_refused(cities: Path, running: Studio) -> None:
    before = (cities / REPORT / "organisations.yaml").read_text(encoding="utf-8")
    recs = "/api/reports/naloxone-2024/recommendations/tag"
    answer = running.write("POST", recs, {"ids": ["1"], "place": "norhaven"})
    assert answer.status == 422 and answer.json["problems"][0]["field"] == "place"
    orgs = "/api/reports/naloxone-2024/organisations/tag"
    answer = running.write("POST", orgs, {"ids": ["morning-light"], "add_themes": ["pharmacy"]})
    assert answer.status == 422 and answer.json["problems"][0]["field"] == "themes"
    # an organisation moved away from its quotes' place: refused with the reason
    answer = running.write("POST", orgs, {"ids": ["morning-light"], "place": "norhaven"})
    assert answer.status == 422, answer.json
    assert "not 'norhaven'" in answer.body.decode() or "norhaven" in answer.body.decode()
    assert running.write("POST", orgs, {"ids": [], "place": "norhaven"}).status == 422
    assert (cities / REPORT / "organisations.yaml").read_text(encoding="utf-8") == before


def record_form(running: Studio, etag: str, **fields: str) -> dict[str, str]:
    base = {
        "csrf_token": running.token,
        "etag": etag,
        "back": "/reports/naloxone-2024/quotes?theme=-",
        "section": "3",
        "place": "kestrel-bay",
        "organisation": "safe-return",
        "subsection": "",
        "note": "",
    }
    return {**base, **fields}


def test_a_record_form_saves_without_javascript(cities: Path, running: Studio) -> None:
    path = cities / REPORT / "quotes.yaml"
    original = path.read_text(encoding="utf-8")
    etag = running.get(QUOTES).json["etag"]
    page = "/reports/naloxone-2024/quotes/k3"
    no_token = {k: v for k, v in record_form(running, etag, themes="outreach").items()}
    no_token.pop("csrf_token")
    assert running.form(page, no_token).status == 403
    answer = running.form(page, record_form(running, etag, themes="outreach"))
    assert answer.status == 303
    assert answer.headers["location"] == "/reports/naloxone-2024/quotes?theme=-&done=saved&id=k3"
    (line,) = changed(original, path.read_text(encoding="utf-8"))
    assert line.endswith('section: "3", themes: [outreach]}')
    shown = running.get("/reports/naloxone-2024/quotes?done=saved&id=k3").body.decode()
    assert "Saved k3." in shown
    # the same form from the page as it was: the file changed since, nothing written
    stale = running.form(page, record_form(running, etag, themes="pharmacy"))
    assert stale.status == 409 and "changed on disk" in stale.body.decode()
    etag = running.get(QUOTES).json["etag"]
    refused = running.form(page, record_form(running, etag, themes="prisons"))
    assert refused.status == 422
    problem = refused.body.decode().split('id="f-k3-themes-problem"')[1].split("</p>")[0]
    assert "Unknown theme &#39;prisons&#39;" in problem  # under the field it concerns
    assert "outreach]}" in path.read_text(encoding="utf-8")


def test_the_bulk_form_and_the_review_forms_save_without_javascript(
    cities: Path, running: Studio
) -> None:
    quotes = cities / REPORT / "quotes.yaml"
    etag = running.get(QUOTES).json["etag"]
    fields = [
        ("csrf_token", running.token),
        ("etag", etag),
        ("ids", "k1"),
        ("ids", "p1"),
        ("theme", "outreach"),
        ("do", "add-theme"),
    ]
    answer = running.form("/reports/naloxone-2024/quotes/tag", fields)
    assert answer.status == 303, answer.body.decode()[:400]
    assert quotes.read_text(encoding="utf-8").count("themes: [pharmacy, outreach]") == 2
    # the review: a field to write and an item to tick
    places = cities / REPORT / "places.yaml"
    places.write_text(
        places.read_text(encoding="utf-8").replace(
            "  - {id: norhaven, name: Norhaven, organisations: [north-shore]}",
            "  - id: norhaven\n    name: Norhaven\n    organisations: [north-shore]\n"
            "    summary: TO WRITE  # TO WRITE: summary (one or two sentences)",
        ),
        encoding="utf-8",
    )
    review = running.get("/api/reports/naloxone-2024/review").json
    (field,) = review["fields"]
    write = {"csrf_token": running.token, "file": field["file"], "line": str(field["line"])}
    empty = running.form("/reports/naloxone-2024/fields", {**write, "value": " "})
    assert empty.status == 422 and "Write something first." in empty.body.decode()
    summary = "Outreach at night reaches people no pharmacy does."
    answer = running.form("/reports/naloxone-2024/fields", {**write, "value": summary})
    assert answer.status == 303, answer.body.decode().split('role="alert"')[-1][:300]
    assert f"    summary: {summary}\n" in places.read_text(encoding="utf-8")
    assert "TO WRITE" not in places.read_text(encoding="utf-8")
    assert running.write("POST", QUOTES + "/k1/wrong", {"note": "Check the city."}).status == 201
    (item,) = running.get("/api/reports/naloxone-2024/review").json["items"]
    tick = {"csrf_token": running.token, "line": str(item["line"]), "settled": "1"}
    assert running.form("/reports/naloxone-2024/review", tick).status == 303
    assert running.get("/api/reports/naloxone-2024/review").json["left"] == 0


def test_a_brief_is_made_and_composed_without_javascript(cities: Path, running: Studio) -> None:
    token = {"csrf_token": running.token}
    new = {**token, "kind": "country", "report": "naloxone-2024", "place": "norhaven"}
    untitled = running.form("/briefs/new", {**new, "title": "", "id": "norhaven"})
    assert untitled.status == 422
    answer = running.form("/briefs/new", {**new, "title": "Norhaven: kits all week", "id": ""})
    assert answer.status == 303, answer.body.decode()[-600:]
    assert (
        answer.headers["location"]
        == "/briefs/norhaven-kits-all-week?done=created&id=norhaven-kits-all-week"
    )
    path = cities / "briefs/norhaven-kits-all-week.yaml"
    spec = path.read_text(encoding="utf-8")
    assert "place: norhaven" in spec
    page = running.get("/briefs/norhaven-kits-all-week").body.decode()
    etag = page.split('name="etag" value="')[1].split('"')[0]
    brief = running.get("/api/briefs/norhaven-kits-all-week").json
    quotes = next(s for s in brief["sections"] if s["from"] == "quotes")
    fields = {
        **token,
        "etag": etag,
        "title": "Norhaven: kits all week",
        "subtitle": "What outreach teams told us",
        "intro": "",
        "points": "",
        "ask": "",
        "language": brief["language"],
        "paper": brief["paper"],
        "max_pages": "",
        f"add-{quotes['name']}": "k2",
        "op": f"{quotes['name']}|add|",
    }
    answer = running.form("/briefs/norhaven-kits-all-week", fields)
    assert answer.status == 303, answer.body.decode()[-600:]
    written = path.read_text(encoding="utf-8")
    assert "subtitle: What outreach teams told us" in written
    assert f"ids: [{', '.join([*quotes['ids'], 'k2'])}]" in written
    assert "intro" not in written  # a field left alone is not written
    stale = {**fields, "op": "", "subtitle": "Another subtitle"}  # from the page as it was
    stale = running.form("/briefs/norhaven-kits-all-week", stale)
    assert stale.status == 409 and "changed on disk" in stale.body.decode()
    etag = running.get("/api/briefs/norhaven-kits-all-week").json["etag"]
    refused = {**fields, "etag": etag, "op": "", "max_pages": "0", "intro": "Typed, kept."}
    answer = running.form("/briefs/norhaven-kits-all-week", refused)
    assert answer.status == 422
    shown = answer.body.decode()
    problem = shown.split('id="c-max_pages-problem"')[1].split("</p>")[0]
    assert "page budget" in problem.lower()
    assert "Typed, kept.</textarea>" in shown
    assert path.read_text(encoding="utf-8") == written


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = "----briefpress-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    name, data = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def post_upload(running: Studio, fields: list[tuple[str, str]], file: tuple[str, bytes]) -> Answer:
    import urllib.error
    import urllib.request

    from running import NO_REDIRECTS

    body, boundary = multipart(fields, file)
    request = urllib.request.Request(running.url + "/import", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with NO_REDIRECTS.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def test_a_report_is_imported_from_the_page_without_javascript(
    cities: Path, running: Studio
) -> None:
    from test_api import SEED_LIKE

    report = ("Homes within reach.txt", SEED_LIKE.encode())
    fields = [("report", "homes")]
    assert post_upload(running, fields, report).status == 403  # no token
    assert not (cities / "reports/homes").exists()
    token = [("csrf_token", running.token), *fields]
    refused = post_upload(running, token, ("homes.odt", b"PK\x03\x04"))
    assert refused.status == 415
    assert "not a report briefpress can import" in refused.body.decode()
    answer = post_upload(running, token, report)
    assert answer.status == 303, answer.body.decode()[-400:]
    assert answer.headers["location"] == "/reports/homes/review?done=imported&id=homes"
    assert (cities / "reports/homes/source.txt").is_file()
    review = running.get(answer.headers["location"]).body.decode()
    assert "Imported homes: settle its review below." in review

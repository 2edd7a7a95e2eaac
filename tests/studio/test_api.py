"""The studio's JSON API on a real server: reads, checked writes, conflicts, previews."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Studio, studio

QUOTES = "/api/reports/naloxone-2024/quotes"


@pytest.fixture
def cities_studio(cities: Path) -> Iterator[Studio]:
    with studio(cities) as running:
        yield running


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.yaml")}


def test_quotes_are_listed_and_filtered(cities_studio: Studio) -> None:
    answer = cities_studio.get(QUOTES)
    assert answer.status == 200
    first = answer.json["items"][0]
    assert {"id", "text", "place", "themes", "section"} <= set(first)
    assert first["place"] == "kestrel-bay"
    assert [q["id"] for q in cities_studio.get(QUOTES + "?theme=-").json["items"]] == ["k3"]
    assert [q["id"] for q in cities_studio.get(QUOTES + "?place=norhaven").json["items"]] == ["n1"]
    assert [q["id"] for q in cities_studio.get(QUOTES + "?section=2&q=kits").json["items"]] == [
        "k2"
    ]
    themes = cities_studio.get("/api/reports/naloxone-2024/themes").json["items"]
    assert [t["id"] for t in themes] == ["pharmacy", "outreach"]


def test_a_write_without_the_token_is_403_and_changes_nothing(
    cities: Path, cities_studio: Studio
) -> None:
    before = snapshot(cities)
    token = cities_studio.get("/api/session").json["csrf_token"]
    assert token == cities_studio.token
    for method, path, body in [
        ("PATCH", QUOTES + "/k3", {"themes": ["outreach"]}),
        ("POST", "/api/briefs", {"id": "x", "report": "naloxone-2024", "kind": "overview"}),
        ("POST", "/api/undo", None),
    ]:
        assert cities_studio.request(method, path, body).status == 403
        bad = cities_studio.request(method, path, body, {"X-CSRF-Token": "guess"})
        assert bad.status == 403
    other_site = {"X-CSRF-Token": token, "Origin": "http://evil.example"}
    assert cities_studio.request("PATCH", QUOTES + "/k3", {"themes": []}, other_site).status == 403
    assert snapshot(cities) == before


def test_tagging_writes_one_line_and_undo_puts_it_back(cities: Path, cities_studio: Studio) -> None:
    path = cities / "reports/naloxone-2024/quotes.yaml"
    original = path.read_text()
    etag = cities_studio.get(QUOTES).json["etag"]
    answer = cities_studio.write("PATCH", QUOTES + "/k3", {"themes": ["outreach"]}, If_Match=etag)
    assert answer.status == 200, answer.json
    changed = [
        (a, b)
        for a, b in zip(original.splitlines(), path.read_text().splitlines(), strict=True)
        if a != b
    ]
    assert len(changed) == 1 and changed[0][1].endswith('section: "3", themes: [outreach]}')
    bulk = {"ids": ["k1", "k2", "p1"], "add_themes": ["outreach"]}
    assert cities_studio.write("POST", QUOTES + "/tag", bulk).status == 200
    tagged = cities_studio.get(QUOTES + "?theme=outreach").json["items"]
    assert sorted(q["id"] for q in tagged) == ["k1", "k2", "k3", "n1", "p1"]
    assert cities_studio.write("POST", "/api/undo").json["undone"] == "themes of 3 quotes"
    assert cities_studio.write("POST", "/api/undo").status == 200
    assert path.read_text() == original


def test_verbatim_fields_and_breaking_values_are_refused(
    cities: Path, cities_studio: Studio
) -> None:
    before = snapshot(cities)
    answer = cities_studio.write("PATCH", QUOTES + "/k1", {"text": "Better words."})
    assert answer.status == 422
    assert answer.json["problems"][0]["field"] == "text"
    assert "report's own words" in answer.json["problems"][0]["message"]
    answer = cities_studio.write("PATCH", QUOTES + "/k1", {"themes": ["pharmacy", "prisons"]})
    assert answer.status == 422
    problem = answer.json["problems"][0]
    assert problem["field"] == "themes" and "unknown theme 'prisons'" in problem["message"]
    assert snapshot(cities) == before


def test_a_file_changed_on_disk_is_never_overwritten(cities: Path, cities_studio: Studio) -> None:
    path = cities / "reports/naloxone-2024/quotes.yaml"
    etag = cities_studio.get(QUOTES).json["etag"]
    edited = path.read_text().replace("We carry kits", "We carry the kits")
    path.write_text(edited)  # an editor, or git pull
    answer = cities_studio.write("PATCH", QUOTES + "/k3", {"themes": ["outreach"]}, If_Match=etag)
    assert answer.status == 409
    assert answer.json["conflict"]["file"] == "reports/naloxone-2024/quotes.yaml"
    assert "We carry the kits" in answer.json["conflict"]["text"]
    assert path.read_text() == edited


@pytest.mark.parametrize(
    "path",
    [
        "/api/reports/..%2F..%2Fetc/quotes",
        "/api/reports/naloxone-2024/..%2F..%2Fbriefpress/quotes",
        "/api/reports/naloxone-2024/passwd",
        "/api/briefs/..%2Fsecret/preview.pdf",
        "/api/briefs/%2E%2E/preview",
        "/api/briefs/UPPER/preview",
        "/out/mail/letter/plan.csv",
        "/static/../app.py",
    ],
)
def test_paths_outside_the_project_are_refused(cities_studio: Studio, path: str) -> None:
    answer = cities_studio.get(path)
    assert answer.status == 404
    assert b"naloxone" not in answer.body and b"import" not in answer.body


def test_a_brief_is_composed_checked_and_previewed(cities: Path, cities_studio: Studio) -> None:
    spec = {"report": "naloxone-2024", "kind": "country", "title": "Norhaven: kits"}
    answer = cities_studio.write("POST", "/api/briefs", {**spec, "id": "nor", "place": "atlantis"})
    assert answer.status == 422
    assert answer.json["problems"][0]["field"] == "place"
    assert not (cities / "briefs/nor.yaml").exists()
    answer = cities_studio.write("POST", "/api/briefs", {**spec, "id": "nor", "place": "norhaven"})
    assert answer.status == 201, answer.json
    assert cities_studio.write("POST", "/api/briefs", {**spec, "id": "nor"}).status == 422
    brief = cities_studio.get("/api/briefs/nor").json
    assert [s["ids"] for s in brief["sections"] if s["name"] == "quotes"] == [["n1"]]
    change = {"sections": [{"name": "quotes", "from": "quotes", "ids": ["n1", "k2"]}]}
    answer = cities_studio.write("PATCH", "/api/briefs/nor", change, If_Match=brief["etag"])
    assert answer.status == 200, answer.json
    assert "ids: [n1, k2]" in (cities / "briefs/nor.yaml").read_text()
    pdf = cities_studio.get("/api/briefs/nor/preview.pdf")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert cities_studio.get("/api/briefs/nor/preview").json["pages"] >= 1
    assert not (cities / "out/kestrel-bay.pdf").exists()  # the others were not built first

"""The studio's JSON API on a real server: reads, checked writes, conflicts, previews."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Answer, Studio, studio

QUOTES = "/api/reports/naloxone-2024/quotes"
# A short report of another field, as a text file: what an officer might upload.
SEED_LIKE = """Homes Within Reach: Tenants' Voices from Three Countries

1 Introduction

We spoke with tenants' organisations in three countries about evictions and repairs.

2 Findings

2.1 Evictions

“We were told to leave within a week.” (Respondent from Tenants Together [Kenya])

“The landlord changed the locks while we were at work.” (Respondent from Open Homes [Chile])

2.2 Repairs

“The roof has leaked for two winters and nobody comes.” (Respondent from Tenants-Together [Kenya])
"""


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
    reset = {"sections": [{"name": "quotes", "reset": True}]}
    assert cities_studio.write("PATCH", "/api/briefs/nor", reset).status == 200
    assert "sections" not in (cities / "briefs/nor.yaml").read_text()
    brief = cities_studio.get("/api/briefs/nor").json
    assert [s["ids"] for s in brief["sections"] if s["name"] == "quotes"] == [["n1"]]


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "studio-test-boundary"
    body = b""
    for key, value in fields.items():
        head = f'Content-Disposition: form-data; name="{key}"'
        body += f"--{boundary}\r\n{head}\r\n\r\n{value}\r\n".encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def upload(running: Studio, name: str, data: bytes, report: str = "draft") -> Answer:
    body, content_type = multipart({"report": report}, name, data)
    headers = {"Content-Type": content_type, "X-CSRF-Token": running.token}
    request = urllib.request.Request(running.url + "/api/import", body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def test_an_uploaded_report_is_imported_and_its_review_settled(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    (root / "briefs").mkdir(parents=True)
    report = SEED_LIKE.encode("utf-8")
    with studio(root) as running:
        for name, data, said in [
            ("report.exe", b"MZ", "upload a .pdf, .docx or .txt file"),
            ("report.pdf", b"not a pdf", "is not a PDF file"),
            ("report.txt", b"\xff\xfe\x00", "not UTF-8"),
        ]:
            answer = upload(running, name, data)
            assert answer.status == 415 and said in answer.json["error"]
        assert not (root / "reports").exists()
        answer = upload(running, "../../report.txt", report)
        assert answer.status == 201, answer.body
        assert answer.json["verified"] is True
        review = running.get("/api/reports/draft/review").json
        left = review["left"]
        assert left == len(review["fields"]) + len(review["items"]) > 0
        summary = next(f for f in review["fields"] if f["field"] == "summary")
        body = {"file": summary["file"], "line": summary["line"], "value": "Our own words."}
        assert running.write("POST", "/api/reports/draft/fields", body).status == 200
        line = (root / summary["file"]).read_text().splitlines()[summary["line"] - 1]
        assert line.strip() == 'summary: "Our own words."'
        assert running.get("/api/reports/draft/review").json["left"] == left - 1
        outside = {**body, "file": "briefpress.yaml"}
        assert running.write("POST", "/api/reports/draft/fields", outside).status == 404


def test_a_places_fact_is_edited_but_never_its_evidence(project: Path) -> None:
    path = project / "reports/mini-report/countries.yaml"
    original = path.read_text()
    fact = "/api/reports/mini-report/places/arcadia/facts/law"
    with studio(project) as running:
        refused = running.write("PATCH", fact, {"evidence": "Other words."})
        assert refused.status == 422 and refused.json["problems"][0]["field"] == "evidence"
        assert running.write("PATCH", fact, {"label": "Law in force"}).status == 200
        assert running.write("PATCH", fact.replace("law", "nothing"), {"label": "x"}).status == 404
    changed = [
        b
        for a, b in zip(original.splitlines(), path.read_text().splitlines(), strict=True)
        if a != b
    ]
    assert len(changed) == 1 and "label: Law in force, value:" in changed[0]


def test_quotes_are_given_one_place_at_once(cities: Path, cities_studio: Studio) -> None:
    path = cities / "reports/naloxone-2024/quotes.yaml"
    original = path.read_text()
    # Their organisations are in other cities: refused, with the reason, nothing written.
    answer = cities_studio.write(
        "POST", QUOTES + "/tag", {"ids": ["k1", "p1"], "place": "norhaven"}
    )
    assert answer.status == 422
    assert "'safe-return' is in 'kestrel-bay', not 'norhaven'" in answer.body.decode()
    assert path.read_text() == original
    for quote in ("k3", "p2"):
        change = {"organisation": None}
        assert cities_studio.write("PATCH", f"{QUOTES}/{quote}", change).status == 200
    answer = cities_studio.write(
        "POST", QUOTES + "/tag", {"ids": ["k3", "p2"], "place": "norhaven"}
    )
    assert answer.status == 200, answer.json
    assert answer.json["undo"] == "place of 2 quotes"
    moved = cities_studio.get(QUOTES + "?place=norhaven").json["items"]
    assert sorted(q["id"] for q in moved) == ["k3", "n1", "p2"]
    nowhere = cities_studio.write("POST", QUOTES + "/tag", {"ids": ["k3"], "place": "atlantis"})
    assert nowhere.status == 422 and nowhere.json["problems"][0]["field"] == "place"


REPO = Path(__file__).resolve().parents[2]


def test_every_kind_of_shipped_brief_opens_in_the_composer() -> None:
    with studio(REPO) as running:  # read only: nothing is saved here
        for brief in ("kyrgyzstan", "letter-policymakers", "overview-models"):
            page = running.get(f"/briefs/{brief}")
            assert page.status == 200, page.body[-500:]
            assert running.get(f"/api/briefs/{brief}").status == 200


def test_every_page_of_the_fixture_opens(cities_studio: Studio) -> None:
    briefs = cities_studio.get("/api/briefs").json["briefs"]
    assert len(briefs) == 5
    paths = [f"/briefs/{b['id']}" for b in briefs] + [
        f"/reports/naloxone-2024/{name}"
        for name in ("quotes", "findings", "recommendations", "places", "themes", "organisations")
    ]
    for path in ["/", "/import", "/briefs/new", "/reports/naloxone-2024/review", *paths]:
        assert cities_studio.get(path).status == 200, path


def test_a_broken_file_is_named_not_rewritten(cities: Path, cities_studio: Studio) -> None:
    path = cities / "reports/naloxone-2024/quotes.yaml"
    path.write_text(path.read_text().replace("quotes:\n", "quotes:\n\t- broken\n", 1))
    broken = path.read_text()
    answer = cities_studio.write("PATCH", QUOTES + "/k3", {"themes": ["outreach"]})
    assert answer.status == 422 and "quotes.yaml" in answer.json["problems"][0]["message"]
    assert path.read_text() == broken
    page = cities_studio.get("/")
    assert page.status == 200 and b"a tab character where YAML expects spaces" in page.body


def test_a_doubtful_record_is_dropped_unless_something_needs_it(
    cities: Path, cities_studio: Studio
) -> None:
    path = cities / "reports/naloxone-2024/quotes.yaml"
    original = path.read_text()
    needed = cities_studio.write("DELETE", QUOTES + "/k1")  # pharmacies-turn-away cites it
    assert (
        needed.status == 422
        and "still needed by reports/naloxone-2024/findings.yaml" in needed.body.decode()
    )
    assert cities_studio.request("DELETE", QUOTES + "/k2").status == 403
    assert cities_studio.write("DELETE", QUOTES + "/k2").status == 200
    assert [line for line in original.splitlines() if line not in path.read_text()] == [
        line for line in original.splitlines() if "id: k2," in line
    ]
    assert cities_studio.write("POST", "/api/undo").json["undone"] == "dropped quote k2"
    assert path.read_text() == original

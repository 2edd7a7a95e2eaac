"""New findings and themes written in the studio, and a bad value in the report's data
marking only the briefs that show it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Studio, studio
from test_recut import SOURCE

REPORT = "reports/naloxone-2024"
API = "/api/reports/naloxone-2024"


@pytest.fixture
def running(cities: Path) -> Iterator[Studio]:
    (cities / REPORT / "source.txt").write_text(SOURCE, encoding="utf-8")
    with studio(cities) as started:
        yield started


def test_a_new_theme_goes_last_in_the_style_of_the_others(cities: Path, running: Studio) -> None:
    path = cities / REPORT / "themes.yaml"
    original = path.read_text(encoding="utf-8")
    theme = {"name": "Shelters", "description": "Kits where people sleep."}
    answer = running.write("POST", API + "/themes", theme)
    assert answer.status == 201, answer.json
    assert answer.json["id"] == "shelters" and answer.json["undo"] == "new theme shelters"
    added = path.read_text(encoding="utf-8")[len(original) :]
    assert added == "  - {id: shelters, name: Shelters, description: Kits where people sleep.}\n"
    again = running.write("POST", API + "/themes", {"name": "Shelters"})
    assert again.json["id"] == "shelters-2"
    assert running.write("POST", API + "/themes", {"description": "no name"}).status == 422
    assert running.write("POST", API + "/themes", {"name": "X", "colour": "red"}).status == 422
    assert running.write("POST", API + "/quotes", {"name": "X"}).status == 404
    assert running.write("POST", "/api/undo").status == 200
    assert running.write("POST", "/api/undo").json["undone"] == "new theme shelters"
    assert path.read_text(encoding="utf-8") == original


def test_a_new_finding_is_backed_by_the_report_s_own_words(cities: Path, running: Studio) -> None:
    path = cities / REPORT / "findings.yaml"
    original = path.read_text(encoding="utf-8")
    finding = {
        "headline": "People try three pharmacies before one has naloxone.",
        "text": "I went to three more\nbefore one had it.",
        "section": "2.1",
        "themes": ["pharmacy"],
        "places": ["kestrel-bay"],
    }
    typed = running.write("POST", API + "/findings", {**finding, "text": "I went to four more."})
    assert typed.status == 422 and typed.json["problems"][0]["field"] == "text"
    unknown = running.write("POST", API + "/findings", {**finding, "themes": ["prisons"]})
    assert unknown.status == 422 and unknown.json["problems"][0]["field"] == "themes"
    assert path.read_text(encoding="utf-8") == original
    answer = running.write("POST", API + "/findings", finding)
    assert answer.status == 201, answer.json
    made = answer.json["id"]
    assert made == "people-try-three-pharmacies-before-one-h"
    added = path.read_text(encoding="utf-8")[len(original) :]
    assert "    text: I went to three more before one had it.\n" in added
    assert "    places: [kestrel-bay]\n" in added  # the key this file's findings use
    shown = running.get(API + "/findings?theme=pharmacy").json["items"]
    assert made in [f["id"] for f in shown]


def test_a_new_finding_is_added_from_its_form_without_javascript(
    cities: Path, running: Studio
) -> None:
    etag = running.get(API + "/findings").json["etag"]
    fields = [
        ("csrf_token", running.token),
        ("etag", etag),
        ("headline", "Nobody is told the spray is free."),
        ("text", "Nobody told us the nasal spray was free here."),
        ("section", "2.1"),
        ("themes", "pharmacy"),
    ]
    answer = running.form("/reports/naloxone-2024/new/findings", fields)
    assert answer.status == 303, answer.body.decode()[-500:]
    assert "done=added" in answer.headers["location"]
    assert "Nobody told us the nasal spray was free here." in (
        cities / REPORT / "findings.yaml"
    ).read_text(encoding="utf-8")
    refused = running.form("/reports/naloxone-2024/new/themes", [("csrf_token", running.token)])
    assert refused.status == 422 and "Write the name first." in refused.body.decode()


def test_a_bad_record_marks_only_the_briefs_that_show_it(cities: Path, running: Studio) -> None:
    path = cities / REPORT / "quotes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'section: "3", themes: [pharmacy]}', 'section: "3", themes: [pharmacy, prisons]}'
        ),
        encoding="utf-8",
    )  # p2: shown by the pharmacies brief only
    home = running.get("/").body.decode()
    marked = [
        item.split('href="/briefs/')[1].split('"')[0]
        for item in home.split('<li class="brief-item')[1:]
        if "Does not build until the report data is fixed" in item
    ]
    assert marked == ["pharmacies"]
    assert "Unknown theme &#39;prisons&#39;" in home


def test_a_field_to_write_in_a_record_in_braces_is_the_marked_one(
    cities: Path, running: Studio
) -> None:
    places = cities / REPORT / "places.yaml"
    places.write_text(
        places.read_text(encoding="utf-8").replace(
            "organisations: [north-shore]}",
            "organisations: [north-shore], summary: TO WRITE}  # TO WRITE: summary",
        ),
        encoding="utf-8",
    )
    (field,) = running.get(API + "/review").json["fields"]
    assert field["field"] == "summary" and field["kind"] == "text"
    summary = "Outreach at night reaches people no pharmacy does."
    body = {"file": field["file"], "line": field["line"], "value": summary}
    assert running.write("POST", API + "/fields", body).status == 200
    assert (
        f"  - {{id: norhaven, name: Norhaven, organisations: [north-shore], summary: {summary}}}\n"
        in places.read_text(encoding="utf-8")
    )

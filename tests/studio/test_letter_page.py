"""The letter's page and its API on a real server: the letter's words written as a person
would, refused with the reason next to the field, and its letters made in the background."""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from letterproject import LETTER, letter_project
from running import Studio, studio
from teamclient import Client, team_studio

from briefpress.studio.auth import add_user

API = "/api/briefs/letter/letter"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return letter_project(tmp_path / "project")


@pytest.fixture
def running(root: Path) -> Iterator[Studio]:
    with studio(root) as s:
        yield s


def diff(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_the_letter_is_read_with_its_translations(running: Studio) -> None:
    letter = running.get(API).json
    assert letter["subject"] == "No sanctions in Arcadia"
    assert letter["body"][1] == "We ask you to end the fines."
    assert letter["signature"] == {
        "name": "Our Name",
        "title": "",
        "organisation": "Our Organisation",
    }
    french = letter["translations"]["fr"]
    assert french["language"] == "French" and french["subject"] == "Pas de sanctions à Arcadia"
    assert letter["etag"] and letter["problems"] == []
    assert running.get("/api/briefs/arcadia/letter").status == 404  # not a letter
    assert running.get("/api/briefs/..%2Fbriefpress/letter").status == 404


def test_one_changed_paragraph_is_one_changed_line_and_undo_puts_it_back(
    running: Studio, root: Path
) -> None:
    file = root / "briefs/letter.yaml"
    etag = running.get(API).json["etag"]
    body = [
        "We write to share what people who use drugs in Arcadia told the study.",
        "We ask you to end the fines: all of them.",
        "Thank you for reading.",
    ]
    answer = running.write("PATCH", API, {"body": body}, If_Match=f'"{etag}"')
    assert answer.status == 200, answer.body
    assert diff(LETTER, file.read_text(encoding="utf-8")) == [
        '-    - "We ask you to end the fines."',
        '+    - "We ask you to end the fines: all of them."',
    ]
    # The same change on the old version: the file changed since, nothing written.
    again = running.write("PATCH", API, {"subject": "Other"}, If_Match=f'"{etag}"')
    assert again.status == 409 and "changed on disk" in again.json["error"]
    assert running.write("POST", "/api/undo").json["undone"] == "body of letter letter"
    assert file.read_text(encoding="utf-8") == LETTER


def test_paragraphs_reordered_and_a_translation_added_keep_the_comments(
    running: Studio, root: Path
) -> None:
    first, second, third = running.get(API).json["body"]
    spanish = {
        "subject": "Sin sanciones en Arcadia",
        "body": ["Le escribimos.", "Gracias."],
        "signature": {"name": "Nuestro nombre"},
    }
    change = {
        "body": [second, first, third],
        "closing": "With best wishes,",
        "translations": {"es": spanish},
    }
    assert running.write("PATCH", API, change).status == 200
    text = (root / "briefs/letter.yaml").read_text(encoding="utf-8")
    assert text.index(second) < text.index(first)
    assert "# the ask comes second" in text and "# the brief behind each letter" in text
    assert '  closing: "With best wishes,"\n  signature:' in text
    assert '    es:\n      subject: "Sin sanciones en Arcadia"' in text
    assert (
        "signature: {name: Nuestro nombre}" in text or 'signature: {name: "Nuestro nombre"}' in text
    )
    letter = running.get(API).json
    assert letter["translations"]["es"]["body"] == ["Le escribimos.", "Gracias."]
    assert letter["closing"] == "With best wishes,"
    # A translation taken out.
    assert running.write("PATCH", API, {"translations": {"fr": None}}).status == 200
    assert "fr" not in running.get(API).json["translations"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"subject": "  "}, "letter.subject", "needs a subject"),
        ({"body": ["One.", ""]}, "letter.body.1", "paragraph 2 is empty"),
        ({"body": []}, "letter.body", "at least one paragraph"),
        (
            {"translations": {"fr": {"body": ["Un.", " "]}}},
            "letter.translations.fr.body.1",
            "empty",
        ),
        (
            {"translations": {"de": {"subject": "Keine Strafen"}}},
            "letter.translations.de.body",
            "needs its body",
        ),
        (
            {"translations": {"xq": {"subject": "a", "body": ["b"]}}},
            "letter.translations.xq",
            "unknown language",
        ),
        ({"signature": {"name": ""}}, "letter.signature.name", "who signs it"),
        ({"greeting": "Hi"}, "letter.greeting", "not a part of the letter"),
    ],
)
def test_a_change_that_breaks_the_letter_is_refused_next_to_its_field(
    running: Studio, root: Path, change: dict[str, Any], field: str, words: str
) -> None:
    answer = running.write("PATCH", API, change)
    assert answer.status == 422, answer.body
    problems = answer.json["problems"]
    assert any(p["field"].startswith(field) and words in p["message"] for p in problems), problems
    assert (root / "briefs/letter.yaml").read_text(encoding="utf-8") == LETTER


def test_the_page_shows_the_text_the_translations_and_to_a_sender_the_letters(
    running: Studio,
) -> None:
    page = running.get("/briefs/letter/letter")
    assert page.status == 200
    html = page.body.decode()
    assert 'id="letter-body-1"' in html and "We ask you to end the fines." in html
    assert "French translation" in html and 'lang="fr"' in html
    assert "Make the letters" in html and "council.csv" in html
    assert running.get("/briefs/arcadia/letter").status == 404
    assert 'href="/briefs/letter/letter"' in running.get("/").body.decode()


def wait_made(running: Studio, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = running.get("/api/letters/letter/make").json
        if not job["running"]:
            return job
        time.sleep(0.1)
    raise AssertionError(f"the letters were not made: {job}")


def test_letters_are_made_in_the_background_with_their_rows(running: Studio, root: Path) -> None:
    assert running.get("/api/letters/letter/make").json["state"] == "none"
    assert (
        running.write("POST", "/api/letters/letter/make", {"recipients": "none.csv"}).status == 404
    )
    start = running.write("POST", "/api/letters/letter/make", {"recipients": "council.csv"})
    assert start.status == 202 and start.json["running"]
    assert (
        running.request("POST", "/api/letters/letter/make", {"recipients": "council.csv"}).status
        == 403
    )
    # The mailing goes on with no page open (the answer came at once); a page opened
    # again shows what it made.
    job = wait_made(running)
    assert job["state"] == "done" and (job["done"], job["total"], job["letters"]) == (4, 4, 4)
    assert "made 4 letters" in running.get("/briefs/letter/letter").body.decode()
    spanish = [p for p in job["problems"] if p["row"] == 4]
    assert spanish and "no es translation" in spanish[0]["message"]
    made = running.get("/api/letters/letter").json
    assert [(r["row"], r["language"]) for r in made["rows"]] == [
        (1, "en"),
        (2, "fr"),
        (3, "en"),
        (4, "es"),
    ]
    assert made["rows"][1]["name"] == "Chloé Martin (SAMPLE)" and not made["stale"]
    picture = running.get("/api/letters/letter/2/page/1.png")
    assert picture.status == 200 and picture.body.startswith(b"\x89PNG")
    assert running.get("/api/letters/letter/2/page/99.png").status == 404
    assert running.get("/out/letters/letter/manifest.csv").status == 404

    # Made again and stopped (as Ctrl-C would): the letters made before stay whole.
    before = sorted(p.name for p in (root / "out/letters/letter").iterdir())
    assert (
        running.write("POST", "/api/letters/letter/make", {"recipients": "council.csv"}).status
        == 202
    )
    assert running.write("POST", "/api/letters/letter/make/stop").status == 202
    assert wait_made(running)["state"] == "stopped"
    assert sorted(p.name for p in (root / "out/letters/letter").iterdir()) == before
    assert len(running.get("/api/letters/letter").json["rows"]) == 4

    # A mistake in the file: nothing made, the problem on its row; the letters stay.
    bad = (root / "briefs/recipients/council.csv").read_text(encoding="utf-8")
    (root / "briefs/recipients/bad.csv").write_text(
        bad.replace("chen@example.org", "chen@"), encoding="utf-8"
    )
    running.write("POST", "/api/letters/letter/make", {"recipients": "bad.csv"})
    job = wait_made(running)
    assert job["state"] == "failed" and any(p["row"] == 3 for p in job["problems"]), job
    assert len(running.get("/api/letters/letter").json["rows"]) == 4


def test_in_team_mode_the_letters_are_a_senders_and_the_text_an_editors(root: Path) -> None:
    add_user(root, "amina", "editor", "an editor's password")
    add_user(root, "jo", "sender", "a sender's password")
    with team_studio(root) as url:
        editor, sender, nobody = Client(url), Client(url), Client(url)
        assert editor.login("amina", "an editor's password").status == 200
        assert sender.login("jo", "a sender's password").status == 200
        assert nobody.get(API).status == 401
        page = editor.get("/briefs/letter/letter")
        assert page.status == 200 and b"Make the letters" not in page.body
        assert editor.write("PATCH", API, {"subject": "A new subject"}).status == 200
        assert (
            editor.write("POST", "/api/letters/letter/make", {"recipients": "council.csv"}).status
            == 403
        )
        assert editor.get("/api/letters/letter").status == 403
        assert b"Make the letters" in sender.get("/briefs/letter/letter").body
        assert (
            sender.write("POST", "/api/letters/letter/make", {"recipients": "council.csv"}).status
            == 202
        )
        assert sender.write("POST", "/api/letters/letter/make/stop").status == 202
        deadline = time.monotonic() + 120
        while sender.get("/api/letters/letter/make").json["running"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        job = sender.get("/api/letters/letter/make").json
        assert (job["state"], job["user"]) == ("stopped", "jo"), job
        assert not (root / "out/letters/letter").exists()  # stopped: nothing half-made kept

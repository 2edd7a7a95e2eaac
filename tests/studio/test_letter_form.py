"""The letter's page without JavaScript: its form posted whole, as a browser posts it,
each button a submit: saved and sent back to the page, or refused in place."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
from letterproject import LETTER, letter_project
from running import Answer, Studio, studio

PAGE = "/briefs/letter/letter"
NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return letter_project(tmp_path / "project")


@pytest.fixture
def running(root: Path) -> Iterator[Studio]:
    with studio(root) as s:
        yield s


def form_of(html: str) -> list[tuple[str, str]]:
    """What a browser posts for the letter's form: every named field, in page order."""
    document = html5lib.parse(html)
    form = next(f for f in document.iter(f"{NS}form") if f.get("id") == "letter-form")
    fields: list[tuple[str, str]] = []
    for element in form.iter():
        name, tag = element.get("name"), element.tag.removeprefix(NS)
        if not name or any(p.tag == f"{NS}template" for p in ancestors(form, element)):
            continue
        if tag == "input":
            fields.append((name, element.get("value") or ""))
        elif tag == "textarea":
            fields.append((name, element.text or ""))
        elif tag == "select":
            options = list(element.iter(f"{NS}option"))
            chosen = next((o for o in options if o.get("selected") is not None), options[0])
            fields.append((name, chosen.get("value") or chosen.text or ""))
    return fields


def ancestors(root: object, element: object) -> list[object]:
    """The elements between the form and ``element`` (html5lib's tree has no parents)."""
    found: list[object] = []

    def walk(node: object, path: list[object]) -> bool:
        for child in node:  # type: ignore[attr-defined]
            if child is element:
                found.extend(path)
                return True
            if walk(child, [*path, child]):
                return True
        return False

    walk(root, [])
    return found


def post(running: Studio, fields: list[tuple[str, str]]) -> Answer:
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(running.url + PAGE, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def replaced(
    fields: list[tuple[str, str]], name: str, at: int, value: str
) -> list[tuple[str, str]]:
    """The ``at``-th field called ``name`` given another value."""
    seen = -1
    out = []
    for key, old in fields:
        if key == name:
            seen += 1
            if seen == at:
                old = value
        out.append((key, old))
    return out


def test_without_javascript_the_letter_is_saved_moved_and_refused_in_place(
    running: Studio, root: Path
) -> None:
    file = root / "briefs/letter.yaml"
    fields = form_of(running.get(PAGE).body.decode())
    assert ("letter.translations.fr.subject", "Pas de sanctions à Arcadia") in fields
    assert ("csrf_token", running.token) in fields

    # A paragraph rewritten and saved: back to the page, one line changed.
    changed = replaced(fields, "letter.body", 1, "We ask you to end every fine.")
    answer = post(running, changed)
    assert answer.status == 303 and answer.headers["location"].endswith("done=saved&id=letter")
    text = file.read_text(encoding="utf-8")
    assert text == LETTER.replace("end the fines.", "end every fine.")

    # The third paragraph moved up: saved, the French translation as it was.
    fields = form_of(running.get(PAGE).body.decode())
    assert post(running, [*fields, ("op", "up|letter.body|2")]).status == 303
    body = [v for k, v in form_of(running.get(PAGE).body.decode()) if k == "letter.body"]
    assert body[1:] == ["Thank you for reading.", "We ask you to end every fine."]

    # Add a paragraph: the page again with an empty box to write; nothing written yet.
    before = file.read_text(encoding="utf-8")
    fields = form_of(running.get(PAGE).body.decode())
    page = post(running, [*fields, ("op", "add|letter.body")])
    assert page.status == 200 and 'id="letter-body-3"' in page.body.decode()
    assert file.read_text(encoding="utf-8") == before
    # ... saved empty: refused, the reason under that paragraph, what was typed kept.
    refused = post(running, form_of(page.body.decode()))
    html = refused.body.decode()
    assert refused.status == 422 and "Paragraph 4 is empty" in html
    problem = html[html.index('id="letter-body-3-problem"') :]
    assert problem.split(">", 1)[1].startswith("Paragraph 4 is empty")
    assert file.read_text(encoding="utf-8") == before

    # A German translation added: its boxes, one for each paragraph, labelled as one.
    fields = [
        (k, "de" if k == "new_language" else v) for k, v in form_of(running.get(PAGE).body.decode())
    ]
    page = post(running, [*fields, ("op", "add-translation")]).body.decode()
    assert "German translation" in page and 'id="letter-translations-de-body-2"' in page
    typed = replaced(form_of(page), "letter.translations.de.subject", 0, "Keine Bußgelder")
    for n, words in enumerate(("Wir schreiben.", "Danke.", "Bitte.")):
        typed = replaced(typed, "letter.translations.de.body", n, words)
    assert post(running, typed).status == 303
    text = file.read_text(encoding="utf-8")
    assert '    de:\n      subject: "Keine Bußgelder"' in text and '- "Danke."' in text

    # The French translation removed.
    fields = form_of(running.get(PAGE).body.decode())
    assert post(running, [*fields, ("op", "remove|fr")]).status == 303
    assert "    fr:" not in file.read_text(encoding="utf-8")
    # Without the token, nothing.
    no_token = [(k, v) for k, v in form_of(running.get(PAGE).body.decode()) if k != "csrf_token"]
    assert post(running, no_token).status == 403


def test_without_javascript_the_letters_are_started_and_stopped_by_forms(
    running: Studio,
) -> None:
    def send(path: str, fields: list[tuple[str, str]]) -> Answer:
        data = urllib.parse.urlencode([("csrf_token", running.token), *fields]).encode()
        request = urllib.request.Request(running.url + path, data=data, method="POST")
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    refused = send("/letters/letter/make", [("recipients", "none.csv")])
    assert (
        refused.status == 404 and "No recipients file &#39;none.csv&#39;" in refused.body.decode()
    )
    started = send("/letters/letter/make", [("recipients", "council.csv")])
    assert started.status == 303 and started.headers["location"].endswith("#make-letters")
    assert send("/letters/letter/make/stop", []).status == 303
    deadline = time.monotonic() + 60
    while running.get("/api/letters/letter/make").json["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "stopped" in running.get(PAGE).body.decode()

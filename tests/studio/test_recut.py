"""Re-cutting a quote from the report's kept text, and reporting one as wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Studio, studio

from briefpress.importer import import_report
from briefpress.studio.recut import locate, move, snap

QUOTE = "/api/reports/naloxone-2024/quotes/k1"
PAGE = "/reports/naloxone-2024/quotes/k1"
K1 = "The pharmacist asked why I wanted it and then said they had none."
# The report's text as an import keeps it: one paragraph a line, a blank line between.
SOURCE = "\n\n".join(
    [
        "Naloxone Within Reach",
        "2.1 Pharmacies",
        f"Most respondents had tried a pharmacy first. “{K1} I went to three more before one"
        " had it.” (Respondent from Safe Return Kestrel [Kestrel Bay])",
        "“Nobody told us the nasal spray was free here.” (Respondent from Morning Light"
        " Outreach [Port Amsel])",
        "2.2 Outreach",
        "“We carry kits in the van, but we run out by Thursday.” (Respondent from Safe"
        " Return Kestrel [Kestrel Bay])\n",
    ]
)


@pytest.fixture
def kept(cities: Path) -> Path:
    (cities / "reports/naloxone-2024/source.txt").write_text(SOURCE, encoding="utf-8")
    return cities


@pytest.fixture
def running(kept: Path) -> Iterator[Studio]:
    with studio(kept) as started:
        yield started


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    pairs = zip(before.splitlines(), after.splitlines(), strict=True)
    return [(a, b) for a, b in pairs if a != b]


def test_moves_keep_to_words_and_sentences() -> None:
    start, end = locate(SOURCE, K1) or (0, 0)
    assert SOURCE[start:end] == K1
    later = move(SOURCE, start, end, "end-sentence-later")
    assert SOURCE[later[0] : later[1]] == f"{K1} I went to three more before one had it."
    earlier = move(SOURCE, start, end, "start-word-earlier")
    assert SOURCE[earlier[0] : earlier[1]].startswith("first. “The pharmacist")
    assert SOURCE[slice(*move(SOURCE, start, end, "start-sentence-earlier"))].startswith("Most")
    assert SOURCE[slice(*move(SOURCE, start, end, "start-word-later"))].startswith("pharmacist")
    assert SOURCE[slice(*move(SOURCE, start, end, "end-word-earlier"))].endswith("they had")
    assert SOURCE[slice(*move(SOURCE, start, end, "end-word-later"))].endswith("none. I")
    one_word = locate(SOURCE, "Most") or (0, 0)
    assert move(SOURCE, *one_word, "end-word-earlier") == one_word  # never an empty cut


def test_the_quote_is_shown_in_its_context_and_re_cut(kept: Path, running: Studio) -> None:
    answer = running.get(QUOTE + "/source")
    assert answer.status == 200, answer.json
    body = answer.json
    assert body["found"] and body["current"]["text"] == K1
    assert body["current"]["before"].endswith("Most respondents had tried a pharmacy first. “")
    moved = running.get(QUOTE + "/source?move=end-sentence-later").json["proposed"]
    assert moved["words"] == f"{K1} I went to three more before one had it."
    path = kept / "reports/naloxone-2024/quotes.yaml"
    original = path.read_text(encoding="utf-8")
    cut = {"start": moved["start"], "end": moved["end"], "etag": body["etag"]}
    answer = running.write("POST", QUOTE + "/recut", cut)
    assert answer.status == 200, answer.json
    assert answer.json["undo"] == "re-cut quote k1"
    (line,) = changed_lines(original, path.read_text(encoding="utf-8"))
    assert 'I went to three more before one had it.",' in line[1]
    # the same cut from a stale page: the file changed since, nothing written
    assert running.write("POST", QUOTE + "/recut", cut).status == 409
    assert running.write("POST", "/api/undo").json["undone"] == "re-cut quote k1"
    assert path.read_text(encoding="utf-8") == original


def test_only_words_of_the_report_are_accepted(kept: Path, running: Studio) -> None:
    path = kept / "reports/naloxone-2024/quotes.yaml"
    original = path.read_text(encoding="utf-8")
    for wanted, field in [
        ({"text": "The pharmacist asked why I wanted it."}, "text"),  # not in the report
        ({"start": SOURCE.index("harmacist"), "end": SOURCE.index(" I went")}, "text"),
        ({"start": 0, "end": len(SOURCE) + 5}, "text"),
    ]:
        answer = running.write("POST", QUOTE + "/recut", wanted)
        assert answer.status == 422, answer.json
        assert answer.json["problems"][0]["field"] == field
    # a text given whole is accepted when it is a run of the report, line breaks folded
    spread = "The pharmacist asked why I wanted it\nand then   said they had none. I went"
    assert running.write("POST", QUOTE + "/recut", {"text": spread}).status == 200
    assert f'"{K1} I went"' in path.read_text(encoding="utf-8")
    assert running.write("PATCH", QUOTE, {"text": "Typed words."}).status == 422
    assert running.write("POST", "/api/undo").status == 200
    assert path.read_text(encoding="utf-8") == original


def test_a_quote_reported_as_wrong_goes_on_the_review_list(kept: Path, running: Studio) -> None:
    quotes = (kept / "reports/naloxone-2024/quotes.yaml").read_text(encoding="utf-8")
    note = {"note": "The report says\nthree pharmacies, not four."}
    answer = running.write("POST", QUOTE + "/wrong", note)
    assert answer.status == 201, answer.json
    review = running.get("/api/reports/naloxone-2024/review").json
    (item,) = review["items"]
    assert item["where"] == "quotes.yaml (k1)" and not item["settled"]
    assert item["message"] == "reported as wrong: The report says three pharmacies, not four."
    assert review["left"] == 1
    assert (kept / "reports/naloxone-2024/quotes.yaml").read_text(encoding="utf-8") == quotes
    assert running.write("POST", QUOTE + "/wrong", {"note": "  "}).status == 422


def test_the_page_works_without_javascript(kept: Path, running: Studio) -> None:
    page = running.get(PAGE + "?move=end-sentence-later").body.decode()
    assert "Save the new cut" in page and 'name="csrf_token"' in page
    start, end = locate(SOURCE, f"{K1} I went to three more before one had it.") or (0, 0)
    fields = {"start": str(start), "end": str(end)}
    assert running.form(PAGE + "/recut", fields).status == 403  # no token: nothing written
    answer = running.form(PAGE + "/recut", {**fields, "csrf_token": running.token})
    assert answer.status == 303 and answer.headers["location"].endswith("?done=recut")
    assert "one had it." in (kept / "reports/naloxone-2024/quotes.yaml").read_text("utf-8")
    # a cut from a page loaded before that save: refused, the proposed cut still shown
    stale = {"start": str(start), "end": str(end - 4), "etag": "0" * 20}
    answer = running.form(PAGE + "/recut", {**stale, "csrf_token": running.token})
    assert answer.status == 409 and "changed on disk" in answer.body.decode()
    assert "before one had</mark>" in answer.body.decode()
    assert running.get(PAGE + "?move=nowhere").status == 200
    refused = running.form(PAGE + "/wrong", {"note": "", "csrf_token": running.token})
    assert refused.status == 422
    assert "Say what is wrong with the quote." in refused.body.decode()


def test_without_the_kept_text_the_page_says_how_to_keep_it(cities: Path) -> None:
    with studio(cities) as running:
        answer = running.get(QUOTE + "/source")
        assert answer.status == 422
        assert "source.txt" in answer.json["problems"][0]["message"]
        page = running.get(PAGE)
        assert page.status == 200 and "--merge" in page.body.decode()


def test_the_import_keeps_the_text_its_quotes_are_cut_from(tmp_path: Path) -> None:
    from test_api import SEED_LIKE

    from conftest import run_cli

    root = tmp_path / "homes-project"
    assert run_cli(["init", str(root)]).code == 0
    report = tmp_path / "homes.txt"
    report.write_text(SEED_LIKE, encoding="utf-8")
    result = import_report(report, root, "homes")
    kept = (root / "reports/homes/source.txt").read_text(encoding="utf-8")
    assert kept.split("\n\n")[:3] == [
        "Homes Within Reach: Tenants' Voices from Three Countries",
        "1 Introduction",
        "We spoke with tenants' organisations in three countries about evictions and repairs.",
    ]
    assert result.draft.quotes
    for quote in result.draft.quotes:
        assert locate(kept, quote.text) is not None, quote.text


ZH = "受访者说最近的检测点在县城。我们要走三个小时才能到最近的诊所。他们说没有药。"
AR = "تحدثنا مع السكان. وصف المشاركون رحلات طويلة؟ نمشي ثلاث ساعات. ثم ذهبنا إلى المدينة."


def test_chinese_is_cut_a_character_and_a_sentence_at_a_time() -> None:
    """Chinese has no spaces: a quote inside a paragraph is found, a word is a character,
    a sentence ends at 。 and a selection is not widened to the whole paragraph."""
    quote = "我们要走三个小时才能到最近的诊所。"
    start, end = locate(ZH, quote) or (0, 0)
    assert ZH[start:end] == quote
    assert ZH[slice(*move(ZH, start, end, "start-word-later"))] == quote[1:]
    assert ZH[slice(*move(ZH, start, end, "end-word-later"))] == quote + "他"
    assert ZH[slice(*move(ZH, start, end, "end-word-earlier"))] == quote[:-1]
    assert ZH[slice(*move(ZH, start, end, "start-sentence-earlier"))] == ZH[: ZH.index("他")]
    assert ZH[slice(*move(ZH, start, end, "end-sentence-later"))] == ZH[start:]
    assert ZH[slice(*snap(ZH, start + 2, start + 4))] == "要走"


def test_an_arabic_question_mark_ends_a_sentence() -> None:
    start, end = locate(AR, "وصف المشاركون رحلات طويلة؟ نمشي ثلاث ساعات.") or (0, 0)
    assert AR[slice(*move(AR, start, end, "start-sentence-later"))] == "نمشي ثلاث ساعات."
    assert AR[slice(*move(AR, start, end, "end-sentence-earlier"))].endswith("طويلة؟")
    assert AR[slice(*move(AR, start, end, "start-word-earlier"))].startswith("السكان. وصف")

"""Briefs and letters in every script: the fixture project tests/fixtures/scripts (a
handout and a letter per language, fixture text written for the tests) built into the
cities project with the default settings: no glyph error, no font but the stacks',
PDF/UA, passages in another language tagged, logical text, right-to-left pages mirrored.

Four languages build in the default run (Arabic, Hebrew, Thai, Japanese); the other
ten in the test marked slow (pytest -m slow; about 45 s on a busy machine)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest
import yaml

from briefpress.build.builder import build
from briefpress.core.scripts import direction
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.pdf.preflight import check_screen
from briefpress.render.html import render_brief
from conftest import CITIES, REPO

SCRIPTS = REPO / "tests/fixtures/scripts/briefs"
QUICK = ("ar", "he", "th", "ja")
EVERY = ("ar", "fa", "he", "hi", "bn", "th", "lo", "my", "km", "zh", "ja", "ko", "am", "ka")
OTHERS = tuple(language for language in EVERY if language not in QUICK)
MM = 72 / 25.4


def scripts_project(root: Path, languages: tuple[str, ...]) -> list[str]:
    """The cities project with the handout and letter of each language; their ids."""
    shutil.copytree(CITIES, root, ignore=shutil.ignore_patterns("out"))
    ids = []
    for language in languages:
        for kind in ("handout", "letter"):
            shutil.copy(SCRIPTS / f"{kind}-{language}.yaml", root / "briefs")
            ids.append(f"{kind}-{language}")
    return ids


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("scripts") / "project"
    ids = scripts_project(root, QUICK)
    shutil.copy(SCRIPTS / "country-ar.yaml", root / "briefs")  # columns, grids, back page
    ids.append("country-ar")
    results = build(root, ids, write_html=True, jobs=2)
    return {r.brief.id: r for r in results}


def assert_built(results: dict[str, Any]) -> None:
    for brief_id, result in results.items():
        assert result.written, (brief_id, [str(p) for p in result.problems])
        assert not [p for p in result.problems if p.is_error], brief_id


def test_every_quick_language_builds_with_its_scripts_fonts(quick: dict[str, Any]) -> None:
    assert_built(quick)
    fonts = pikepdf.open(quick["handout-ja"].output)
    names = {str(f.get("/BaseFont")) for page in fonts.pages
             for f in page.Resources.get("/Font", {}).values()}  # fmt: skip
    assert any("CJK-JP" in n.replace(" ", "-") or "CJKjp" in n for n in names), names


def test_cjk_briefs_stay_as_small_as_latin_ones(quick: dict[str, Any]) -> None:
    """Noto CJK's glyphs are renumbered (pdf/compact.py): a one-page Japanese handout or
    letter weighs what a Latin one does, not the 200 kB of its fonts' empty glyph slots."""
    for brief_id in ("handout-ja", "letter-ja"):
        assert quick[brief_id].output.stat().st_size < 100_000, brief_id


@pytest.mark.parametrize(
    "brief_id",
    ["handout-ar", "letter-he", "handout-th", "letter-ja"],
)
def test_each_passes_pdf_ua(quick: dict[str, Any], brief_id: str) -> None:
    findings = check_screen(quick[brief_id].output.read_bytes())
    assert not findings, [str(f) for f in findings]


def test_the_document_carries_its_direction_and_english_passages_theirs(
    quick: dict[str, Any],
) -> None:
    html = quick["handout-ar"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="en" dir="ltr"' in html  # the quote printed as in the English edition
    with pikepdf.open(quick["handout-ar"].output) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        langs = {str(o.Lang) for o in pdf.objects
                 if isinstance(o, pikepdf.Dictionary) and "/S" in o and "/Lang" in o}  # fmt: skip
    assert "en" in langs


def text_boxes(path: Path) -> tuple[float, list[tuple[float, float, float, float]]]:
    """The page's width and its text rectangles (left, bottom, right, top), in points."""
    page = pypdfium2.PdfDocument(path)[0]
    text = page.get_textpage()
    return page.get_size()[0], [text.get_rect(i) for i in range(text.count_rects())]


def test_right_to_left_pages_are_mirrored(quick: dict[str, Any]) -> None:
    """Text blocks align to the right margin in Arabic and Hebrew, to the left in Japanese:
    count the lines that end at the text's right edge against those that start at its left
    edge (wherever the design puts the margins)."""
    for brief_id in ("handout-ar", "letter-he", "handout-ja"):
        _, boxes = text_boxes(quick[brief_id].output)
        start = min(left for left, _, _, _ in boxes)
        end = max(right for _, _, right, _ in boxes)
        at_right = sum(1 for left, _, right, _ in boxes if right > end - 2 * MM)
        at_left = sum(1 for left, _, right, _ in boxes if left < start + 2 * MM)
        rtl = direction(brief_id.split("-")[1]) == "rtl"
        assert (at_right > 2 * at_left) if rtl else (at_left > 2 * at_right), (
            brief_id,
            at_right,
            at_left,
        )


def phrase_edges(path: Path, page_index: int, phrase: str) -> list[tuple[float, float]]:
    """Where ``phrase`` is found on a page: each hit's left and right edges, in points."""
    pdf = pypdfium2.PdfDocument(path)
    text = pdf[page_index % len(pdf)].get_textpage()
    search = text.search(phrase)
    hits = []
    while (hit := search.get_next()) is not None:
        boxes = [text.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
        hits.append((min(b[0] for b in boxes), max(b[2] for b in boxes)))
    return hits


def test_right_to_left_grids_and_columns_run_from_the_right(quick: dict[str, Any]) -> None:
    """WeasyPrint lays grids out left to right whatever the direction: the Arabic
    handout's first point stands right of its third, the country brief's findings run
    from the right column (the magazine layout), and its back page has who made it at
    the right margin."""
    handout = quick["handout-ar"].output
    (first,) = phrase_edges(handout, 0, "ترفض")  # point 1
    (third,) = phrase_edges(handout, 0, "الموظفين")  # point 3
    assert first[0] > third[1], (first, third)
    country = quick["country-ar"].output
    one = phrase_edges(country, 0, "Respondents in Kestrel Bay")[0]  # finding 1's passage
    two = phrase_edges(country, 0, "Outreach workers reported")[0]  # finding 2's
    assert one[0] > two[1], (one, two)  # two columns: the first finding on the right
    width = pypdfium2.PdfDocument(country)[0].get_size()[0]
    org = phrase_edges(country, -1, "Lantern Harm Reduction Alliance")
    assert any(right > width - 22 * MM for _, right in org), (org, width)


def test_text_extracts_in_logical_order(quick: dict[str, Any]) -> None:
    for brief_id, phrase in (
        ("handout-ar", "النالوكسون ينقذ الأرواح عندما يكون متاحاً"),
        ("handout-ar", "لا تزال بعض الصيدليات ترفض"),  # lam-alef (pdf/ligatures.py)
        ("handout-ar", "يستطيع الأقران تدريب الموظفين."),
        ("handout-he", "נלוקסון מציל חיים כשהוא זמין"),
        ("handout-ja", "ナロキソンは手元にあれば命を救う"),
    ):
        page = pypdfium2.PdfDocument(quick[brief_id].output)[0]
        assert phrase in page.get_textpage().get_text_range(), brief_id


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def reader_texts(path: Path) -> dict[str, str]:
    """The page's text as pdfium and poppler read it: bidi controls (poppler's embeddings)
    dropped and white space joined, so that a sentence wrapped over two lines is one."""
    texts = {"pdfium": page_text(path)}
    if shutil.which("pdftotext"):
        run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        texts["poppler"] = run.stdout.decode("utf-8")
    return {name: " ".join(BIDI_CONTROLS.sub("", text).split()) for name, text in texts.items()}


def test_the_hebrew_handouts_sentences_read_in_order_in_pdfium_and_poppler(
    quick: dict[str, Any],
) -> None:
    """Each sentence of the Hebrew handout's source, its title, headline, points and ask,
    comes out of both readers as written, right to left in logical order (lines that mix
    directions do not, in either: see docs/conformance.md)."""
    spec = yaml.safe_load((SCRIPTS / "handout-he.yaml").read_text(encoding="utf-8"))
    sentences = [spec["title"], spec["headline"], *spec["points"], spec["ask"]]
    for reader, text in reader_texts(quick["handout-he"].output).items():
        assert [s for s in sentences if s not in text] == [], reader


def test_an_edition_label_follows_the_words_it_is_about(quick: dict[str, Any]) -> None:
    """In the Hebrew letter, the label of a recommendation printed as in the English
    edition, in Hebrew, reads after the English words: left of them, on their line."""
    html = quick["letter-he"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert 'peer educators.</span> <span class="edition-note">(' in html
    (words,) = phrase_edges(quick["letter-he"].output, 0, "Train pharmacy staff")
    note = phrase_edges(quick["letter-he"].output, 0, "שמופיע")[-1]  # the third
    assert note[1] < words[0], (words, note)


def test_the_letters_address_window_stays_where_the_envelope_needs_it(
    quick: dict[str, Any],
) -> None:
    """DIN 5008 B: the window is 20 mm from the sheet's left edge in a Hebrew letter too."""
    page = pypdfium2.PdfDocument(quick["letter-he"].output)[0]
    text = page.get_textpage()
    search = text.search("רחל כהן")  # in the window, and again in the salutation
    hits = []
    while (hit := search.get_next()) is not None:
        left, bottom, _, _ = text.get_charbox(hit[0])
        hits.append((left, page.get_size()[1] - bottom))
    in_window = [(x, y) for x, y in hits if 20 * MM <= x <= 110 * MM and 45 * MM <= y <= 90 * MM]
    assert in_window, hits


def test_locale_digits_and_direction_reach_the_page(quick: dict[str, Any]) -> None:
    html = quick["letter-ar"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert "<bdi>" in html  # the date, isolated from the right-to-left text around it


@pytest.mark.slow
def test_every_other_script_builds(tmp_path: Path) -> None:
    root = tmp_path / "project"
    ids = scripts_project(root, OTHERS)
    results = {r.brief.id: r for r in build(root, ids, jobs=2)}
    assert_built(results)
    for brief_id in [f"handout-{language}" for language in OTHERS]:
        findings = check_screen(results[brief_id].output.read_bytes())
        assert not findings, (brief_id, [str(f) for f in findings])
    for brief_id in ("handout-zh", "handout-ko", "letter-zh", "letter-ko"):
        assert results[brief_id].output.stat().st_size < 100_000, brief_id


def page_text(path: Path, page_index: int = 0) -> str:
    return str(pypdfium2.PdfDocument(path)[page_index].get_textpage().get_text_range())


def test_right_to_left_briefs_print_their_own_labels(quick: dict[str, Any]) -> None:
    """The theme's headings and page labels come from the language's catalog: the text
    layer of the Arabic handout and letter and the Hebrew letter has them, not English."""
    handout = page_text(quick["handout-ar"].output)
    assert "النقاط الرئيسية" in handout and "مطلبنا" in handout
    assert "Key points" not in handout and "Our ask" not in handout
    letter = page_text(quick["letter-ar"].output)
    assert "توصيات التقرير" in letter and "What the study found" not in letter
    hebrew = " ".join(page_text(quick["letter-he"].output).split())
    assert "מה מצא המחקר" in hebrew and "מתוך" in hebrew  # the page label, "Page 1 of 1"


def test_the_reports_place_words_print_in_the_briefs_language(quick: dict[str, Any]) -> None:
    """The report calls its places cities; its Arabic translations name them in Arabic, so
    the Arabic country brief's kicker and key facts say مدينة and خليج كيستريل, not "City"
    and "Kestrel Bay" (the respondents' attributions stay as the report prints them)."""
    html = quick["country-ar"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert '<dt>مدينة</dt><dd><span class="proper">خليج كيستريل</span></dd>' in html
    assert "City" not in html and "\u2068Kestrel Bay\u2069" not in html
    names_unwrapped = re.sub(r'<span class="proper">([^<]*)</span>', r"\1", html)
    assert "Respondent from Safe Return Kestrel [Kestrel Bay]" in names_unwrapped
    assert "City" not in page_text(quick["country-ar"].output)


def boxes_of(path: Path, phrase: str) -> list[tuple[float, float, float, float]]:
    """Each hit of ``phrase`` on page one: (left, bottom, right, top), in points."""
    text = pypdfium2.PdfDocument(path)[0].get_textpage()
    search = text.search(phrase)
    hits = []
    while (hit := search.get_next()) is not None:
        boxes = [text.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
        hits.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                     max(b[2] for b in boxes), max(b[3] for b in boxes)))  # fmt: skip
    return hits


def test_a_latin_name_and_a_year_keep_their_reading_order_in_arabic(
    quick: dict[str, Any],
) -> None:
    """ "(LHRA، 2024)" in the Arabic handout's foot reads publisher first, right to left:
    the publisher stands right of the year, not glued to it left to right. The letter's
    English findings stay items of its right-to-left list, their own words left to right, and
    the Arabic label after an English recommendation keeps its brackets round it."""
    handout = quick["handout-ar"].output
    (year,) = boxes_of(handout, "2024")
    same_line = [b for b in boxes_of(handout, "LHRA") if b[1] < year[3] and b[3] > year[1]]
    assert same_line and all(b[0] > year[2] for b in same_line), (year, same_line)
    html = quick["letter-ar"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert '<li><span lang="en" dir="ltr">Pharmacies' in html
    # An English recommendation's label is Arabic, right to left, inside its English line.
    country = quick["country-ar"].output.with_suffix(".html").read_text(encoding="utf-8")
    assert '<span class="edition-note" lang="ar" dir="rtl">(كما ورد' in country


def test_persian_writes_years_and_list_numbers_in_its_digits(tmp_path: Path) -> None:
    """Dates were already in Persian digits; the report's year in the source line and the
    letter's recommendation numbers now are too (rendered only: no PDF needed)."""
    root = tmp_path / "project"
    scripts_project(root, ("fa",))
    project = load_project(root, ["letter-fa"])
    html = render_brief(project.briefs["letter-fa"], project, medium("screen")).html
    assert '<span class="n">۱.</span>' in html and "۲۰۲۴" in html
    assert "2024" not in html.split("<body", 1)[1]


def test_chinese_and_japanese_labels_take_full_width_brackets(tmp_path: Path) -> None:
    """The label after an English recommendation is in the brief's language, and so are
    its brackets: （英文版原文） in Chinese, full-width in Japanese, ( ) in Korean, which
    sets its brackets as Latin text does (rendered only: no PDF needed)."""
    root = tmp_path / "project"
    scripts_project(root, ("zh", "ja", "ko"))
    project = load_project(root, ["letter-zh", "letter-ja", "letter-ko"])
    notes = {}
    for brief_id in ("letter-zh", "letter-ja", "letter-ko"):
        html = render_brief(project.briefs[brief_id], project, medium("screen")).html
        notes[brief_id] = html.split('<span class="edition-note">', 1)[1].split("</span>", 1)[0]
    assert notes["letter-zh"] == "（英文版原文）"
    assert notes["letter-ja"].startswith("（") and notes["letter-ja"].endswith("）")
    assert notes["letter-ko"].startswith("(") and notes["letter-ko"].endswith(")")

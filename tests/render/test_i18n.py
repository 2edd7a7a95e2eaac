"""Languages: complete catalogs, translated briefs, labelled translations, fonts and glyphs.

The completeness test runs the same extraction as ``make messages`` (babel.cfg) over the
templates as they are now, so a string a designer adds fails here until every shipped
catalog translates it.
"""

from __future__ import annotations

import pickle
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from pypdf import PdfReader

from briefpress.build.builder import build
from briefpress.checks.validate import validate_project
from briefpress.core import i18n
from briefpress.data.load import load_project
from briefpress.data.model import Address, LetterSpec
from briefpress.data.translations import localise
from briefpress.editions import medium
from briefpress.pdf.postcheck import pdf_facts
from briefpress.render.glyphs import printed_text
from briefpress.render.html import make_environment, render_brief
from conftest import REPO, Result, copy_shipped, run_cli

Cli = Callable[..., Result]
SHIPPED_LANGUAGES = ("en", "es", "et", "ky", "nb", "nl", "pt", "ru", "vi")
SCRIPT_LANGUAGES = (
    "ar",
    "fa",
    "ur",
    "he",
    "hi",
    "ne",
    "bn",
    "th",
    "my",
    "km",
    "zh",
    "ja",
    "ko",
    "am",
    "ka",
)
TRANSLATED_BRIEFS = {
    "costa-rica-es": "es",
    "uruguay-es": "es",
    "portugal-pt": "pt-PT",
    "netherlands-nl": "nl",
    "norway-nb": "nb",
    "kyrgyzstan-ru": "ru",
    "kyrgyzstan-ky": "ky",
    "estonia-et": "et",
    "estonia-ru": "ru",
    "vietnam-vi": "vi",
    "handout-full-decriminalisation-es": "es",
    "handout-full-decriminalisation-pt": "pt-PT",
    "handout-full-decriminalisation-ru": "ru",
    "handout-full-decriminalisation-vi": "vi",
}
# Headings each kind of translated brief prints, which must come out in its language.
KIND_PHRASES = {
    "country": ("Key findings", "In their own words", "At a glance"),
    "handout": ("Our ask",),
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


# --- catalogs ----------------------------------------------------------------------------


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg, as ``pybabel extract -F babel.cfg`` reads it."""
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        return parse(handle)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    """Every msgid in the templates and Python sources now, with where it is used."""
    method_map, options_map = _mapping()
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def read_catalog(language: str) -> Catalog:
    with i18n.catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_study_languages_have_catalogs() -> None:
    assert set(SHIPPED_LANGUAGES) <= set(i18n.catalog_languages())


def test_every_script_of_the_scripts_fixture_has_a_catalog() -> None:
    """A brief in any of these languages prints its headings and page labels in its own
    script (tests/fixtures/scripts; completeness is test_catalog_is_complete's)."""
    assert set(SCRIPT_LANGUAGES) <= set(i18n.catalog_languages())
    assert i18n.translations("ar").gettext("Key findings") == "أبرز النتائج"
    assert i18n.translations("ja").gettext("Recommendations") == "提言"


@pytest.mark.parametrize("language", SCRIPT_LANGUAGES)
def test_script_catalogs_declare_their_languages_plural_rule(language: str) -> None:
    """Six forms in Arabic, three in Hebrew, one in Chinese...: CLDR's, through Babel, so
    a plural message added to the theme gets the right number of translations."""
    catalog = read_catalog(language)
    assert "Plural-Forms" in dict(catalog.mime_headers)
    assert catalog.num_plurals == get_plural(language).num_plurals


def test_extraction_finds_the_templates_and_python(extracted: dict[str, list[str]]) -> None:
    where = " ".join(w for places in extracted.values() for w in places)
    assert "templates/base.html.j2" in where
    assert i18n.TRANSLATED_LABEL in extracted and i18n.CLOSING in extracted
    assert "Page {page} of {pages}" in extracted or any("{page}" in m for m in extracted)


@pytest.mark.parametrize("language", i18n.catalog_languages())
def test_catalog_is_complete(language: str, extracted: dict[str, list[str]]) -> None:
    catalog = read_catalog(language)
    problems = []
    for msgid, places in sorted(extracted.items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r} ({places[0]}); run make messages")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {msgid!r} ({places[0]})")
        elif message.fuzzy:
            problems.append(f"fuzzy (unchecked): {msgid!r}")
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(strings[0])):
            problems.append(f"placeholders differ: {msgid!r} -> {strings[0]!r}")
    assert not problems, f"{language}: " + "\n".join(problems)


@pytest.mark.parametrize("language", i18n.catalog_languages())
def test_catalog_compiles_and_translates(language: str) -> None:
    translations = i18n.translations(language)
    if language != "en":
        assert translations.gettext("Key findings") != "Key findings"
    assert translations.gettext("no such message") == "no such message"


def test_a_region_falls_back_to_its_language_catalog() -> None:
    assert i18n.catalog_for("pt-PT") == "pt"
    assert i18n.catalog_for("en-GB") == "en"
    assert i18n.catalog_for("uz") is None
    # Simplified Chinese serves zh and zh-CN, not a reader of Traditional characters.
    assert i18n.catalog_for("zh-CN") == "zh" and i18n.catalog_for("zh-Hans") == "zh"
    assert i18n.catalog_for("zh-TW") is None and i18n.catalog_for("zh-Hant") is None


def test_right_to_left_catalogs_isolate_what_they_insert() -> None:
    """A Latin publisher and a year in an Arabic sentence keep their reading order:
    each inserted value sits between FSI and PDI (in text, attributes and e-mails)."""
    source = "Source: %(publisher)s (%(year)s), %(title)s"
    arabic = i18n.translations("ar").gettext(source) % {
        "publisher": "LHRA", "year": "2024", "title": "T"
    }  # fmt: skip
    assert arabic == "المصدر: \u2068LHRA\u2069 (\u20682024\u2069)، \u2068T\u2069"
    assert "\u2068" not in i18n.translations("ru").gettext(source)
    assert i18n.translations("he").gettext("Page {page} of {pages}").format(page=1, pages=2) == (
        "עמוד \u20681\u2069 מתוך \u20682\u2069"
    )


# --- local formats and marked text -----------------------------------------------------


def test_dates_numbers_and_quotation_marks_follow_the_language() -> None:
    import datetime as dt

    day = dt.date(2026, 11, 24)
    assert i18n.Language("en").date(day) == "24 November 2026"
    assert i18n.Language("es").date(day) == "24 de noviembre de 2026"
    assert "ноября" in i18n.Language("ru").date(day)
    assert "tháng 11" in i18n.Language("vi").date(day)
    assert i18n.Language("es").number(12345.5) == "12.345,5"
    assert i18n.Language("fa").digits(2024) == "۲۰۲۴"  # a year: no grouping
    assert i18n.Language("ru").quote("да") == "«да»"
    assert i18n.Language("pt-PT").quote("sim") == "«sim»"
    assert i18n.Language("vi").quote("có") == "“có”"
    assert "quotes:" in i18n.Language("es").quotes_css()


def test_english_quoted_in_a_right_to_left_brief_keeps_its_own_marks() -> None:
    """Marks printed inside a left-to-right run (a passage, a quote's paragraphs) face
    that run's way: English in an Arabic brief takes “ ”, Arabic words take Arabic's."""
    arabic = i18n.Language("ar")
    assert arabic.quote(i18n.LocalText("Kits run out.", "en", False)) == "“Kits run out.”"
    assert arabic.quote("نفدت") == "”نفدت“"
    assert arabic.quote("A letter about Arcadia") == "“A letter about Arcadia”"  # e-mail text
    assert i18n.Language("en").quote("رسالة") == "“رسالة”"
    assert i18n.Language("es").quote(i18n.LocalText("Kits", "en", False)) == "«Kits»"
    assert '[lang="en"] { quotes: "“" "”"' in arabic.quotes_css()
    assert "[lang=" not in i18n.Language("es").quotes_css()


def test_local_text_survives_the_trip_to_a_worker_process() -> None:
    text = i18n.LocalText("hola", "es", True)
    copy = pickle.loads(pickle.dumps(text))
    assert (copy, copy.lang, copy.translated) == ("hola", "es", True)


def test_edition_labels() -> None:
    spanish = i18n.Language("es")
    assert spanish.edition_note(i18n.LocalText("hola", "es", True)) == (
        "traducción de la edición en inglés"
    )
    assert spanish.edition_note(i18n.LocalText("hello", "en", False)) == (
        "tal como aparece en la edición en inglés"
    )
    assert spanish.lang_attr(i18n.LocalText("hello", "en", False)) == ' lang="en"'
    assert spanish.lang_attr("nuestro texto") == ""
    assert i18n.Language("en").edition_note("hello") == ""


# --- content translations --------------------------------------------------------------

ES_TRANSLATIONS = """\
countries:
  arcadia:
    name: "Arcadia"
    summary: "Arcadia eliminó todas las sanciones por posesión."
quotes:
  q41-01:
    text: "Los agentes de policía ya no son tan agresivos ni tan duros como antes."
"""


def add_translations(project: Path, language: str, text: str) -> Path:
    folder = project / "reports/mini-report/translations"
    folder.mkdir(exist_ok=True)
    path = folder / f"{language}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def set_language(project: Path, brief: str, language: str, extra: str = "") -> None:
    path = project / "briefs" / f"{brief}.yaml"
    path.write_text(path.read_text() + f"language: {language}\n{extra}", encoding="utf-8")


def test_translations_apply_and_stay_marked(project: Path) -> None:
    add_translations(project, "es", ES_TRANSLATIONS)
    loaded = load_project(project)
    assert not [p for p in validate_project(loaded) if p.is_error]
    data = localise(loaded.reports["mini-report"], "es")
    quote = data.quotes["q41-01"]
    assert quote.text.startswith("Los agentes") and quote.text.translated
    assert quote.attribution.lang == "en" and not quote.attribution.translated
    assert data.countries["arcadia"].summary.lang == "es"
    assert localise(loaded.reports["mini-report"], "en").quotes["q41-01"].text.startswith("Police")


def test_translation_mistakes_point_at_the_line(project: Path, cli: Cli) -> None:
    add_translations(
        project,
        "es",
        "countries:\n  arcadia:\n    summmary: x\n  arcadiaa: {name: x}\n"
        "quotes:\n  q41-01: {country: x}\nthemes:\n  fines: {name: ''}\n",
    )
    result = cli("check")
    assert result.code == 1
    file = "reports/mini-report/translations/es.yaml"
    assert f"{file}:3:5: error: countries has no translatable field 'summmary'" in result.err
    assert "did you mean 'summary'?" in result.err
    assert f"{file}:4:3: error: unknown countries id 'arcadiaa'" in result.err
    assert "quotes has no translatable field 'country'" in result.err
    assert f"{file}:8:" in result.err


def test_check_lists_missing_translations_and_strict_fails(project: Path, cli: Cli) -> None:
    set_language(project, "arcadia", "es")
    add_translations(project, "es", "countries:\n  arcadia:\n    name: Arcadia\n")
    result = cli("check")
    assert result.code == 0, result.output
    assert "warning: no es translation of countries[arcadia].summary" in result.err
    assert "shown in English in arcadia" in result.err
    assert "countries[arcadia].name" not in result.err
    assert cli("check", "--strict").code == 1


def test_stigmatising_terms_are_checked_in_other_languages(project: Path, cli: Cli) -> None:
    (project / "briefpress.yaml").write_text("packs: [drug-policy]\n", encoding="utf-8")
    add_translations(
        project,
        "ru",
        'countries:\n  arcadia:\n    summary: "Наркоманы больше не получают штрафов."\n'
        'quotes:\n  q41-01:\n    text: "Наркоманы, полиция, всё как раньше."\n',
    )
    result = cli("check")
    assert "translations/ru.yaml:3:14: warning: stigmatising term 'наркоманы'" in result.err
    assert "countries[arcadia].summary" in result.err
    assert "quotes[q41-01]" not in result.err  # a translated quote stays true to its words


def test_a_language_without_a_catalog_warns_and_a_bad_tag_fails(project: Path, cli: Cli) -> None:
    set_language(project, "arcadia", "uz")
    result = cli("check")
    assert "no interface translation for 'uz'" in result.err
    set_language(project, "fines", "pt_PT")
    result = cli("check")
    assert result.code == 1
    assert "unknown language 'pt_PT'" in result.err and "pt-PT" in result.err


# --- rendering ---------------------------------------------------------------------------


def test_one_environment_renders_briefs_in_several_languages(project: Path) -> None:
    set_language(project, "arcadia", "ru")
    loaded = load_project(project)
    env = make_environment(project)  # an English environment, as watchers keep one
    russian = render_brief(loaded.briefs["arcadia"], loaded, medium("screen"), env).html
    english = render_brief(loaded.briefs["fines"], loaded, medium("screen"), env).html
    assert '<html lang="ru" dir="ltr">' in russian and "Коротко" in russian
    assert '<html lang="en" dir="ltr">' in english and "Key findings" in english
    assert 'quotes: "«" "»"' in russian


def test_a_letter_closes_in_its_language(project: Path) -> None:
    loaded = load_project(project)
    brief = loaded.briefs["arcadia"]
    letter = LetterSpec(
        subject="Тема",
        body=["Текст письма."],
        recipient=Address(name="Имя"),
        signature=Address(name="Подпись"),
    )
    brief = replace(brief, kind="letter", language="ru", letter=letter)
    html = render_brief(brief, loaded, medium("screen")).html
    assert "С уважением," in html and "Yours sincerely" not in html
    assert "Уважаемый(-ая) <bdi>Имя</bdi>!" in html  # the name isolated from the text


def test_a_translated_quote_is_labelled_as_a_translation(project: Path, cli: Cli) -> None:
    set_language(project, "arcadia", "es")
    add_translations(project, "es", ES_TRANSLATIONS)
    assert cli("build", "arcadia", "--html").code == 0
    html = (project / "out/arcadia.html").read_text(encoding="utf-8")
    quote = html.split('id="quote-q41-01"', 1)[1].split("</figure>", 1)[0]
    assert "Los agentes de policía" in quote
    # Labelled once for the whole brief, on its cover, not after each quote.
    assert "traducción de la edición en inglés" not in quote
    credit = "Pasajes del informe traducidos para este documento"
    assert html.count(credit) == 1
    text = " ".join(text_of(project / "out/arcadia.pdf").split())
    assert credit in text


def test_an_english_quote_in_another_language_is_marked_english(project: Path, cli: Cli) -> None:
    set_language(project, "fines", "es")
    assert cli("build", "fines", "--html").code == 0
    html = (project / "out/fines.html").read_text(encoding="utf-8")
    quote = html.split('id="quote-q41-02"', 1)[1].split("</figure>", 1)[0]
    assert 'lang="en"' in quote
    assert "tal como aparece en la edición en inglés" in quote


# --- glyphs ------------------------------------------------------------------------------


def test_a_character_missing_from_the_fonts_fails_the_build(project: Path, cli: Cli) -> None:
    path = project / "briefs/arcadia.yaml"
    path.write_text(path.read_text().replace("no sanctions", "no sanctions 𝔄"), encoding="utf-8")
    result = cli("build", "arcadia")
    assert result.code == 1
    assert "briefs/arcadia.yaml:3" in result.err
    assert "character '𝔄' (U+1D504" in result.err and "title of brief 'arcadia'" in result.err
    assert "has no glyph in Noto" in result.err
    assert not (project / "out/arcadia.pdf").exists()


def test_a_missing_glyph_in_a_translation_names_the_translation(project: Path, cli: Cli) -> None:
    set_language(project, "arcadia", "es")
    add_translations(project, "es", 'countries:\n  arcadia:\n    summary: "Arcadia 𝔄"\n')
    result = cli("build", "arcadia")
    assert result.code == 1
    assert "reports/mini-report/translations/es.yaml:3" in result.err
    assert "U+1D504" in result.err and "countries[arcadia].summary" in result.err


def test_text_in_another_script_prints_in_that_scripts_font(project: Path, cli: Cli) -> None:
    """An Arabic and a Chinese name in an English brief: no glyph error, and the PDF
    embeds the script fonts of the stack, never an unchosen fallback."""
    path = project / "briefs/arcadia.yaml"
    path.write_text(
        path.read_text().replace("no sanctions", "no sanctions (عمّان, 北京)"), encoding="utf-8"
    )
    result = cli("build", "arcadia")
    assert result.code == 0, result.err
    fonts = pdf_facts((project / "out/arcadia.pdf").read_bytes()).fonts
    assert any(f.startswith("Noto-Sans-Arabic") or "Naskh" in f for f in fonts), fonts
    assert any("CJK" in f for f in fonts), fonts


def test_printed_text_skips_what_is_not_drawn() -> None:
    html = (
        "<html><head><title>𝔄</title><style>p::before{content:'𝔄'}</style></head>"
        '<body data-page-a="Página "><p>uno</p><svg><title>alt</title><text>dos</text></svg>'
        "</body></html>"
    )
    assert printed_text(html) == ["Página ", "uno", "dos"]


# --- the shipped translated briefs ----------------------------------------------------------


def text_of(path: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def nfc(text: str) -> str:
    """Vietnamese letters come out of a PDF composed or not: compare them composed."""
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The translated briefs of the shipped project, built once for the tests below."""
    root = copy_shipped(tmp_path_factory.mktemp("translated"))
    results = build(root, list(TRANSLATED_BRIEFS), write_html=True, jobs=2)
    return {"root": root, "results": {r.brief.id: r for r in results}}


def english_phrases(language: str) -> list[str]:
    """Interface phrases of two words or more, as English prints them, that the
    language's own catalog does not also use (a shared word is not English text)."""
    own = read_catalog(i18n.catalog_for(language) or language)
    phrases = []
    for message in read_catalog("en"):
        if not message.id or not isinstance(message.id, str):
            continue
        translated = own.get(message.id)
        for fragment in PLACEHOLDER.split(message.string or message.id):
            fragment = fragment.strip(" .,:;()“”’")
            if len(fragment.split()) >= 2 and translated and fragment not in translated.string:
                phrases.append(fragment)
    return phrases


def our_text(html: str, data: Any) -> str:
    """The brief's printed text without the report's English words, which may stay."""
    english = set()
    for kind in ("quotes", "findings", "recommendations", "models", "literature"):
        for record in data.collection(kind).values():
            for name in ("text", "attribution", "implementation", "examples", "parts"):
                value = getattr(record, name, None)
                if isinstance(value, str):
                    english.add(value)
                elif isinstance(value, list):
                    english.update(getattr(v, "text", v) for v in value)
    english |= {data.report.title, data.report.position.baseline, data.report.position.goal}
    kept = []
    for text in printed_text(html):
        bare = text.strip().strip("“”«»„‘’ ")
        if not any(bare and bare in passage for passage in english):
            kept.append(text)
    return " ".join(" ".join(kept).split())


@pytest.mark.parametrize("brief_id", sorted(TRANSLATED_BRIEFS))
def test_translated_brief_builds_in_its_language(shipped: dict[str, Any], brief_id: str) -> None:
    result = shipped["results"][brief_id]
    assert not result.failed(strict=True), [str(p) for p in result.problems]
    language = TRANSLATED_BRIEFS[brief_id]
    with pikepdf.open(result.output) as pdf:
        assert str(pdf.Root.Lang) == language
        fonts = {
            str(d.BaseFont).split("+")[-1]
            for page in pdf.pages
            for font in page.Resources.Font.values()
            for d in font.get("/DescendantFonts", [font])
        }
    assert fonts and all(f.startswith("Noto") for f in fonts), fonts
    pdf_text = nfc(" ".join(text_of(result.output).split())).casefold()
    translations = i18n.translations(language)
    for phrase in KIND_PHRASES[result.brief.kind]:
        words = nfc(translations.gettext(phrase)).casefold()
        assert words in pdf_text, (phrase, words)
    assert "page 1 of" not in pdf_text
    if result.brief.kind == "handout":  # one page: no page label (handout.html.j2)
        return
    # The page label in the language's own word order, whichever number comes first.
    pages = len(PdfReader(result.output).pages)
    label = translations.gettext("Page {page} of {pages}").format(page=1, pages=pages)
    assert nfc(label).casefold() in pdf_text, label


@pytest.mark.parametrize("brief_id", sorted(TRANSLATED_BRIEFS))
def test_translated_brief_has_no_english_interface_text(
    shipped: dict[str, Any], brief_id: str
) -> None:
    root = shipped["root"]
    html = (root / "out" / f"{brief_id}.html").read_text(encoding="utf-8")
    project = load_project(root, [brief_id])
    text = our_text(html, project.reports["inpud-2021-decriminalisation"])
    leftovers = [p for p in english_phrases(TRANSLATED_BRIEFS[brief_id]) if p in text]
    assert not leftovers, leftovers


# The study countries' briefs in their own languages, and the translated handouts,
# translate everything they print from the report (quotes, passages, recommendations,
# attributions), labelled as such.
FULLY_TRANSLATED = (
    "estonia-et",
    "estonia-ru",
    "kyrgyzstan-ky",
    "kyrgyzstan-ru",
    "vietnam-vi",
    "handout-full-decriminalisation-es",
    "handout-full-decriminalisation-pt",
    "handout-full-decriminalisation-ru",
    "handout-full-decriminalisation-vi",
)


@pytest.mark.parametrize("brief_id", FULLY_TRANSLATED)
def test_study_country_briefs_print_the_report_in_their_language(
    shipped: dict[str, Any], brief_id: str
) -> None:
    html = (shipped["root"] / "out" / f"{brief_id}.html").read_text(encoding="utf-8")
    assert 'lang="en"' not in html
    label = i18n.translations(TRANSLATED_BRIEFS[brief_id]).gettext(i18n.TRANSLATED_LABEL)
    quotes = html.split('<figure class="quote')[1:]
    assert quotes
    # Labelled once for the whole brief, not after each of its quotes and passages.
    assert html.count('class="translation-credit"') == 1
    assert label not in html


def test_shipped_translations_are_complete() -> None:
    result = run_cli(["-C", str(REPO), "check"])
    assert result.code == 0, result.err
    assert " translation of " not in result.err

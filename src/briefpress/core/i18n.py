"""Languages: interface catalogs, local formats, and the marking of translated words.

A brief's ``language`` (a BCP 47 tag such as ``es`` or ``pt-PT``) picks the
gettext catalog for every word the templates print, the quotation marks, and
Babel's date and number formats; the same tag becomes ``<html lang>`` and so
the PDF's ``/Lang`` and WeasyPrint's hyphenation dictionary.

Catalogs are the ``.po`` files in ``locale/<lang>/LC_MESSAGES/briefpress.po``,
compiled in memory when first used: there is no ``.mo`` build step to forget,
and a translator's edit shows in the next build. Fuzzy entries are left out,
so a guess never reaches print: its English msgid shows until someone checks it.

Report text is written in the report's language (English). Text that reaches a
brief in another language is a :class:`LocalText` that knows whether it is a
translation, so templates can set ``lang`` on it and label a translated quote
as a translation rather than pass it off as the respondent's own words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import babel
import babel.dates
import babel.numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from markupsafe import Markup

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.scripts import direction, script_of

DOMAIN = "briefpress"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
# The language of briefpress's own words (the catalogs' msgids), and of a report's data
# unless its report.yaml says otherwise (``language:``).
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for extraction (``make messages``) without translating it yet."""
    return message


# Labels printed beside report words that a brief shows in a language other than its own,
# and the translation notice: naming the English edition for a report in English, else
# "the original edition" (the report's own language, whichever it is).
TRANSLATED_LABEL = N_("translated from the English edition")
ORIGINAL_LABEL = N_("as printed in the English edition")
ORIGINAL_HEADING = N_("In the English edition:")
CREDIT_DEFAULT = N_(
    "Report passages translated for this brief; the English edition is the authoritative text."
)
CREDIT_BY = N_("Translated from English by %(by)s. The English edition is the authoritative text.")
OTHER_SOURCE = {
    TRANSLATED_LABEL: N_("translated from the original edition"),
    ORIGINAL_LABEL: N_("as printed in the original edition"),
    ORIGINAL_HEADING: N_("In the original edition:"),
    CREDIT_DEFAULT: N_(
        "Report passages translated for this brief; the original edition is the authoritative text."
    ),
    CREDIT_BY: N_("Translated by %(by)s. The original edition is the authoritative text."),
}
# Translators: the brackets round a label such as "as printed in the English edition".
# Chinese and Japanese use full-width ones: （%(label)s）.
LABEL_BRACKETS = N_("(%(label)s)")
CLOSING = N_("Yours sincerely,")

# Quotation marks (outer, inner) from CLDR's delimiters. Babel does not expose them,
# and WeasyPrint's own table misses Spanish and European Portuguese, so the brief
# sets CSS ``quotes`` from here: text quoted by a template and ``open-quote`` agree.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "es": ("«", "»", "“", "”"),
    "pt": ("«", "»", "“", "”"),  # European usage; Brazil prints “…”
    "pt-BR": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "ky": ("«", "»", "„", "“"),
    "vi": ("“", "”", "‘", "’"),
    "nl": ("‘", "’", "“", "”"),
    "nb": ("«", "»", "‘", "’"),
    "nn": ("«", "»", "‘", "’"),
    "no": ("«", "»", "‘", "’"),
    "et": ("„", "“", "«", "»"),
    "de": ("„", "“", "‚", "‘"),
    "fr": ("«\u202f", "\u202f»", "“", "”"),
    # Right to left: CLDR's marks in logical order (Arabic opens with ”, since these
    # quotation marks are not mirrored in right-to-left text).
    "ar": ("”", "“", "’", "‘"),
    "ur": ("”", "“", "’", "‘"),
    "fa": ("«", "»", "‹", "›"),
    "he": ("”", "”", "’", "’"),
    "ja": ("「", "」", "『", "』"),
    "zh": ("“", "”", "‘", "’"),
    "zh-Hant": ("「", "」", "『", "』"),
    "zh-TW": ("「", "」", "『", "』"),
    "zh-HK": ("「", "」", "『", "』"),
    "ko": ("“", "”", "‘", "’"),
    "th": ("“", "”", "‘", "’"),
    "hi": ("“", "”", "‘", "’"),
    "bn": ("“", "”", "‘", "’"),
    "ne": ("“", "”", "‘", "’"),
    "my": ("“", "”", "‘", "’"),
    "km": ("“", "”", "‘", "’"),
    "am": ("«", "»", "‹", "›"),
    "ka": ("„", "“", "«", "»"),
    "el": ("«", "»", "“", "”"),
}
DEFAULT_QUOTES = QUOTES["en"]

# The digits of CLDR's numbering systems that a locale may use by default (Babel formats
# with the separators of the locale's system but always writes 0-9).
DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "beng": "০১২৩৪৫৬৭৮৯",
    "deva": "०१२३४५६७८९",
    "mymr": "၀၁၂၃၄၅၆၇၈၉",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
    "khmr": "០១២៣៤៥៦៧៨៩",
    "laoo": "໐໑໒໓໔໕໖໗໘໙",
    "tibt": "༠༡༢༣༤༥༦༧༨༩",
}

# CSS counter styles with the same digits, for page numbers.
COUNTER_STYLES = {
    "arab": "arabic-indic",
    "arabext": "persian",
    "beng": "bengali",
    "deva": "devanagari",
    "mymr": "myanmar",
    "thai": "thai",
    "khmr": "khmer",
    "laoo": "lao",
    "tibt": "tibetan",
}

# Formats for a bare language follow the report and its publisher (British English),
# not CLDR's default region (the United States); ``en-US`` still gets US dates.
FORMAT_LOCALE = {"en": "en_GB"}


def parse_locale(tag: str) -> babel.Locale | None:
    """Babel's locale for a BCP 47 tag (``pt-PT``), or None for a tag it does not know."""
    if not tag or "_" in tag:
        return None
    try:
        return babel.Locale.parse(tag, sep="-")
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return None


def base_language(tag: str) -> str:
    """``pt`` for ``pt-PT``: catalogs and content translations fall back to it."""
    return tag.split("-", 1)[0].lower()


SHIPPED = (LOCALE_DIR,)
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"  # every interface string, for a new catalog


def catalog_dirs(project_root: Path | None = None) -> tuple[Path, ...]:
    """Where catalogs are looked up: the project's ``locale/`` first, then the shipped ones,
    so a project can add or correct an interface language without touching the package."""
    if project_root is None:
        return SHIPPED
    return (project_root / "locale", LOCALE_DIR)


def catalog_path(language: str, dirs: tuple[Path, ...] = SHIPPED) -> Path:
    """The catalog file of ``language``: the first folder of ``dirs`` that has one."""
    for folder in dirs:
        path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return dirs[-1] / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(dirs: tuple[Path, ...] = SHIPPED) -> tuple[str, ...]:
    """The languages with an interface catalog, as folder names (``pt``, ``pt_BR``)."""
    found = set()
    for folder in dirs:  # os.scandir: this runs for every brief and letter rendered
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            catalog = os.path.join("LC_MESSAGES", f"{DOMAIN}.po")
            found |= {e.name for e in entries if os.path.isfile(os.path.join(e.path, catalog))}
    return tuple(sorted(found))


def catalog_for(tag: str, dirs: tuple[Path, ...] = SHIPPED) -> str | None:
    """The catalog a tag uses: its own (``pt_BR``), else its language's (``pt``) when
    written in the same script, else none: ``zh-TW`` (Traditional characters) does not
    fall back to the Simplified ``zh`` catalog, nor ``sr-Latn`` to a Cyrillic ``sr``."""
    known = catalog_languages(dirs)
    own = tag.replace("-", "_")
    if own in known:
        return own
    base = base_language(tag)
    if base in known and script_of(tag) == script_of(base):
        return base
    return None


def _compile(path: Path, language: str) -> gettext.GNUTranslations:
    """A catalog compiled in memory; a broken .po file is a user-facing error."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language.replace("-", "_"), abort_invalid=True)
    except (PoFileError, ValueError, babel.UnknownLocaleError) as exc:
        raise BriefpressError([Problem(Location(str(path)), f"broken catalog: {exc}")]) from None
    if direction(language.replace("_", "-")) == "rtl":
        isolate_placeholders(catalog)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# A value put into a right-to-left sentence (a title, a publisher, a year, a name) is
# isolated from the words around it, FSI ... PDI: "(LHRA، 2024)" then keeps the
# publisher first in reading order instead of letting the bidi algorithm glue the
# Latin name to the number. Characters rather than <bdi>, since the same strings fill
# attributes, CSS content and plain-text e-mails.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")
FSI, PDI = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """``text`` with each of its placeholders between Unicode isolates."""
    return PLACEHOLDER.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", text)


def isolate_placeholders(catalog: Catalog) -> None:
    """Isolate the placeholders of every translation in a right-to-left catalog."""
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.string, str):
            message.string = isolate(message.string)
        else:  # plural forms
            message.string = tuple(isolate(s) for s in message.string)


def catalog_stamp(tag: str, dirs: tuple[Path, ...] = SHIPPED) -> tuple[str, int] | None:
    """Which catalog file a tag uses and its version (mtime): caches keyed on it see a
    catalog added to, or edited in, a project's locale/ folder."""
    language = catalog_for(tag, dirs)
    if language is None:
        return None
    path = catalog_path(language, dirs)
    return str(path), path.stat().st_mtime_ns


def translations(tag: str, dirs: tuple[Path, ...] = SHIPPED) -> gettext.NullTranslations:
    """The interface catalog for a brief language; English msgids when there is none."""
    language = catalog_for(tag, dirs)
    if language is None:
        return gettext.NullTranslations()
    path = catalog_path(language, dirs)
    return _compiled(path, language, path.stat().st_mtime_ns)


@cache
def _compiled(path: Path, language: str, stamp: int) -> gettext.GNUTranslations:
    """One compiled catalog per file version: an edited project catalog is read again."""
    return _compile(path, language)


class LocalText(str):
    """Report text as a brief shows it: ``lang`` is the language of these words, and
    ``translated`` says they are a translation rather than the report's own words;
    ``original`` is then the English they translate (a bilingual brief prints it too)."""

    lang: str
    translated: bool
    original: str | None

    def __new__(
        cls, value: str, lang: str, translated: bool, original: str | None = None
    ) -> LocalText:
        text = super().__new__(cls, value)
        text.lang = lang
        text.translated = translated
        text.original = original if translated else None
        return text

    def __getnewargs__(self) -> tuple[str, str, bool, str | None]:  # type: ignore[override]
        """Rendered briefs travel to PDF worker processes by pickle."""
        return str(self), self.lang, self.translated, self.original


@dataclass(frozen=True)
class Language:
    """One brief language: its catalog, marks and formats, as template helpers use them."""

    tag: str
    dirs: tuple[Path, ...] = SHIPPED  # catalog folders, the project's first
    source: str = SOURCE_LANGUAGE  # the language of the report's data (report.yaml)

    @property
    def base(self) -> str:
        return base_language(self.tag)

    @property
    def is_source(self) -> bool:
        """Whether briefs in this language show the report's own words, untranslated."""
        return self.base == base_language(self.source)

    def report_label(self, message: str) -> str:
        """One of the labels about the report's edition, in this language: the English
        edition's wording for a report in English, the original edition's otherwise."""
        return self.gettext(self.report_message(message))

    def report_message(self, message: str) -> str:
        """The catalog message of :meth:`report_label`."""
        english = base_language(self.source) == SOURCE_LANGUAGE
        return message if english else OTHER_SOURCE[message]

    @cached_property
    def catalog(self) -> gettext.NullTranslations:
        """Looked up once: a Language lives for one render (or one cached environment,
        renewed when its catalog file changes), so it sees one version of its catalog."""
        return translations(self.tag, self.dirs)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    @property
    def quotes(self) -> tuple[str, str, str, str]:
        return QUOTES.get(self.tag) or QUOTES.get(self.base) or DEFAULT_QUOTES

    def quote(self, text: str, inner: bool = False) -> str:
        """``text`` between this language's quotation marks (outer, or inner ones)."""
        marks = self.quotes
        if isinstance(text, LocalText) and direction(text.lang) != self.direction:
            # English quoted in an Arabic brief: the marks are printed inside its
            # left-to-right run, at its true start and end, so they are its own.
            marks = QUOTES.get(text.lang) or QUOTES.get(base_language(text.lang)) or marks
        elif self.direction == "rtl" and first_strong(text) == "ltr":
            # An English title put into an Arabic e-mail is isolated with its marks:
            # they face its way, the report language's (“ ” for English).
            source = base_language(self.source)
            own = QUOTES.get(self.source) or QUOTES.get(source) or DEFAULT_QUOTES
            marks = own if direction(source) == "ltr" else DEFAULT_QUOTES
        start, end = marks[2:] if inner else marks[:2]
        return f"{start}{text}{end}"

    def quotes_css(self) -> str:
        """A CSS ``quotes`` rule, so ``open-quote`` in the theme prints the same marks.

        In a right-to-left brief, a quote left in the report's left-to-right language is a
        left-to-right block whose marks sit inside it: it keeps its own language's marks
        (as printed in that edition), not right-to-left ones that would face the wrong way."""
        rule = f":root {{ quotes: {self._marks(self.quotes)}; }}"
        source = base_language(self.source)
        if self.direction == "rtl" and direction(source) == "ltr":
            own = QUOTES.get(self.source) or QUOTES.get(source) or DEFAULT_QUOTES
            rule += f' [lang="{self.source}"] {{ quotes: {self._marks(own)}; }}'
        return rule

    @staticmethod
    def _marks(quotes: tuple[str, ...]) -> str:
        return " ".join(f'"{m}"' for m in quotes)

    @property
    def format_locale(self) -> str:
        return FORMAT_LOCALE.get(self.tag, self.tag.replace("-", "_"))

    @cached_property
    def numbering(self) -> str:
        """CLDR's default numbering system of the locale: ``arabext`` for Persian, ``latn``
        for most (and for a locale Babel does not know)."""
        try:
            locale = babel.Locale.parse(self.format_locale)
        except (ValueError, TypeError, babel.UnknownLocaleError):
            return "latn"
        return str(locale.default_numbering_system)

    @property
    def counter_style(self) -> str:
        """The CSS counter style that writes page numbers in the locale's digits."""
        return COUNTER_STYLES.get(self.numbering, "decimal")

    def digits(self, value: object) -> str:
        """``value`` as text with 0-9 written in the locale's own digits (۱۲ for Persian);
        for a year or a section number, which take no digit grouping."""
        text = str(value)
        own = DIGITS.get(self.numbering)
        return text.translate(str.maketrans("0123456789", own)) if own else text

    def date(self, value: dt.date | str, form: str = "long") -> str:
        """A date as readers of this language write it ("24 de noviembre de 2026")."""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return self.digits(babel.dates.format_date(value, form, locale=self.format_locale))

    def number(self, value: float | int, decimals: int | None = None) -> str:
        """A number with this language's digit grouping, decimal sign and digits."""
        system = "default"
        if decimals is None:
            text = babel.numbers.format_decimal(
                value, locale=self.format_locale, numbering_system=system
            )
        else:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            text = babel.numbers.format_decimal(
                value, pattern, locale=self.format_locale, numbering_system=system
            )
        return self.digits(text)

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``: the brief's ``<html dir>``, from CLDR (core/scripts.py)."""
        return direction(self.tag)

    def text_lang(self, value: Any) -> str:
        """The language of a printed value: report text knows it, anything else is ours."""
        return value.lang if isinstance(value, LocalText) else self.tag

    def lang_attr(self, value: Any) -> Markup:
        """`` lang="en"`` for report words left in English in another language's brief, so
        hyphenation and screen readers treat them as English, with `` dir="ltr"`` when
        their direction differs (English in an Arabic brief); empty otherwise."""
        return self._attr_for(self.text_lang(value))

    def _attr_for(self, lang: str) -> Markup:
        if lang == self.tag:
            return Markup("")
        way = direction(lang)
        if way != self.direction:
            return Markup(' lang="{}" dir="{}"').format(lang, way)
        return Markup(' lang="{}"').format(lang)

    def edition_note(self, value: Any) -> str:
        """The label a report passage needs in this brief: a translation says so, the
        report's own words in another language's brief say where they come from."""
        message = self._edition_message(value)
        return self.gettext(message) if message else ""

    def edition_note_lang(self, value: Any) -> str:
        """The language that label is printed in: English where this language's catalog
        has no translation of it, the brief's own otherwise ("" for no label). A template
        keeps a label in the passage's language inside the passage, so that in a
        right-to-left brief "(as printed in the English edition)" follows the English
        words it is about, and marks one in another language with :meth:`tag_attr`."""
        message = self._edition_message(value)
        if not message:
            return ""
        return SOURCE_LANGUAGE if self.gettext(message) == message else self.tag

    def label_brackets(self, label: str) -> str:
        """``label`` between this language's brackets, from its catalog: （英文版原文） in
        Chinese. The label is in this language, so it needs no isolation from them."""
        pattern = self.gettext(LABEL_BRACKETS).replace(f"{FSI}%(label)s{PDI}", "%(label)s")
        return pattern % {"label": label}

    def tag_attr(self, lang: str) -> Markup:
        """`` lang="…"`` (and ``dir``) for words in the language ``lang`` in this brief."""
        return self._attr_for(lang or self.tag)

    def _edition_message(self, value: Any) -> str:
        """The catalog message of :meth:`edition_note`'s label, or "" for none."""
        if isinstance(value, LocalText) and value.translated:
            label = TRANSLATED_LABEL
        elif not self.is_source and self.text_lang(value) != self.tag:
            label = ORIGINAL_LABEL
        else:
            return ""
        return self.report_message(label)


def first_strong(text: str) -> str | None:
    """``ltr`` or ``rtl``: the direction of the first letter of ``text`` that has one
    (Unicode's rule for an isolate's direction), None when it has none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def is_translated(value: Any) -> bool:
    """Jinja test ``value is translated``: safe on any value, unlike ``value.translated``."""
    return isinstance(value, LocalText) and value.translated


def install(env: Any, tag: str, dirs: tuple[Path, ...] = SHIPPED) -> None:
    """Give a Jinja environment the catalog and helpers of one language."""
    language = Language(tag, dirs)
    env.install_gettext_translations(translations(tag, dirs), newstyle=True)
    env.globals.update(
        catalog_language=tag,
        format_date=language.date,
        format_number=language.number,
        quote_marks=language.quote,
        text_lang=language.text_lang,
        lang_attr=language.lang_attr,
        edition_note=language.edition_note,
        edition_note_lang=language.edition_note_lang,
        tag_attr=language.tag_attr,
        text_dir=language.direction,
    )
    env.filters.update(
        format_date=language.date,
        format_number=language.number,
        quote_marks=language.quote,
        text_lang=language.text_lang,
        digits=language.digits,
    )
    env.tests["translated"] = is_translated

"""Writing systems: a language's script and direction, and the fonts that print it.

The brand's fonts (``body_font``, ``heading_font``) are chosen for the organisation's
look and usually cover only Latin, Greek and Cyrillic. Every other script falls back to a
font chosen for that script: the brand's own choice in ``brand.fonts`` (keyed by ISO 15924
script code, as ``arab: "Noto Naskh Arabic"``), else a Noto family (SIL Open Font
Licence; Debian's ``fonts-noto-core`` and ``fonts-noto-cjk``, which ``scripts/system_deps.py
build`` installs). A brief's CSS ``font-family`` is then a stack: the brand font first,
then the fonts of the brief's own script, then those of every other script, so an Arabic
name quoted in an English brief prints too. Pango picks, character by character, the
first font of the stack that has a glyph; the glyph check asks the same question of the
same stack before WeasyPrint runs.

The script and the direction of a language come from CLDR through Babel (likely
subtags: ``ar`` is ``ar_Arab_EG``), so any language Babel knows works without a table here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

import babel
from babel.core import get_global

# ISO 15924 code -> (sans family, serif family): the Noto fallbacks, in the order a stack
# tries them after the brief's own script. Latin, Greek and Cyrillic are the brand fonts'.
SCRIPT_FONTS: dict[str, tuple[str, str]] = {
    "arab": ("Noto Sans Arabic", "Noto Naskh Arabic"),
    "hebr": ("Noto Sans Hebrew", "Noto Serif Hebrew"),
    "deva": ("Noto Sans Devanagari", "Noto Serif Devanagari"),
    "beng": ("Noto Sans Bengali", "Noto Serif Bengali"),
    "guru": ("Noto Sans Gurmukhi", "Noto Serif Gurmukhi"),
    "gujr": ("Noto Sans Gujarati", "Noto Serif Gujarati"),
    "orya": ("Noto Sans Oriya", "Noto Sans Oriya"),  # no serif Oriya in fonts-noto-core
    "taml": ("Noto Sans Tamil", "Noto Serif Tamil"),
    "telu": ("Noto Sans Telugu", "Noto Serif Telugu"),
    "knda": ("Noto Sans Kannada", "Noto Serif Kannada"),
    "mlym": ("Noto Sans Malayalam", "Noto Serif Malayalam"),
    "sinh": ("Noto Sans Sinhala", "Noto Serif Sinhala"),
    "thai": ("Noto Sans Thai", "Noto Serif Thai"),
    "laoo": ("Noto Sans Lao", "Noto Serif Lao"),
    "khmr": ("Noto Sans Khmer", "Noto Serif Khmer"),
    "mymr": ("Noto Sans Myanmar", "Noto Serif Myanmar"),
    "ethi": ("Noto Sans Ethiopic", "Noto Serif Ethiopic"),
    "geor": ("Noto Sans Georgian", "Noto Serif Georgian"),
    "armn": ("Noto Sans Armenian", "Noto Serif Armenian"),
    "hans": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
    "hant": ("Noto Sans CJK TC", "Noto Serif CJK TC"),
    "jpan": ("Noto Sans CJK JP", "Noto Serif CJK JP"),
    "kore": ("Noto Sans CJK KR", "Noto Serif CJK KR"),
}
# Scripts the brand fonts (Noto Sans and Serif, or any Latin family) are expected to cover.
BRAND_SCRIPTS = frozenset({"latn", "grek", "cyrl"})
# Han characters look different in Chinese, Japanese and Korean print: a stack holds the
# one CJK family of the brief's language (Simplified Chinese for any other language).
CJK = ("hans", "hant", "jpan", "kore")
DEFAULT_CJK = "hans"
# Scripts written without spaces between words, broken into lines at word boundaries.
NO_SPACE_SCRIPTS = frozenset({"thai", "laoo", "khmr", "mymr", "hans", "hant", "jpan"})


@cache
def script_of(tag: str) -> str:
    """The ISO 15924 code (lower case) a language is written in: ``arab`` for ``ar``,
    ``hant`` for ``zh-TW``; ``latn`` for a tag CLDR does not know."""
    parts = tag.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.lower()
    likely = get_global("likely_subtags")
    for key in ("_".join(parts[:2]), parts[0]):
        found = likely.get(key) or likely.get(key.lower())
        if found:
            return str(found).split("_")[1].lower()
    return "latn"


@cache
def direction(tag: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Persian, Urdu, Hebrew,
    Pashto, Dhivehi, Yiddish...), else ``ltr``."""
    try:
        locale = babel.Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return "rtl" if script_of(tag) in {"arab", "hebr", "thaa", "syrc", "nkoo"} else "ltr"
    return "rtl" if locale.text_direction == "rtl" else "ltr"


def _cjk_of(script: str) -> str:
    return script if script in CJK else DEFAULT_CJK


@dataclass(frozen=True)
class FontStacks:
    """The font families a brief prints with, in the order Pango tries them."""

    body: tuple[str, ...]
    heading: tuple[str, ...]

    @property
    def families(self) -> tuple[str, ...]:
        """Every family of both stacks, once: the fonts a finished PDF may embed."""
        return tuple(dict.fromkeys(self.body + self.heading))

    def css(self, stack: tuple[str, ...]) -> str:
        return ", ".join("'{}'".format(f.replace("'", "").replace("<", "")) for f in stack)


def _ordered_scripts(own: str) -> list[str]:
    cjk = _cjk_of(own)
    others = [s for s in SCRIPT_FONTS if s not in CJK or s == cjk]
    return ([own] if own in SCRIPT_FONTS else []) + [s for s in others if s != own]


def font_stacks(
    body_font: str, heading_font: str, by_script: Mapping[str, str], language: str
) -> FontStacks:
    """Body and heading stacks for a brief in ``language``: the brand font, then the
    brief's own script (the brand's font for it before Noto's), then every other script."""
    own = script_of(language)
    chosen = {code.lower(): family for code, family in by_script.items()}
    body: list[str] = [body_font]
    heading: list[str] = [heading_font]
    if own in chosen:
        body.append(chosen[own])
        heading.append(chosen[own])
    for script in _ordered_scripts(own):
        sans, serif = SCRIPT_FONTS[script]
        body += [chosen[script], sans] if script in chosen else [sans]
        heading += [chosen[script], serif] if script in chosen else [serif]
    for family in chosen.values():  # scripts without a Noto default here
        body.append(family)
        heading.append(family)
    return FontStacks(tuple(dict.fromkeys(body)), tuple(dict.fromkeys(heading)))


def known_script(code: str) -> bool:
    """Whether ``code`` is an ISO 15924 script code CLDR knows (``arab``, ``Deva``)."""
    return len(code) == 4 and code.isalpha() and code.lower() in _cldr_scripts()


@cache
def _cldr_scripts() -> frozenset[str]:
    names = babel.Locale("en").scripts
    return frozenset(str(code).lower() for code in names)


# --- line breaks in scripts written without spaces ---------------------------------------
# Pango breaks Thai at word boundaries (libthai's dictionary) and Chinese and Japanese
# between characters, but finds no break at all in a run of Lao, Khmer or Burmese, which then
# runs off the page. A zero-width space (U+200B, invisible, skipped by readers) marks
# where a line may break: between words, as ICU's dictionaries of these languages find
# them (PyICU, from the pyicu-wheels package). Without PyICU, before each syllable, by the
# rules below: a syllable is where these scripts' readers accept a break too.
ZWSP = "\u200b"
_SEGMENTED = re.compile("[\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]+")
# Burmese, after Ye Kyaw Thu's sylbreak: a syllable starts at a consonant that is not
# stacked under another (after U+1039) nor a syllable's final (before asat U+103A or a
# stacker), or at an independent vowel or a Burmese sign that stands alone.
_MYANMAR = re.compile(
    "(?<=[\u1000-\u109f])"
    "(?:(?<!\u1039)(?=[\u1000-\u1021](?![\u103a\u1039]))|(?=[\u1023-\u102a\u103f\u104c-\u104f]))"
)
# Khmer: a syllable starts at a consonant that is not subscript (after coeng U+17D2) and
# that a vowel sign or a coeng follows (an unmarked consonant closes the syllable before
# it), at any consonant after a closed syllable (vowel sign, then final consonant), or at
# an independent vowel.
_KHMER = re.compile(
    "(?<=[\u1780-\u17dd])"
    "(?:(?<!\u17d2)(?=[\u1780-\u17a2][\u17b6-\u17c5\u17d2])"
    "|(?<=[\u17b6-\u17d1][\u1780-\u17a2])(?=[\u1780-\u17a2])"
    "|(?=[\u17a3-\u17b3]))"
)
# Lao (Pango has no Lao dictionary, so a run of Lao never breaks): a syllable starts
# - at a preposed vowel (ເ ແ ໂ ໃ ໄ);
# - at a consonant that its vowel or tone mark follows (after ຼ, or with ອ as its vowel:
#   ອ then followed by a consonant), where an open syllable ends before it: on a vowel
#   or tone mark but ັ and ົ, which take a final;
# - at a consonant after a syllable closed by one of the eight finals (ກ ງ ຍ ດ ນ ບ ມ ວ)
#   after its vowel (or a preposed vowel and its consonant), but ອ as a vowel, ວ after
#   ກ (ກວ່າ), and after ວ only a consonant with its own vowel (ວ is a vowel in ຮ່ວມ);
# - at a consonant after ໃ or ໄ and the consonant they sound with (ໃນ, ໄດ້).
# Never after ຫ, which leads the consonant after it (ຫຼາຍ, ຫນ້າ).
_LAO_OPEN = "[\u0eb0\u0eb2-\u0eba\u0ebd\u0ec6\u0ec8-\u0ecd]"
_LAO_MARK = "[\u0eb0-\u0ebb\u0ebd\u0ec6\u0ec8-\u0ecd]"
_LAO_C = "[\u0e81-\u0eae\u0edc-\u0edf]"
_LAO_VOWELLED = f"(?:{_LAO_MARK}|{_LAO_C}\u0ead)"  # a vowel sign, or a consonant and ອ
_LAO_FINAL = "[\u0e87\u0e8d\u0e94\u0e99\u0e9a\u0ea1]"  # ງ ຍ ດ ນ ບ ມ; ກ and ວ below
_LAO_INITIAL = f"(?!\u0ead[\u0e81-\u0eae])(?={_LAO_C})"  # a consonant, not ອ as a vowel
_LAO = re.compile(
    "(?<=[\u0e80-\u0eff])(?<![\u0ec0-\u0ec4\u0eab])(?:"
    "(?=[\u0ec0-\u0ec4])"
    f"|(?<={_LAO_OPEN})(?={_LAO_C}\u0ebc?(?:{_LAO_MARK}|\u0ead(?!{_LAO_MARK})))"
    f"|(?:(?<={_LAO_MARK}{_LAO_FINAL})|(?<={_LAO_C}\u0ead{_LAO_FINAL})"
    f"|(?<=[\u0ec0-\u0ec2]{_LAO_C}{_LAO_FINAL})){_LAO_INITIAL}"
    f"|(?:(?<={_LAO_MARK}\u0e81)|(?<={_LAO_C}\u0ead\u0e81)){_LAO_INITIAL}(?!\u0ea7)"
    f"|(?:(?<={_LAO_MARK}\u0ea7)|(?<={_LAO_C}\u0ead\u0ea7))(?={_LAO_C}{_LAO_MARK})"
    f"|(?:(?<=[\u0ec3\u0ec4]{_LAO_C})|(?<=[\u0ec3\u0ec4]{_LAO_C}[\u0ec8-\u0ecb])){_LAO_INITIAL}"
    ")"
)
# Korean is written with spaces between words and breaks only there (CSS's
# word-break: keep-all, which WeasyPrint lacks): a word joiner (U+2060) between the
# syllables of a word keeps it whole.
WORD_JOINER = "\u2060"
_HANGUL = re.compile("(?<=[\uac00-\ud7a3])(?=[\uac00-\ud7a3])")
_NEEDS_BREAKS = re.compile("[\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\uac00-\ud7a3]")


def break_opportunities(text: str) -> str:
    """``text`` with a zero-width space where a line may break inside a run of Lao,
    Burmese or Khmer, and a word joiner inside each Korean word; any other text comes back as it was
    (markup too: the marks are not ASCII)."""
    if not _NEEDS_BREAKS.search(text):
        return text
    icu = _icu()
    if icu is not None:
        text = _SEGMENTED.sub(lambda run: _words(icu, run.group(0)), text)
    else:
        text = _MYANMAR.sub(ZWSP, text)
        text = _KHMER.sub(ZWSP, text)
        text = _LAO.sub(ZWSP, text)
    return _HANGUL.sub(WORD_JOINER, text)


@cache
def _icu() -> Any | None:
    """PyICU, or None where it is not installed (the syllable rules stand in)."""
    try:
        import icu
    except ImportError:
        return None
    return icu


def _words(icu: Any, run: str) -> str:
    """A run of Lao, Khmer or Burmese with a zero-width space between its words, as
    ICU's line breaking finds them. A new iterator each time: one may not serve two
    threads (the studio renders in several), and making one costs a fraction of a
    millisecond. The run is all in the Basic Multilingual Plane, so ICU's UTF-16
    offsets are its character offsets."""
    iterator = icu.BreakIterator.createLineInstance(icu.Locale.getRoot())
    iterator.setText(run)
    cuts = [0, *(end for end in iterator if 0 < end < len(run)), len(run)]
    return ZWSP.join(run[start:end] for start, end in pairwise(cuts))

"""Characters as the report prints them and as data fields are compared.

Editors type straight quotes where a report prints curly ones, PDFs carry
soft hyphens and ligatures: :func:`normalise_text` folds both sides to one
form so that only real wording differences remain, and :func:`fold_space`
is its lighter sibling for text that goes into the data.  The joint markers
defined here are what the cleaner (:mod:`briefpress.source.clean`) leaves in
a text and the matcher (:mod:`briefpress.source.match`) reads either way.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "HYPHEN_JOINT",
    "REF_CLOSE",
    "REF_OPEN",
    "SPACE_JOINT",
    "fold_space",
    "normalise_text",
]

# Joint markers kept in the normalised source.  Control characters never
# survive normalise_text, so they cannot collide with real text.
HYPHEN_JOINT = "\x01"  # line-end hyphen: the needle may have "" or "-" here
SPACE_JOINT = "\x02"  # line break inside a URL-like token: "" or " " here
REF_OPEN = "\x03"  # footnote reference ("...purposes32."), which the needle
REF_CLOSE = "\x04"  # may give or leave out: REF_OPEN digits REF_CLOSE


# A line ending in one of these (without trailing whitespace) may have been
# broken inside a URL or path, so the following space is optional.
URL_BREAK_CHARS = frozenset("/._:=?&#%~")
# Characters that, at a line end right after a letter or digit, are a
# (possibly artificial) hyphen.
LINE_END_HYPHENS = ("-", "\u2010", "\u00ad")
# Sidebar lines (pull quotes) are set in a narrow column; body lines are not.
# Characters after which a printed footnote reference may follow directly.
REF_AFTER = ".,;:)\"'"
# A footnote reference flattened into the text: digits glued to the end of a
# word, or to punctuation that ends one ("homes.27", "function\",28"), before
# a space, punctuation or the end.  "4.1" (digits before the point) is not.
FOOTNOTE_REF = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:)\"'”’])|(?<=[.)\"'”’][.,;:)\"'”’]))"
    r"(\d{1,3})(?=[\s.,;:)]|$)"
)
REF_OPTIONAL = f"(?:{REF_OPEN}\\d+{REF_CLOSE})?"  # regex piece: a reference, or none
REF_MARKED = re.compile(f"{REF_OPEN}\\d+{REF_CLOSE}")
REF_MARKS = re.compile(f"[{REF_OPEN}{REF_CLOSE}]")


def _char_map() -> dict[int, str | None]:
    """Build the translation table behind :func:`normalise_text`.

    Editors type straight quotes and hyphens where the report prints curly
    quotes and en/em dashes; both sides are folded to one form so that only
    real wording differences remain.  Control and zero-width characters are
    invisible in print, so they are removed.
    """
    table: dict[int, str | None] = {}
    for ch in "\u2018\u2019\u201a\u201b\u2032\u02bc":
        table[ord(ch)] = "'"
    for ch in "\u201c\u201d\u201e\u201f\u2033":
        table[ord(ch)] = '"'
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d":
        table[ord(ch)] = "-"
    table[ord("\u2026")] = "..."
    for ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        table[ord(ch)] = None
    for code in range(0x20):
        if chr(code) not in "\t\n\r\f\v":
            table[code] = None
    table[0x7F] = None
    return table


_CHAR_TABLE = _char_map()
_INVISIBLE = {code: None for code, value in _CHAR_TABLE.items() if value is None}


def fold_space(text: str) -> str:
    """Fold whitespace and drop invisible characters, keeping everything else.

    The lighter sibling of :func:`normalise_text`, for text that goes into
    the data: curly quotes, dashes and ellipses stay as the report prints
    them, and matching folds them later.
    """
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.split())


def normalise_text(text: str) -> str:
    """Fold ``text`` to the form in which data fields and the report are compared.

    Unifies typographic quotes, apostrophes, dashes and the ellipsis, applies
    Unicode compatibility folding (NBSP, ligatures, full-width forms), drops
    invisible characters and folds every run of whitespace to one space.
    """
    text = text.translate(_CHAR_TABLE)
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_TABLE)
    return " ".join(text.split())

"""Words as people type them, in any script: a search that finds them and ids made of them.

Reports come in Arabic, Hindi, Chinese or Spanish as often as in English. A search must find
"الصيدلي" in a quote that prints "الصَّيْدَلِيُّ" (the vowel marks are optional in Arabic),
"HIV" in a quote typed with full-width "ＨＩＶ", and "ÉTAT" in "état"; an id made of a name in
Arabic or Chinese must still be a readable ASCII id rather than nothing.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Marks a reader may leave out without changing the word they mean: Latin accents, Arabic
# vowel marks (harakat, dagger alif, Quranic marks), Hebrew points, and the Arabic tatweel
# (a stretch of the line, not a letter). Indic vowel signs are letters: they stay.
_OPTIONAL_MARKS = re.compile(
    "[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]"
)
# Arabic letters written either way in everyday typing: alif with or without hamza or madda,
# final ya with or without dots, ta marbuta and ha.
_ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def fold(text: str) -> str:
    """``text`` as a search compares it: compatibility forms unified (NFKC), case folded,
    optional marks dropped, Arabic letter variants merged, runs of spaces made one."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = _OPTIONAL_MARKS.sub("", text).translate(_ARABIC_VARIANTS)
    return " ".join(unicodedata.normalize("NFC", text).split())


def found(query: str, *texts: str) -> bool:
    """Whether every word of ``query`` is in one of ``texts``, as :func:`fold` sees them."""
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in fold(query).split())


def slug(text: str, limit: int = 60) -> str:
    """A lower-case ASCII id (``[a-z0-9][a-z0-9-]*``) from words in any script ("وادي النخيل"
    -> wdy-lnkhyl, "青石镇" -> qingshizhen), empty when nothing is left to spell."""
    spelled = anyascii(unicodedata.normalize("NFC", text)).lower()
    return re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")[:limit].strip("-")

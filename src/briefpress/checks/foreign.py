"""How much of a brief is not in its language: the share of its running words marked as
another language.

A brief marks every passage it prints in a language other than its own (report text
without a translation is ``lang="en"``), so the measure reads the rendered HTML: the
words of the body's text, and of those the words inside an element whose ``lang`` is
another language. Names are not counted as foreign: the organisations' and countries'
names as the report writes them, the report's title and publisher, the brand's name,
and web and e-mail addresses. Interface words left in English for lack of a catalog
entry are not marked, so they are not measured here: the catalogs' completeness test
and ``check``'s missing-catalog warning cover them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from briefpress.core.i18n import base_language

# A word: letters or digits, with inner apostrophes and hyphens (l’Europe, Коста-Рика).
WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
LIMIT = 0.05  # the share above which `check` warns
SKIPPED = {"head", "script", "style", "title", "template"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass(frozen=True)
class LanguageShare:
    """One brief's running words, and how many of them are in another language."""

    brief: str
    language: str
    words: int
    foreign: int

    @property
    def share(self) -> float:
        return self.foreign / self.words if self.words else 0.0


class _Text(HTMLParser):
    """The body's text runs, each with the language it is marked as."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("", language, False)]
        self.runs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        _, lang, skipped = self.stack[-1]
        lang = dict(attrs).get("lang") or lang
        self.stack.append((tag, lang, skipped or tag in SKIPPED))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        _, lang, skipped = self.stack[-1]
        if not skipped and data.strip():
            self.runs.append((data, lang))


def _count(text: str) -> int:
    return len(WORD.findall(ADDRESS.sub(" ", text)))


def _without_names(text: str, names: Iterable[str]) -> str:
    """``text`` with every name in it blanked, longest names first."""
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def measure(brief_id: str, html: str, language: str, names: Iterable[str]) -> LanguageShare:
    """The running words of a brief's HTML, and those marked as another language that are
    not names (see the module's rule)."""
    parser = _Text(language)
    parser.feed(html)
    parser.close()
    own = base_language(language)
    names = list(names)
    words = foreign = 0
    for text, lang in parser.runs:
        words += _count(text)
        if base_language(lang) != own:
            foreign += _count(_without_names(text, names))
    return LanguageShare(brief_id, language, words, foreign)

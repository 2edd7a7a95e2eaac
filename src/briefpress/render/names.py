"""Proper names kept whole: the names of places and organisations that a brief's report
data declares (its places, its organisations' names and acronyms, its publisher) and the
brand's, wrapped where they appear in running text so that the PDF never hyphenates them.

"Nether-lands" or "Harm Re-duction Alliance" broken at a line's end reads as two words
to a screen reader's ear and a reader's eye alike. Headings, cells and display text are
already never hyphenated (style.css); running text is, so there the names are marked:
``<span class="proper">`` with ``hyphens: manual``. A name may still break between its
words, as any words may. Only text is touched: markup, attributes, the page's head, its
styles, scripts and SVG figures stay as they are, and the words themselves too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markupsafe import escape

TAG = re.compile(r"(<[^>]*>)")
SKIP = ("head", "style", "script", "svg", "title")  # elements whose text is not running text
OPEN_OR_CLOSE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
MIN_LENGTH = 5  # shorter words are never hyphenated (WeasyPrint's least word to hyphenate)


def names_of(context: dict[str, Any]) -> list[str]:
    """The proper names a brief's context knows: its report's places and organisations
    (full names and acronyms), its publisher's and the brand's names."""
    data, brand = context["data"], context["brand"]
    publisher = data.report.publisher
    found = [country.name for country in data.countries.values()]
    for organisation in data.organisations.values():
        found += [organisation.short, organisation.name or ""]
    found += [publisher.name, publisher.short, brand.organisation, brand.short or ""]
    return sorted({n.strip() for n in found if n and len(n.strip()) >= MIN_LENGTH}, key=len)[::-1]


def keep_whole(html: str, names: Iterable[str]) -> str:
    """``html`` with each of ``names`` in its running text marked as not to be
    hyphenated (longest names first, so a name inside a longer one is not marked twice)."""
    escaped = [re.escape(str(escape(n))) for n in names]
    if not escaped:
        return html
    pattern = re.compile(rf"(?<![\w&])({'|'.join(escaped)})(?!\w)")
    return in_running_text(html, pattern, r'<span class="proper">\1</span>')


# Persian writes a zero-width non-joiner inside many words (می‌بخشد): Pango hands it to
# WeasyPrint as an empty glyph, which draws nothing and so puts nothing in the text layer,
# and a reader copying or searching the word gets another spelling. Set apart in a span
# of its own (a hair smaller, which the PDF stage recognises, pdf/marks.py), it is given
# a glyph of no width that carries it. The letters either side take the forms they take
# beside a non-joiner: the page looks the same.
NON_JOINER = re.compile("\u200c")


def mark_non_joiners(html: str) -> str:
    """``html`` with each zero-width non-joiner of its running text in its own span."""
    if "\u200c" not in html:
        return html
    return in_running_text(html, NON_JOINER, '<span class="zwnj">\u200c</span>')


def in_running_text(html: str, pattern: re.Pattern[str], replacement: str) -> str:
    """``html`` with ``pattern`` replaced in its running text only: not in tags, nor in
    the head, styles, scripts, SVG or titles."""
    parts = TAG.split(html)
    skipping: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            _track(part, skipping)
        elif part and not skipping and pattern.search(part):
            parts[index] = pattern.sub(replacement, part)
    return "".join(parts)


def _track(tag: str, skipping: list[str]) -> None:
    """Enter or leave an element whose text is left alone (``skipping`` is the stack)."""
    found = OPEN_OR_CLOSE.match(tag)
    if found is None or tag.endswith("/>"):
        return
    closing, name = found.group(1), found.group(2).lower()
    if name not in SKIP:
        return
    if not closing:
        skipping.append(name)
    elif name in skipping:
        del skipping[len(skipping) - 1 - skipping[::-1].index(name)]

"""A brief's notes kept true when the PDF stage leaves elements out to fit its pages.

Fill to fit (pdf/fit.py) decides from a layout which quotes and findings a brief does
without. Hiding them would leave their notes behind: notes that nothing in the text cites,
and numbers that skip (1, 2, 3, 4, 8). So the elements are taken out of the HTML and the
notes numbered again in the order the remaining text first cites them, as the template
would have numbered them: each citation's number and link, the id of a note's first
citation (its number links back to it), and the notes themselves, in order. The numbers'
printed forms are the template's own (``format_number``, perhaps not Latin digits): the
notes list holds one for every number up to its length, and a renumbered list is shorter.

This reads only the markup that ``cite`` and ``endnotes`` (theme macros) write; where that
is not what it finds, the notes are left as they are.
"""

from __future__ import annotations

import re

REF = re.compile(
    r'<a class="note-ref" href="#note-(?P<brief>[^"]+)-(?P<n>\d+)"(?: id="ref-[^"]+")?>'
    r"(?P<label>[^<]*)</a>"
)
NOTE = re.compile(
    r'<li><div class="note" id="note-(?P<brief>[^"]+)-(?P<n>\d+)" data-pdf-role="Note">'
    r'<a class="n" href="#ref-[^"]+">(?P<label>[^<]*)</a>(?P<rest>.*?)</div></li>\n?',
    re.S,
)
NOTES_BLOCK = re.compile(r'<aside class="notes"[^>]*>.*?</aside>\n?', re.S)
# A theme brief's quotes from one place, under the place's name (theme.html.j2): a group
# whose quotes were all left out would leave its heading over nothing.
EMPTY_GROUP = re.compile(
    r'<div class="country-group">\s*<h3>(?:(?!</h3>).)*</h3>\s*</div>\n?', re.S
)


def without(html: str, ids: list[str]) -> str:
    """The HTML without the elements of those ids (and a group of quotes they leave
    empty), its notes numbered again."""
    if not ids:
        return html
    for ident in ids:
        html = remove_element(html, ident)
    return renumber(EMPTY_GROUP.sub("", html))


def remove_element(html: str, ident: str) -> str:
    """The HTML without the element whose id is ``ident`` (its tags and all inside)."""
    start = re.search(rf'<([a-z][a-z0-9]*)\b[^>]*\bid="{re.escape(ident)}"[^>]*>', html)
    if start is None:
        return html
    tag = re.compile(rf"<(/?){start.group(1)}\b[^>]*>")
    depth = 0
    for token in tag.finditer(html, start.start()):
        depth += -1 if token.group(1) else 1
        if depth == 0:
            return html[: start.start()] + html[token.end() :]
    return html  # not closed: leave the HTML as it is


def renumber(html: str) -> str:
    """Notes numbered in the order the text first cites them; notes nothing cites gone."""
    notes = list(NOTE.finditer(html))
    labels = {int(m.group("n")): m.group("label") for m in notes}
    if sorted(labels) != list(range(1, len(labels) + 1)):
        return html  # not the markup this module knows
    order: dict[int, int] = {}
    for cited in REF.finditer(html):
        order.setdefault(int(cited.group("n")), len(order) + 1)
    if not order:
        return NOTES_BLOCK.sub("", html, count=1)
    kept = sorted(
        (m for m in notes if int(m.group("n")) in order), key=lambda m: order[int(m.group("n"))]
    )
    new_notes = "".join(_note(m, order[int(m.group("n"))], labels) for m in kept)
    html = html[: notes[0].start()] + new_notes + html[notes[-1].end() :]
    first: set[int] = set()

    def citation(match: re.Match[str]) -> str:
        number = order[int(match.group("n"))]
        anchor = "" if number in first else f' id="ref-{match.group("brief")}-{number}"'
        first.add(number)
        return (
            f'<a class="note-ref" href="#note-{match.group("brief")}-{number}"{anchor}>'
            f"{labels[number]}</a>"
        )

    return REF.sub(citation, html)


def _note(match: re.Match[str], number: int, labels: dict[int, str]) -> str:
    brief = match.group("brief")
    return (
        f'<li><div class="note" id="note-{brief}-{number}" data-pdf-role="Note">'
        f'<a class="n" href="#ref-{brief}-{number}">{labels[number]}</a>'
        f"{match.group('rest')}</div></li>\n"
    )

"""Page references ("Recommendations 4", a theme brief's contents) numbered after layout.

The theme's stylesheet sets each reference as a one-digit placeholder (``" 0"`` after the
link: ``nav.contents li a::after`` and ``.see-page::after`` in styles/style.css), and the
number of the page its target starts on is written over it in the laid-out boxes. CSS's
``target-counter()`` would give the same text, but a reference on page one to a later
page makes WeasyPrint lay page one out twice more, once the later pages are known: an
eighth of a build's time, for a number. A digit has the same width as the placeholder
(the brand fonts' figures are tabular, as Noto's are), so nothing else on the line moves.
When a target is on page 10 or later, the caller lays the brief out again with
``target-counter()`` (:data:`COUNTED`), as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from briefpress.pdf.fit import laid_out, styled

PLACEHOLDER = "0"

# What the theme's rules said before: the fallback for targets past page 9.
COUNTED = (
    "<style>nav.contents li a::after, .see-page::after"
    ' { content: " " target-counter(attr(href url), page); }</style>'
)


def counted(html: str) -> str:
    """The HTML with its page references left to WeasyPrint's ``target-counter()``."""
    return styled(html, COUNTED)


def _targets(document: Any) -> dict[str, int]:
    """The page number (1-based) each element id first appears on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in laid_out(page._page_box):
            element = getattr(box, "element", None)
            name = element.get("id") if element is not None else None
            if name and name not in pages:
                pages[name] = number
    return pages


def _placeholders(document: Any) -> Iterator[tuple[Any, str]]:
    """Each placeholder's text box, with the id its link points to."""
    for page in document.pages:
        for box in laid_out(page._page_box):
            if getattr(box, "element_tag", None) != "a::after":
                continue
            href = box.element.get("href") or ""
            if not href.startswith("#"):
                continue
            for child in box.children:
                if type(child).__name__ == "TextBox" and child.text.strip() == PLACEHOLDER:
                    yield child, href[1:]


def number(document: Any) -> bool:
    """Write each reference's page number over its placeholder; False (and nothing
    changed) when a number has more digits than the placeholder has room for."""
    found = list(_placeholders(document))
    if not found:
        return True
    targets = _targets(document)
    numbers = [str(targets[name]) if name in targets else "" for _, name in found]
    if any(len(text) > len(PLACEHOLDER) for text in numbers):
        return False
    for (box, _), text in zip(found, numbers, strict=True):
        new = box.text.replace(PLACEHOLDER, text) if text else ""
        box.text = new
        box.pango_layout.text = new  # WeasyPrint sets its layout's text again to draw it
    return True

"""Check that verbatim report fields really appear in the original report.

This is the engine behind ``briefpress check --against FILE``.  Our report data
quotes the report word for word, so every verbatim field must be found in the
report's own text.  Reading the report, cleaning its text dump and matching a
field against it live in :mod:`briefpress.source` (the importer reads the same
text); this module only turns the fields not found into :class:`Mismatch`
records, each saying where the text diverges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefpress.source.match import SourceText

__all__ = ["Mismatch", "verify"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Mismatch:
    """A verbatim field that the report does not contain.

    ``key`` is whatever the caller uses to point back at the field (for the
    CLI, a file and line); ``message`` says where the text diverges.
    """

    key: object
    text: str
    message: str


def verify(fields: Iterable[tuple[object, str]], source: SourceText) -> list[Mismatch]:
    """Check every ``(key, text)`` field against ``source``.

    A field of several paragraphs (separated by a blank line, as a quote
    printed in two paragraphs is) is found paragraph by paragraph: the report
    sets them apart, often reopening each with a quotation mark, so they are
    not one run of text.  Returns one :class:`Mismatch` per field not found,
    in input order, saying where its first missing paragraph diverges.
    """
    mismatches: list[Mismatch] = []
    for key, text in fields:
        paragraphs = [part for part in _PARAGRAPH_BREAK.split(text) if part.strip()] or [text]
        missing = next((part for part in paragraphs if not source.find(part)), None)
        if missing is not None:
            mismatches.append(Mismatch(key=key, text=text, message=source.explain(missing)))
    return mismatches

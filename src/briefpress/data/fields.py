"""The metadata of record fields, which drives validation and checks, and the markers the
loader and the importer use: kept apart from the records (data/model.py) they describe.
"""

from __future__ import annotations

from typing import Any

from briefpress.core.errors import Location

VERBATIM: dict[str, Any] = {"verbatim": True}
# Verbatim text that may be printed in several paragraphs, given as a list of them.
PARAGRAPHS: dict[str, Any] = {"verbatim": True, "paragraphs": True}
EDITORIAL: dict[str, Any] = {"editorial": True}
# Names and headings: neither the report's sentences nor ours, but printed words that a
# brief in another language may show translated (reports/<id>/translations/<lang>.yaml).
TEXT: dict[str, Any] = {"text": True}
NOWHERE = Location("<none>")
# A report about cities or regions may say ``place:`` (``places:``) where a report on
# countries says ``country:`` (``countries:``): the same field under the report's own word.
PLACE: dict[str, Any] = {"alias": "place"}
PLACES: dict[str, Any] = {"alias": "places"}
# A field a person still has to write.  ``briefpress import`` puts it as the
# value of required fields it cannot fill and at the start of a comment on
# each such line ("# TO WRITE: ..."); ``briefpress check`` lists those lines,
# and neither references nor verbatim checks complain about the value itself.
TO_WRITE = "TO WRITE"


# Internal fields are filled by the loader, not by YAML: where a record and each of
# its values are written, so that errors can point at the exact line.
INTERNAL: dict[str, Any] = {"internal": True}

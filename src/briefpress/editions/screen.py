"""The screen edition: a tagged, accessible PDF (PDF/UA-1) of each brief, in ``out/``.

It is read on screens and by screen readers, so it keeps its links and its reading
structure, and its colours are the brand's sRGB ones.
"""

from __future__ import annotations

from briefpress.editions.base import Edition
from briefpress.pdf.preflight import check_screen
from briefpress.render.medium import Medium

EDITION = Edition(
    medium=Medium("screen", folder="", pdf_variant="pdf/ua-1"),
    summary="screen: out/<id>.pdf, tagged PDF/UA-1 to read on screen",
    label="Screen PDF",
    order=10,
    default=True,
    preflight=check_screen,
)

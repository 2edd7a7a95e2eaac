"""The print edition: a PDF/X-4 for the print shop of each brief, in ``out/print/``.

Colours are the brand's CMYK values with the FOGRA39 output intent (``styles/print.css``),
the logo is the brand's print logo, and the file carries bleed, slug and crop marks and
no links (nothing to click on paper).
"""

from __future__ import annotations

from briefpress.editions.base import Edition
from briefpress.pdf.preflight import check_print
from briefpress.render.medium import Medium

EDITION = Edition(
    medium=Medium(
        "print",
        folder="print",
        cmyk=True,
        print_logo=True,
        stylesheet="styles/print.css",
        pdf_variant="pdf/x-4",
        prepress=True,
    ),
    summary="print: out/print/<id>.pdf, PDF/X-4 with bleed and marks for the print shop",
    label="Print PDF",
    order=20,
    preflight=check_print,
)

"""What the render and PDF stages know of an edition: a medium, never an edition's name.

Editions are declared in :mod:`briefpress.editions`, one module each, above these stages;
the stages below read only the properties an edition gives its medium (where its files sit
under ``out/``, CMYK or sRGB, an extra stylesheet, a PDF variant, the printer's marks).
So a new edition changes no ``if edition == ...`` here: it declares a different medium.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Medium:
    """How one edition renders: the facts the stages below the edition registry use."""

    name: str  # the edition's name, for messages and the cache; never compared here
    folder: str = ""  # under out/ ("" is out/ itself)
    cmyk: bool = False  # brand colours as device-cmyk() (the brand's *_cmyk values)
    print_logo: bool = False  # the brand's logo_print before its logo
    stylesheet: str | None = None  # a theme sheet linked after the kind's (styles/x.css)
    template: str | None = None  # a page that wraps the kind's template (extends it)
    pdf_variant: str | None = None  # WeasyPrint's pdf_variant; None: the edition is no PDF
    prepress: bool = False  # a printer's file: no links, slug and marks, output intent
    assets_prefix: str | None = None  # from the output's folder to out/ (default: ../ each)
    project_prefix: str | None = None  # from the output's folder to the project

    @property
    def to_out(self) -> str:
        """The relative path from an output of this medium up to ``out/`` (its assets)."""
        if self.assets_prefix is not None:
            return self.assets_prefix
        depth = len([part for part in self.folder.split("/") if part])
        return "../" * depth

    @property
    def to_project(self) -> str:
        """The relative path from an output of this medium to the project's own files."""
        return self.project_prefix if self.project_prefix is not None else self.to_out + "../"

    @property
    def tagged(self) -> bool:
        """Whether its PDF keeps links and the reading structure (read on a screen)."""
        return not self.prepress


# A medium for HTML that is only measured or parsed, never published (checks/foreign).
MEASURE = Medium("measure")

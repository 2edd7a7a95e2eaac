"""PNG pictures of PDF pages, for the gallery's thumbnails and the preview server.

pypdfium2 ships PDFium inside its wheel, so this needs no system package. PDFium
is not thread-safe, and the preview server renders from several threads, so
every call into it holds one lock. Thumbnails are re-rendered only when their
PDF's content changed: ``out/thumbs/.sources.json`` remembers the hash of the
PDF each thumbnail was made from, which also makes a fine cache-busting stamp.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from pathlib import Path

from briefpress.core.files import write_atomic

THUMB_WIDTH = 440  # pixels: sharp at the gallery's 220 CSS pixels on a high-density screen
PAGE_WIDTH = 1100  # pixels: a page in the preview, readable at full column width
THUMBS = "thumbs"
SOURCES = ".sources.json"

_PDFIUM = threading.Lock()


def pdf_digest(pdf: Path) -> str:
    return hashlib.sha256(pdf.read_bytes()).hexdigest()


def render_png(pdf: Path, index: int, width: int, quick: bool = False) -> bytes:
    """One page of ``pdf`` (0-based) as PNG bytes, ``width`` pixels wide; ``quick`` trades
    a larger file for less time (a preview shown once, on this machine)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[index]
            scale = width / page.get_width()
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            document.close()
    buffer = io.BytesIO()
    if quick:
        image.save(buffer, format="PNG", compress_level=1)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Width and height in points of every page of ``pdf``."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return [document.get_page_size(i) for i in range(len(document))]
        finally:
            document.close()


class Thumbnails:
    """``out/thumbs/<id>.png``: the first page of each brief's PDF, kept in step with it."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / THUMBS
        self.manifest = self.folder / SOURCES
        try:
            loaded = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self.sources: dict[str, str] = loaded if isinstance(loaded, dict) else {}

    def path(self, brief_id: str) -> Path:
        return self.folder / f"{brief_id}.png"

    def stamp(self, brief_id: str) -> str | None:
        """A short token that changes whenever the thumbnail does (None: no thumbnail)."""
        digest = self.sources.get(brief_id)
        return digest[:12] if digest and self.path(brief_id).exists() else None

    def update(self, brief_id: str, pdf: Path) -> bool:
        """Re-render the thumbnail if ``pdf`` changed since the last one; True if it did."""
        if not pdf.exists():
            return False
        digest = pdf_digest(pdf)
        if self.sources.get(brief_id) == digest and self.path(brief_id).exists():
            return False
        write_atomic(self.path(brief_id), render_png(pdf, 0, THUMB_WIDTH))
        self.sources[brief_id] = digest
        return True

    def save(self) -> None:
        text = json.dumps(self.sources, indent=1, sort_keys=True)
        write_atomic(self.manifest, text.encode("utf-8"))

"""Reading a report file: PDF, Word or plain text, as one text dump.

Every failure becomes a :class:`SourceError` naming the file, so that the
import and ``check --against`` print it as it is.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "NOTE_LINE",
    "DocxParagraph",
    "SourceError",
    "docx_text",
    "read_docx",
    "read_source",
]

# A line starting with this is a footnote, known to be one: readers that know
# their footnotes (Word) mark them so, and no line is then guessed to be one.
NOTE_LINE = "\v"


class SourceError(Exception):
    """The report file cannot be read; the message names the file."""


def read_source(path: Path) -> str:
    """Return the text of the original report at ``path``.

    PDFs (recognised by their ``%PDF-`` header or a ``.pdf`` suffix) are read
    with pypdf, Word documents (``.docx``) with python-docx, footnotes
    included; anything else must be UTF-8 text.  Every failure becomes a
    :class:`SourceError` naming the file, so the CLI can print it as is.
    """
    data = _read_bytes(path)
    if data.startswith(b"%PDF-") or Path(path).suffix.lower() == ".pdf":
        return _read_pdf(path, data)
    if Path(path).suffix.lower() == ".docx":
        return docx_text(read_docx(path, data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a :class:`SourceError` naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _read_pdf(path: Path, data: bytes) -> str:
    """Extract the text of a PDF, one form feed before each page after the first.

    The form feed marks a page break, which :func:`normalise_source` uses to
    end footnote blocks, as ``pdftotext`` output does.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path}: cannot read PDF: {exc}") from exc
    return "\n\f".join(pages)


@dataclass(frozen=True)
class DocxParagraph:
    """One paragraph of a Word document: its text and its style name.

    Footnote references are flattened into the text as their numbers, as a
    PDF dump prints them ("drugs.3"); footnotes themselves have the style
    ``footnote`` and start with their number, a full stop and a tab.
    """

    text: str
    style: str


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_docx(path: Path, data: bytes | None = None) -> list[DocxParagraph]:
    """The paragraphs of a Word document, then its footnotes, numbered as printed.

    Word numbers footnotes by the order of their references, whatever their
    internal ids; so do we.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data if data is not None else _read_bytes(path)))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"{path}: cannot read Word document: {exc}") from exc
    numbers: dict[str, int] = {}
    paragraphs = [
        DocxParagraph(
            _docx_runs(paragraph._p, numbers),
            (paragraph.style.name or "") if paragraph.style is not None else "",
        )
        for paragraph in document.paragraphs
    ]
    notes = _docx_footnotes(document)
    for note_id, number in sorted(numbers.items(), key=lambda item: item[1]):
        if note_id in notes:
            paragraphs.append(DocxParagraph(f"{number}.\t{notes[note_id]}", "footnote"))
    return paragraphs


def _docx_runs(element: Any, numbers: dict[str, int]) -> str:
    """The text of a paragraph element, footnote references as their numbers."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif node.tag == f"{_W}footnoteReference":
            note_id = node.get(f"{_W}id", "")
            parts.append(str(numbers.setdefault(note_id, len(numbers) + 1)))
    return "".join(parts)


def _docx_footnotes(document: Any) -> dict[str, str]:
    """Footnote text by footnote id, from the document's footnotes part."""
    from docx.oxml import parse_xml

    for rel in document.part.rels.values():
        if rel.reltype == _FOOTNOTES_RELTYPE and not rel.is_external:
            root = parse_xml(rel.target_part.blob)
            return {
                note.get(f"{_W}id", ""): " ".join(
                    _docx_runs(paragraph, {}) for paragraph in note.iter(f"{_W}p")
                ).strip()
                for note in root.iter(f"{_W}footnote")
            }
    return {}


def docx_text(paragraphs: Sequence[DocxParagraph]) -> str:
    """A Word document as the line-per-paragraph text the normaliser reads.

    Paragraphs are separated by blank lines, as in a PDF dump (line
    ``2 * i`` is paragraph ``i``); footnotes follow the body after a page
    break, one per line, each marked with ``NOTE_LINE``: a Word document
    knows its footnotes, so the normaliser need not guess them.
    """
    body = [p.text for p in paragraphs if p.style != "footnote"]
    notes = [NOTE_LINE + p.text for p in paragraphs if p.style == "footnote"]
    return "\n\n".join(body) + ("\n\f\n" + "\n\n".join(notes) if notes else "") + "\n"

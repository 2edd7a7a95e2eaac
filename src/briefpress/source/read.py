"""Reading a report file: PDF, Word or plain text, as one text dump.

Every failure becomes a :class:`SourceError` naming the file, so that the
import and ``check --against`` print it as it is.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = [
    "NOTE_LINE",
    "DocxParagraph",
    "SourceError",
    "docx_text",
    "line_styles",
    "pdf_paragraphs",
    "read_bytes",
    "read_docx",
    "read_paragraphs",
    "read_source",
]

# A line starting with this is a footnote, known to be one: readers that know
# their footnotes (Word) mark them so, and no line is then guessed to be one.
NOTE_LINE = "\v"

# Limits on what one report may cost to read: a report is a few MiB; these
# are far above any real one and far below what would exhaust the machine.
MAX_FILE_BYTES = 256 * 2**20
# A Word document's XML, once unzipped (a "zip bomb" inflates far beyond it).
MAX_DOCX_XML_BYTES = 128 * 2**20
MAX_PDF_PAGES = 5000
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")


class SourceError(Exception):
    """The report file cannot be read; the message names the file."""


def read_source(path: Path) -> str:
    """Return the text of the original report at ``path``.

    PDFs (recognised by their ``%PDF-`` header or a ``.pdf`` suffix) are read
    with pdfium by their layout, Word documents (``.docx``) with python-docx,
    footnotes included, both as a paragraph per blank-line-separated block;
    anything else must be UTF-8 text.  Every failure becomes a
    :class:`SourceError` naming the file, so the CLI can print it as is.
    """
    data = read_bytes(path)
    if _is_pdf(path, data):
        return docx_text(pdf_paragraphs(path, data))
    if Path(path).suffix.lower() == ".docx":
        return docx_text(read_docx(path, data))
    return decode_text(path, data)


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text, or a :class:`SourceError` saying where it is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from exc


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them, or a :class:`SourceError`.

    A named pipe, a device (``/dev/zero``) or a folder is refused before it
    is opened: reading one would wait for a writer or never end.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise SourceError(f"{path}: {kind}; give the report's file")
    if info.st_size > limit:
        raise SourceError(f"{path}: {_mib(info.st_size)} is over the {_mib(limit)} a report may be")
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:  # it grew while we looked
        raise SourceError(f"{path}: over the {_mib(limit)} a report may be")
    return data


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size} bytes"


@dataclass(frozen=True)
class DocxParagraph:
    """One paragraph of a Word document: its text and its style name.

    Footnote references are flattened into the text as their numbers, as a
    PDF dump prints them ("homes.3"); footnotes themselves have the style
    ``footnote`` and start with their number, a full stop and a tab.
    """

    text: str
    style: str
    lines: tuple[str, ...] = ()  # a PDF paragraph's printed lines

    @property
    def printed(self) -> tuple[str, ...]:
        """The paragraph's lines as printed (a Word paragraph is one)."""
        return self.lines or (self.text,)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_docx(path: Path, data: bytes | None = None) -> list[DocxParagraph]:
    """The paragraphs of a Word document, then its footnotes, numbered as printed.

    Word numbers footnotes by the order of their references, whatever their
    internal ids; so do we.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    # python-docx parses with lxml, which has no type stubs
    xml_error = importlib.import_module("lxml.etree").XMLSyntaxError

    data = data if data is not None else read_bytes(path)
    check_docx(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        return _docx_paragraphs(document)
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        xml_error,
    ) as exc:
        raise SourceError(f"{path}: cannot read Word document: {exc}") from exc


def check_docx(path: Path, data: bytes) -> None:
    """Refuse a Word document that would cost too much to parse, before parsing it.

    Its XML parts, unzipped, may hold at most ``MAX_DOCX_XML_BYTES`` (the
    sizes a zip declares bound what it inflates to), and none may declare
    a DTD: Word never writes one, and its entities are how an "entity
    expansion" file grows a few bytes into gigabytes.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = [info for info in archive.infolist() if info.filename.endswith((".xml", ".rels"))]
        total = sum(info.file_size for info in parts)
        if total > MAX_DOCX_XML_BYTES:
            raise SourceError(
                f"{path}: its text unzips to {_mib(total)}, over the "
                f"{_mib(MAX_DOCX_XML_BYTES)} a Word document may hold"
            )
        for info in parts:
            with archive.open(info) as part:
                prolog = _prolog(part)
            if prolog is None or b"<!DOCTYPE" in prolog.upper():
                raise SourceError(
                    f"{path}: {info.filename} declares XML entities, which Word never "
                    "writes; save the document again from a word processor"
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise SourceError(f"{path}: cannot read Word document: {exc}") from exc


def _prolog(part: IO[bytes]) -> bytes | None:
    """What comes before an XML part's first element (None if over 1 MiB)."""
    prolog = b""
    while len(prolog) <= 2**20:
        chunk = part.read(65536)
        found = _ELEMENT_START.search(prolog + chunk)
        if found is not None:
            return (prolog + chunk)[: found.start()]
        if not chunk:
            return prolog
        prolog += chunk
    return None


def _docx_style(paragraph: Any) -> str:
    """A paragraph's style name; "right" for a plain paragraph set flush right (as an
    attribution under a quote often is), as a PDF's layout names it."""
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    alignment = paragraph.alignment
    if name in ("", "Normal", "Body Text") and alignment is not None and int(alignment) == 2:
        return "right"  # WD_ALIGN_PARAGRAPH.RIGHT
    return name


def _docx_paragraphs(document: Any) -> list[DocxParagraph]:
    """The body paragraphs with their styles, then the footnotes."""
    numbers: dict[str, int] = {}
    paragraphs = [
        DocxParagraph(_docx_runs(paragraph._p, numbers), _docx_style(paragraph))
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
    body = ["\n".join(p.printed) for p in paragraphs if p.style not in _APART]
    notes = [NOTE_LINE + p.text for p in paragraphs if p.style == "footnote"]
    return "\n\n".join(body) + ("\n\f\n" + "\n\n".join(notes) if notes else "") + "\n"


# Paragraphs that are not body text: footnotes (printed after it) and a PDF's
# running headers and footers (kept only to name the title when none is printed).
_APART = ("footnote", "running")


def line_styles(paragraphs: Sequence[DocxParagraph]) -> list[tuple[str, bool]]:
    """(style, ends its paragraph) of each line of :func:`docx_text`'s body part,
    blank lines included, so a line's index finds its paragraph's style."""
    styles: list[tuple[str, bool]] = []
    for paragraph in paragraphs:
        if paragraph.style in _APART:
            continue
        lines = paragraph.printed
        styles += [(paragraph.style, index == len(lines) - 1) for index in range(len(lines))]
        styles.append(("", True))
    return styles


def read_paragraphs(path: Path) -> list[DocxParagraph] | None:
    """A Word document's or PDF's paragraphs with their styles; None for text."""
    data = read_bytes(path)
    if _is_pdf(path, data):
        return pdf_paragraphs(path, data)
    if Path(path).suffix.lower() == ".docx":
        return read_docx(path, data)
    return None


def _is_pdf(path: Path, data: bytes) -> bool:
    return data.startswith(b"%PDF-") or Path(path).suffix.lower() == ".pdf"


_URL_END = re.compile(r"(?:https?://|www\.)\S*$")


def _joined(lines: list[str]) -> str:
    """A paragraph's lines as one line: a web address broken at a line end is
    joined without a space ("https://" / "example.org/x")."""
    text = lines[0] if lines else ""
    for line in lines[1:]:
        broken = text[-1:] in "/.=?&#-:" and _URL_END.search(text)
        text += ("" if broken else " ") + line
    return text


def pdf_paragraphs(path: Path, data: bytes) -> list[DocxParagraph]:
    """A PDF's paragraphs, styled by their layout (:mod:`briefpress.source.layout`).

    pdfium opens a PDF encrypted with an empty password (AES included) itself.
    """
    import pypdfium2

    from briefpress.source.layout import layout_paragraphs

    try:
        document = pypdfium2.PdfDocument(data, password="")
    except pypdfium2.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise SourceError(
                f"{path}: the PDF is protected by a password; save it without one"
            ) from exc
        raise SourceError(f"{path}: cannot read PDF: {reason}") from exc
    try:
        if len(document) > MAX_PDF_PAGES:
            raise SourceError(f"{path}: {len(document)} pages, over the {MAX_PDF_PAGES} read")
        return [
            DocxParagraph(_joined(lines), style, tuple(lines))
            for style, lines in layout_paragraphs(document)
        ]
    finally:
        document.close()

"""Putting a mailing's PDFs together: each recipient's letter with the brief behind it,
and the combined print file, in bounded memory.

Letters come from WeasyPrint uncompressed: what every letter repeats (the print edition's
colour profile, 180 KB, and often the same font subsets) is compressed once per process
and reused (:class:`StreamCache`), which makes a print letter cost about what a screen
letter does. The combined print file is written page by page
(:mod:`briefpress.pdf.stream`), the brief's objects once for all its copies.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
import zlib
from pathlib import Path
from typing import Any

from briefpress.core.errors import BriefpressError
from briefpress.pdf.combine import merge_structure
from briefpress.pdf.finish import remove_part_marks
from briefpress.pdf.stream import StreamingPdfWriter
from briefpress.pdf.variable import foreign


class StreamCache:
    """zlib-compressed stream data by the hash of the plain data, for large streams."""

    MIN_SIZE = 8 * 1024  # smaller streams (a letter's own text) are cheap and unique
    MAX_ENTRIES = 64

    def __init__(self) -> None:
        self.entries: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if len(data) < self.MIN_SIZE:
            return zlib.compress(data)
        key = hashlib.sha256(data).digest()
        found = self.entries.get(key)
        if found is None:
            if len(self.entries) >= self.MAX_ENTRIES:
                del self.entries[next(iter(self.entries))]
            found = self.entries[key] = zlib.compress(data)
        return found


def compress_streams(pdf: Any, cache: StreamCache) -> None:
    """Flate-compress every unfiltered stream of ``pdf`` but the XMP metadata (which
    PDF/A and PDF/X readers expect in plain text)."""
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or "/Filter" in obj.stream_dict:
            continue
        if obj.stream_dict.get("/Type") == pikepdf.Name.Metadata:
            continue
        obj.write(cache.compress(obj.read_raw_bytes()), filter=pikepdf.Name.FlateDecode)


def letter_and_brief(
    letter_pdf: bytes,
    brief_pdf: Path | None,
    cache: StreamCache | None = None,
    tags: bool = False,
) -> tuple[bytes, int]:
    """One recipient's file: the letter's pages, then the brief's (see :func:`join`).
    The letter is a whole render, whose replaceable parts are still marked."""
    import pikepdf

    with pikepdf.open(io.BytesIO(letter_pdf)) as letter:
        if tags and "/StructTreeRoot" in letter.Root:
            remove_part_marks(letter)
        return join(letter, brief_pdf, cache, tags)


def join(
    letter: Any, brief_pdf: Path | None, cache: StreamCache | None = None, tags: bool = False
) -> tuple[bytes, int]:
    """One recipient's file from an open letter: its pages, then the brief's, with the
    letter's document information and language. The brief keeps its links and bookmarks.
    With ``tags`` (the screen edition, read on screen and aloud), the file keeps both
    structure trees as one, and the letter's PDF/UA identification. Its bytes and page
    count."""
    import pikepdf

    out = pikepdf.new()
    compress_streams(letter, cache or StreamCache())
    _append_pages(out, letter)
    _copy_document_facts(letter, out)
    with contextlib.ExitStack() as stack:
        brief = stack.enter_context(pikepdf.open(brief_pdf)) if brief_pdf is not None else None
        if brief is not None:
            _append_pages(out, brief)
        if tags:
            merge_structure(out, letter, brief)
        buffer = io.BytesIO()
        # Object streams, compressed: the structure trees are a thousand small
        # dictionaries, which written one by one made a tagged recipient file twice as
        # large. Every other stream is compressed already (or, the XMP, left plain).
        out.save(
            buffer,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    return buffer.getvalue(), len(out.pages)


def _append_pages(out: Any, source: Any) -> None:
    """Pages with their named destinations and outline where pikepdf can carry them."""
    add_pages_from = getattr(out, "add_pages_from", None)  # recent pikepdf (10.x)
    if add_pages_from is not None:
        add_pages_from(source)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older pikepdf: links inside the brief may not resolve
        out.pages.extend(source.pages)


def _copy_document_facts(source: Any, out: Any) -> None:
    """Title, author, dates and language; the print edition's output intent (CMYK)."""
    for key, value in source.docinfo.items():
        out.docinfo[key] = foreign(out, value)
    for key in ("/Lang", "/OutputIntents"):
        if key in source.Root:
            out.Root[key] = foreign(out, source.Root[key])


class PrintFile:
    """The combined print file, written as the letters come: each letter, then the brief
    (in the reader's language, where the mailing has it in several), each letter starting
    on an odd page. Each brief's objects are written once and shared by all its copies, and
    nothing per letter stays in memory (pdf/stream.py)."""

    def __init__(self, path: Path) -> None:
        self.stack = contextlib.ExitStack()
        self.briefs: dict[Path, tuple[Any, dict[tuple[int, int], int]]] = {}
        self.writer = self.stack.enter_context(StreamingPdfWriter(path))

    def _brief(self, brief_pdf: Path) -> tuple[Any, dict[tuple[int, int], int]]:
        """A brief opened once for the whole file, with the memo of its written objects."""
        import pikepdf

        if brief_pdf not in self.briefs:
            self.briefs[brief_pdf] = (self.stack.enter_context(pikepdf.open(brief_pdf)), {})
        return self.briefs[brief_pdf]

    def add(self, recipient_pdf: Path, letter_pages: int, brief_pdf: Path | None) -> None:
        """The first ``letter_pages`` pages of a recipient's file, then ``brief_pdf``."""
        import pikepdf

        with pikepdf.open(recipient_pdf) as source:
            if self.writer.page_count == 0:
                self.writer.set_document(source)
            self.writer.add_pages(source.pages[:letter_pages])
            last = source.pages[letter_pages - 1].obj
            if brief_pdf is not None:
                brief, memo = self._brief(brief_pdf)
                self.writer.add_pages(brief.pages, memo)
                last = brief.pages[-1].obj
            if self.writer.page_count % 2:
                self.writer.add_blank_page(last)

    def close(self, title: str) -> int:
        """Finish the file (its title names the mailing); its page count."""
        self.writer.set_title(title)
        self.stack.close()
        return self.writer.page_count

    def abort(self) -> None:
        self.stack.__exit__(BriefpressError, None, None)

"""Join the pages of many PDFs into one file in bounded memory.

A mailing's print file holds every recipient's letter followed by the same brief: 10,000
recipients make 60,000 pages. pikepdf (like every PDF library we know of) builds the whole
output document in memory before it saves, so joining that many letters costs memory in
proportion to the recipients. This writer instead writes each object to the file as soon
as it is copied. What the end of the file needs of every object and page (the
cross-reference table's entries, the page tree's list of pages) is written as it comes to
two unnamed temporary files beside the output and copied in at the end, so the writer's
memory does not grow with the pages at all. Objects are read and parsed with pikepdf; what
is written is plain PDF syntax with a classic cross-reference table, which every reader and
preflight accepts.

Objects shared by many copies (the brief's fonts, images and content streams) are written
once and referred to by every copy of its pages: pass the same ``memo`` each time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
# Keys a copied page does not keep: its place in the source's page tree, its marked-content
# link into the source's structure tree, and its annotations (links and their targets
# belong to the source document; a print file needs none of them).
DROPPED_PAGE_KEYS = {"/Parent", "/StructParents", "/Annots", "/B"}
INHERITED_PAGE_KEYS = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
Memo = dict[tuple[int, int], int]
XREF_ENTRY = 20  # bytes of a cross-reference entry: "0000012345 00000 n \n"


class StreamingPdfWriter:
    """Appends pages to a PDF file as they come; :meth:`close` writes the page tree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: BinaryIO = path.open("wb")
        self.digest = hashlib.md5(usedforsecurity=False)
        # 60,000 pages of a 10,000-letter mailing hold about 460,000 objects: their
        # cross-reference entries (XREF_ENTRY bytes each, at their object's number) and
        # the page tree's references go to files, not memory.
        self.xref, self.kids = _spill(path.parent), _spill(path.parent)
        self.objects = 3  # 0: the free entry; 1: the page tree; 2: the catalog
        self.pages = 0
        self.position = 0
        os.pwrite(self.xref.fileno(), b"0000000000 65535 f \n", 0)
        self.catalog_extra: dict[str, bytes] = {}
        self.info: dict[str, bytes] = {}
        self._pending: list[tuple[int, Any]] = []  # referred to, not yet written
        self._write(HEADER)

    # --- the public part ----------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.pages

    def add_pages(self, pages: Iterable[Any], memo: Memo | None = None) -> None:
        """Copy ``pages`` (pikepdf pages or page dictionaries) to the end of the file.

        Everything a page refers to is written once per ``memo``: share a memo between
        calls to share the objects of the same source document.
        """
        memo = {} if memo is None else memo
        for page in pages:
            self._copy_page(getattr(page, "obj", page), memo)

    def add_blank_page(self, like: Any) -> None:
        """An empty page with the boxes of ``like`` (for odd-page starts in duplex print)."""
        page = getattr(like, "obj", like)
        boxes = [
            f"{key} {self._direct(page.get(key), {})}".encode("latin-1")
            for key in ("/MediaBox", "/TrimBox", "/BleedBox")
            if key in page
        ]
        number = self._allocate()
        body = b"<< /Type /Page /Parent 1 0 R /Resources << >> " + b" ".join(boxes) + b" >>"
        self._write_object(number, body)
        self._add_kid(number)

    def set_title(self, title: str) -> None:
        self.info["/Title"] = _string(title)

    def set_document(self, source: Any, memo: Memo | None = None) -> None:
        """Take document facts from ``source`` (a pikepdf.Pdf): its information, language
        and output intents (the print edition's CMYK profile)."""
        memo = {} if memo is None else memo
        for key, value in source.docinfo.items():
            self.info[str(key)] = self._direct(value, memo).encode("latin-1")
        for key in ("/Lang", "/OutputIntents"):
            if key in source.Root:
                self.catalog_extra[key] = self._direct(source.Root[key], memo).encode("latin-1")
        self._flush_pending(memo)

    def close(self) -> None:
        """The page tree, catalog, information, cross-reference table and trailer."""
        self._entry(1)  # the page tree, its list of pages copied in
        self._write(b"1 0 obj\n<< /Type /Pages /Kids [")
        self._copy(self.kids)
        self._write(f"] /Count {self.pages} >>\nendobj\n".encode("ascii"))
        extra = b"".join(
            b" " + k.encode("latin-1") + b" " + v for k, v in self.catalog_extra.items()
        )
        self._write_object(2, b"<< /Type /Catalog /Pages 1 0 R" + extra + b" >>")
        info_number = self._allocate()
        info = b"".join(k.encode("latin-1") + b" " + v + b" " for k, v in self.info.items())
        self._write_object(info_number, b"<< " + info + b">>")
        self._write_xref(info_number)
        self.abort()

    def abort(self) -> None:
        """Close without finishing (the caller removes the file)."""
        for file in (self.file, self.xref, self.kids):
            file.close()

    def __enter__(self) -> StreamingPdfWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    # --- objects --------------------------------------------------------------------------

    def _copy_page(self, page: Any, memo: Memo) -> None:
        number = self._allocate()
        memo.setdefault(page.objgen, number)  # a reference back to the page: to this copy
        entries = [b"/Type /Page", b"/Parent 1 0 R"]
        for key, value in page.items():
            if key in DROPPED_PAGE_KEYS or key == "/Type":
                continue
            entries.append(f"{key} {self._direct(value, memo)}".encode("latin-1"))
        for key in INHERITED_PAGE_KEYS:
            if key not in page and (value := _inherited(page, key)) is not None:
                entries.append(f"{key} {self._direct(value, memo)}".encode("latin-1"))
        self._write_object(number, b"<< " + b" ".join(entries) + b" >>")
        self._add_kid(number)
        self._flush_pending(memo)

    def _ref(self, obj: Any, memo: Memo) -> int:
        """The number of ``obj``'s copy, queuing the object to be written if new."""
        key = obj.objgen
        number = memo.get(key)
        if number is None:
            number = self._allocate()
            memo[key] = number
            self._pending.append((number, obj))
        return number

    def _flush_pending(self, memo: Memo) -> None:
        """Write every object queued by references, and those they refer to, in turn."""
        while self._pending:
            number, obj = self._pending.pop()
            self._write_object(number, self._body(obj, memo))

    def _body(self, obj: Any, memo: Memo) -> bytes:
        import pikepdf

        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            entries = [
                f"{key} {self._direct(value, memo)}"
                for key, value in obj.stream_dict.items()
                if key != "/Length"
            ]
            head = f"<< {' '.join(entries)} /Length {len(raw)} >>".encode("latin-1")
            return head + b"\nstream\n" + raw + b"\nendstream"
        return self._direct(obj, memo, top=True).encode("latin-1")

    def _direct(self, value: Any, memo: Memo, top: bool = False) -> str:
        """PDF syntax of ``value``, with references renumbered (latin-1 keeps bytes as is)."""
        import pikepdf

        if isinstance(value, pikepdf.Object) and value.is_indirect and not top:
            return f"{self._ref(value, memo)} 0 R"
        if isinstance(value, pikepdf.Dictionary):
            items = " ".join(f"{k} {self._direct(v, memo)}" for k, v in value.items())
            return f"<< {items} >>"
        if isinstance(value, pikepdf.Array):
            return "[" + " ".join(self._direct(v, memo) for v in value) + "]"
        if isinstance(value, pikepdf.Object):
            return bytes(value.unparse()).decode("latin-1")
        return _scalar(value)

    # --- bytes ------------------------------------------------------------------------------

    def _allocate(self) -> int:
        self.objects += 1
        return self.objects - 1

    def _add_kid(self, number: int) -> None:
        self.kids.write(f"{number} 0 R ".encode("ascii"))
        self.pages += 1

    def _entry(self, number: int) -> None:
        """Object ``number`` starts here: its cross-reference entry, in its place."""
        entry = f"{self.position:010d} 00000 n \n".encode("ascii")
        os.pwrite(self.xref.fileno(), entry, number * XREF_ENTRY)

    def _write_object(self, number: int, body: bytes) -> None:
        self._entry(number)
        self._write(f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n")

    def _write(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.position += len(data)

    def _copy(self, spill: BinaryIO) -> None:
        """The whole of a temporary file, written into the PDF."""
        spill.flush()
        spill.seek(0)
        while chunk := spill.read(1 << 20):
            self._write(chunk)

    def _write_xref(self, info_number: int) -> None:
        start = self.position
        # Every object numbered was written (the last one, at least, has its entry).
        assert os.fstat(self.xref.fileno()).st_size == self.objects * XREF_ENTRY
        self._write(f"xref\n0 {self.objects}\n".encode("ascii"))
        self._copy(self.xref)
        file_id = self.digest.hexdigest()
        trailer = (
            f"trailer\n<< /Size {self.objects} /Root 2 0 R /Info {info_number} 0 R "
            f"/ID [<{file_id}> <{file_id}>] >>\nstartxref\n{start}\n%%EOF\n"
        )
        self._write(trailer.encode("ascii"))


def _spill(folder: Path) -> BinaryIO:
    """An unnamed file in ``folder`` (the output's, where there is room for the output):
    removed from the folder at once, its space freed when it is closed or the process
    ends, so a killed mailing leaves nothing of it behind."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".spill-")
    os.unlink(name)
    return os.fdopen(fd, "w+b")


def _inherited(page: Any, key: str) -> Any:
    """A page attribute set on an ancestor in the source's page tree."""
    node = page.get("/Parent")
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float):
        return _scalar(Decimal(repr(value)))
    raise TypeError(f"no PDF syntax for {type(value).__name__}")


def _string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, as a hex string."""
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"

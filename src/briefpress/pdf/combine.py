"""One tagged document from two: a letter and the brief behind it.

Copying pages from one PDF into another (pikepdf, like qpdf) carries their drawing,
fonts and links, but not the document's structure tree, which lives beside the pages:
a letter joined to its brief that way reaches a screen reader untagged, and fails
PDF/UA-1 even though both parts passed on their own. :func:`merge_structure` gives the
joined file one structure tree: the first document's, with the second's appended as a
``Part``, their marked-content and annotation keys kept apart, and the parent tree built
anew. The first document's metadata (title, PDF/UA identification) and viewer settings
go with it.
"""

from __future__ import annotations

from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from briefpress.pdf.finish import is_elem, kids_of
from briefpress.pdf.variable import foreign

CARRIED = ("/Metadata", "/ViewerPreferences", "/MarkInfo")


def tagged(doc: pikepdf.Pdf) -> bool:
    return "/StructTreeRoot" in doc.Root and bool(kids_of(doc.Root.StructTreeRoot))


def merge_structure(out: pikepdf.Pdf, first: pikepdf.Pdf, second: pikepdf.Pdf | None) -> None:
    """Give ``out`` (the pages of ``first``, then those of ``second``, copied from them in
    that order) one structure tree made of theirs. Nothing happens unless both are
    tagged (``second`` may be None: ``first`` alone).

    pikepdf (qpdf) copies each object of a source once per destination, so the elements
    copied here point at the pages and annotations already copied with the pages; and
    the parent trees' rows, copied too, at these elements. Only the keys of the second
    document's pages and annotations move, past the first's."""
    sources = [first] if second is None else [first, second]
    if not all(tagged(doc) for doc in sources):
        return
    start, offset = 0, 0
    tops: list[Any] = []
    rows: list[tuple[int, Any]] = []
    for doc in sources:
        pages = out.pages[start : start + len(doc.pages)]
        _shift_keys(pages, offset)
        root = doc.Root.StructTreeRoot
        tops.append(out.copy_foreign(next(k for k in kids_of(root) if is_elem(k))))
        tree = root.get("/ParentTree")
        if tree is not None:
            copied = pikepdf.NumberTree(out.copy_foreign(tree) if tree.is_indirect else tree)
            rows += [(int(key) + offset, _local(out, value)) for key, value in copied.items()]
        offset += _key_count(doc)
        start += len(doc.pages)
    document = tops[0]
    for part in tops[1:]:
        part.S = Name.Part  # the brief inside the letter's document
        part.P = document
        document.K = Array([*kids_of(document), part])
    nums = Array([item for key, value in sorted(rows, key=lambda r: r[0]) for item in (key, value)])
    root = out.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=document,
            ParentTree=out.make_indirect(Dictionary(Nums=nums)),
            ParentTreeNextKey=offset,
        )
    )
    document.P = root
    role_map = first.Root.StructTreeRoot.get("/RoleMap")
    if role_map is not None:
        root.RoleMap = foreign(out, role_map)
    out.Root.StructTreeRoot = root
    for key in CARRIED:
        if key in first.Root:
            out.Root[key] = foreign(out, first.Root[key])


def _local(out: pikepdf.Pdf, value: Any) -> Any:
    """A parent-tree value read from a tree copied into ``out``: already ``out``'s own
    when indirect; a direct array is taken as it is."""
    return value if value.is_indirect else Array(list(value))


def _key_count(doc: pikepdf.Pdf) -> int:
    """How many parent-tree keys a document uses (its pages' and annotations')."""
    root = doc.Root.StructTreeRoot
    if "/ParentTreeNextKey" in root:
        return int(root.ParentTreeNextKey)
    keys = [int(p.obj.get("/StructParents", -1)) for p in doc.pages]
    for page in doc.pages:
        keys += [int(a.get("/StructParent", -1)) for a in page.obj.get("/Annots", [])]
    return max(keys, default=-1) + 1


def _shift_keys(pages: Any, offset: int) -> None:
    """Parent-tree keys of the copied pages and their annotations, after those before."""
    if not offset:
        return
    for page in pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset

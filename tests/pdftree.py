"""Checks of a PDF's structure tree, shared by the tests of the PDF and mail stages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pikepdf

from briefpress.pdf.finish import is_elem, kids_of
from briefpress.pdf.tagging import PART_KEY


def elements(doc: pikepdf.Pdf) -> Iterator[Any]:
    """Every structure element, in reading order."""
    stack = [k for k in reversed(kids_of(doc.Root.StructTreeRoot)) if is_elem(k)]
    while stack:
        elem = stack.pop()
        yield elem
        stack += [k for k in reversed(kids_of(elem)) if is_elem(k)]


def drawn_mcids(page: pikepdf.Page) -> list[int]:
    found = []
    for item in pikepdf.parse_content_stream(page):
        if isinstance(item, pikepdf.ContentStreamInstruction) and str(item.operator) == "BDC":
            props = item.operands[1]
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                found.append(int(props.MCID))
    return found


def structure_faults(doc: pikepdf.Pdf) -> list[str]:
    """What is wrong with the tree: a part mark left, a page that is not the document's,
    a kid whose /P is not its parent, marked content claimed twice or by no element, or a
    parent tree entry that does not name the element that claims the content (or names
    one for content the page no longer draws)."""
    pages = {p.objgen: i for i, p in enumerate(doc.pages)}
    faults: list[str] = []
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # (page, MCID) -> element
    for elem in elements(doc):
        if PART_KEY in elem:
            faults.append(f"{elem.S} keeps {PART_KEY}")
        page = elem.get("/Pg")
        if page is not None and page.objgen not in pages:
            faults.append(f"{elem.S} points at a page not in the document")
        for kid in kids_of(elem):
            if is_elem(kid):
                if kid.P.objgen != elem.objgen:
                    faults.append(f"{kid.S} under {elem.S} names another parent")
            elif isinstance(kid, pikepdf.Dictionary):
                continue  # an annotation (OBJR)
            elif page is None or page.objgen not in pages:
                faults.append(f"{elem.S} claims content on no page")
            else:
                key = (pages[page.objgen], int(kid))
                if key in owner:
                    faults.append(f"MCID {key} is claimed twice")
                owner[key] = elem.objgen
    parent_tree = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)
    for index, page in enumerate(doc.pages):
        drawn = drawn_mcids(page)
        if len(set(drawn)) != len(drawn):
            faults.append(f"page {index + 1} draws an MCID twice")
        entry = parent_tree.get(int(page.obj.StructParents)) if drawn else None
        for mcid in drawn:
            if (index, mcid) not in owner:
                faults.append(f"MCID {mcid} on page {index + 1} belongs to no element")
            elif entry is None or len(entry) <= mcid or entry[mcid].objgen != owner[index, mcid]:
                faults.append(f"the parent tree misplaces MCID {mcid} on page {index + 1}")
        faults += [
            f"an element claims MCID {m} that page {index + 1} does not draw"
            for i, m in owner
            if i == index and m not in drawn
        ]
        faults += [
            f"the parent tree gives page {index + 1} an MCID {m} it does not draw"
            for m, elem in enumerate(entry or [])
            if isinstance(elem, pikepdf.Dictionary) and m not in drawn
        ]
    return faults


def outline(doc: pikepdf.Pdf) -> list[tuple[str, int, int]]:
    """The tree as a screen reader walks it: each element's type, depth and how much
    marked content it holds (MCIDs differ between renders; the shape must not)."""
    shape = []
    stack = [(k, 0) for k in reversed(kids_of(doc.Root.StructTreeRoot)) if is_elem(k)]
    while stack:
        elem, depth = stack.pop()
        content = [k for k in kids_of(elem) if not is_elem(k)]
        shape.append((str(elem.S), depth, len(content)))
        stack += [(k, depth + 1) for k in reversed(kids_of(elem)) if is_elem(k)]
    return shape

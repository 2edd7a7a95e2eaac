"""Documents that differ only in a few marked parts: lay out the rest once, put each
copy's parts into it.

A mailing's letters are one text but for what names the recipient: the address in the
envelope window, the salutation, a personal note. Laying out the rest of a two-page
letter is most of WeasyPrint's work, so a mailing renders one letter per language whole
(the template) and, for every other recipient, only the head of the letter, up to a mark
in the flow. The head's marked parts then replace the template's: their drawing on the
first page, the fonts and images they use, and their structure elements, so each letter
stays tagged for screen readers (PDF/UA) as a whole render would be. This is what
variable-data printing (PDF/VT) does for print runs: the constant part laid out once,
the variable part per copy.

A template marks its parts with ``data-pdf-part`` (see :mod:`briefpress.pdf.tagging`)
and the point where the flow continues with an element whose id is :data:`FLOW_MARK`
(a named destination in the PDF). The parts are swapped only when that is safe:

- the flow continues at the same point in both documents, so everything after the mark
  is laid out as a whole render would lay it out;
- both have the same parts (count and structure types), all on the first page;
- no part holds a link (its annotation would have to move with it).

Otherwise :meth:`Templates.fill` returns None and the caller renders the whole document.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from briefpress.pdf.finish import is_elem, kids_of, rebuild_parent_tree
from briefpress.pdf.tagging import PART_KEY

FLOW_MARK = "letter-flow"
PAINT_PATH = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
SHOW_TEXT = {"Tj", "TJ", "'", '"'}
PAINT_OTHER = {"Do", "sh"}
# Operators that name a resource: the resource category and the operand that names it.
RESOURCE_OPERANDS = {
    "Tf": ("/Font", 0),
    "gs": ("/ExtGState", 0),
    "Do": ("/XObject", 0),
    "sh": ("/Shading", 0),
    "cs": ("/ColorSpace", 0),
    "CS": ("/ColorSpace", 0),
    "scn": ("/Pattern", -1),
    "SCN": ("/Pattern", -1),
    "BDC": ("/Properties", 1),
}
RENAMED = "bpv"  # the prefix of the parts' resource names in the filled document
FlowPoint = tuple[int, float, float]


@dataclass(frozen=True)
class Parts:
    """A document's marked parts, in reading order, and their marked content on page 1."""

    elements: list[Any]
    mcids: set[int]

    @property
    def shape(self) -> list[str]:
        return [str(e.S) for e in self.elements]


def find_parts(doc: pikepdf.Pdf) -> Parts | None:
    """The elements marked as parts, or None when one is not wholly on the first page or
    holds an annotation (nothing here could move them safely)."""
    if "/StructTreeRoot" not in doc.Root or not doc.pages:
        return None
    first = doc.pages[0].obj.objgen
    elements: list[Any] = []
    mcids: set[int] = set()
    stack = [k for k in reversed(kids_of(doc.Root.StructTreeRoot)) if is_elem(k)]
    while stack:
        elem = stack.pop()
        if PART_KEY not in elem:
            stack += [k for k in reversed(kids_of(elem)) if is_elem(k)]
            continue
        elements.append(elem)
        for node in _subtree(elem):
            page = node.get("/Pg")
            if page is not None and page.objgen != first:
                return None
            for kid in kids_of(node):
                if isinstance(kid, Dictionary) and not is_elem(kid):
                    return None  # an annotation (OBJR) or a marked-content reference
                if not is_elem(kid):
                    mcids.add(int(kid))
    return Parts(elements, mcids)


def _subtree(elem: Any) -> Iterator[Any]:
    """``elem`` and every structure element under it."""
    stack = [elem]
    while stack:
        node = stack.pop()
        yield node
        stack += [k for k in kids_of(node) if is_elem(k)]


def flow_point(doc: pikepdf.Pdf) -> FlowPoint | None:
    """Where the flow continues after the parts: the page and point of the mark."""
    names = doc.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    entries = list(dests.get("/Names", [])) if dests is not None else []
    pages = {page.obj.objgen: i for i, page in enumerate(doc.pages)}
    for name, dest in zip(entries[::2], entries[1::2], strict=False):
        if bytes(name) == FLOW_MARK.encode("ascii") and isinstance(dest, Array) and len(dest) > 3:
            page = pages.get(dest[0].objgen)
            if page is not None:
                return page, round(float(dest[2]), 2), round(float(dest[3]), 2)
    return None


R = TypeVar("R")


class Template:
    """One whole document whose parts can be replaced by those of others like it."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.shape: list[str] | None = None
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            parts = find_parts(doc)
            self.flow = flow_point(doc)
            self.pages = len(doc.pages)
            if parts is None or not parts.elements or self.flow is None:
                return
            instructions = pikepdf.parse_content_stream(doc.pages[0])
            used = {m for m in map(_mcid, instructions) if m is not None}
            self.next_mcid = max(used, default=-1) + 1
            self.first_page = pikepdf.unparse_content_stream(
                _select(instructions, parts.mcids, keep=False)
            )
            # Reopened from the same bytes, the document keeps its object numbers: the
            # parts and the first page's row of the parent tree are found by them.
            self.part_ids = [e.objgen for e in parts.elements]
            self.mcids = parts.mcids
            self.page_key = int(doc.pages[0].obj.get("/StructParents", -1))
            self.shape = parts.shape

    @property
    def usable(self) -> bool:
        return self.shape is not None

    def fits(self, parts: Parts, flow: FlowPoint | None) -> bool:
        return parts.shape == self.shape and flow == self.flow

    def fill(self, head: pikepdf.Pdf, parts: Parts, then: Callable[[pikepdf.Pdf], R]) -> R:
        """``then`` of this document with ``parts`` of ``head`` in place of its own (check
        :meth:`fits` first); the head's structure elements are consumed."""
        with pikepdf.open(io.BytesIO(self.pdf)) as doc:
            self._swap(doc, head, parts)
            return then(doc)

    def _swap(self, doc: pikepdf.Pdf, head: pikepdf.Pdf, parts: Parts) -> None:
        page, head_page = doc.pages[0], head.pages[0]
        numbers = {m: self.next_mcid + i for i, m in enumerate(sorted(parts.mcids))}
        renamed: dict[tuple[str, str], str] = {}
        instructions = pikepdf.parse_content_stream(head_page)
        drawn = _select(instructions, parts.mcids, keep=True, numbers=numbers, renamed=renamed)
        _copy_resources(doc, page, head_page, renamed)
        streams = [b"q\n", self.first_page, b"\nQ\nq\n", pikepdf.unparse_content_stream(drawn)]
        page.obj.Contents = Array([doc.make_stream(data) for data in [*streams, b"\nQ\n"]])
        owners: dict[int, Any] = {}
        for objgen, new in zip(self.part_ids, parts.elements, strict=True):
            owners |= _replace_element(doc, page, doc.get_object(objgen), new, numbers)
        if not self._update_parent_tree(doc, owners):
            rebuild_parent_tree(doc)

    def _update_parent_tree(self, doc: pikepdf.Pdf, owners: dict[int, Any]) -> bool:
        """The first page's row of the parent tree with the parts' MCIDs changed; False
        if the tree is not the flat one the finishing step writes."""
        tree = doc.Root.StructTreeRoot.get("/ParentTree")
        nums = tree.get("/Nums") if tree is not None else None
        if nums is None or self.page_key < 0:
            return False
        for index in range(0, len(nums) - 1, 2):
            if int(nums[index]) == self.page_key and isinstance(nums[index + 1], Array):
                row: list[Any] = list(nums[index + 1])
                row = [None if i in self.mcids else e for i, e in enumerate(row)]
                row += [None] * (max(owners, default=-1) + 1 - len(row))
                for mcid, element in owners.items():
                    row[mcid] = element
                nums[index + 1] = Array(row)
                return True
        return False


class Templates:
    """The templates of one kind of document: a few, as copies may differ in shape (a
    personal note is one more part; a long salutation takes two lines)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: list[Template] = []

    def add(self, pdf: bytes) -> None:
        template = Template(pdf)
        if template.usable:
            self.items = [template, *self.items][: self.size]

    def fill(self, head_pdf: bytes, then: Callable[[pikepdf.Pdf], R]) -> tuple[R, int] | None:
        """``then`` of a whole document made from the head of one, and the document's page
        count; None when no template fits the head."""
        if not self.items:
            return None
        with pikepdf.open(io.BytesIO(head_pdf)) as head:
            parts = find_parts(head)
            if parts is None:
                return None
            flow = flow_point(head)
            for template in self.items:
                if template.fits(parts, flow):
                    return template.fill(head, parts, then), template.pages
        return None


def _mcid(instruction: Any) -> int | None:
    if not isinstance(instruction, pikepdf.ContentStreamInstruction):
        return None
    if str(instruction.operator) != "BDC" or len(instruction.operands) < 2:
        return None
    properties = instruction.operands[1]
    if isinstance(properties, Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None


def _select(
    instructions: list[Any],
    mcids: set[int],
    keep: bool,
    numbers: dict[int, int] | None = None,
    renamed: dict[tuple[str, str], str] | None = None,
) -> list[Any]:
    """The content with only the drawing inside ``mcids`` (``keep``) or all but that.

    Only painting is left out (a path ends unpainted, text and images are not shown):
    every change of the graphics state stays, so what is drawn is drawn exactly as
    before. With ``keep``, the kept content's MCIDs are renumbered by ``numbers`` and the
    resources it names renamed (``renamed`` collects them) so that it can join another
    page's content."""
    out: list[Any] = []
    stack: list[tuple[bool, bool]] = []  # per open marked sequence: (written, selected)
    depth = 0  # selected sequences open
    for item in instructions:
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            if (depth > 0) == keep:
                out.append(item)
            continue
        op = str(item.operator)
        if op in ("BMC", "BDC"):
            selected = _mcid(item) in mcids
            depth += selected
            written = depth > 0 if keep else depth == 0
            stack.append((written, selected))
            if written:
                out.append(_renumbered(item, numbers) if keep and selected else item)
            continue
        if op == "EMC":
            written, selected = stack.pop() if stack else (not keep, False)
            depth -= selected
            if written:
                out.append(item)
            continue
        if op in PAINT_PATH | SHOW_TEXT | PAINT_OTHER and (depth > 0) != keep:
            if op in PAINT_PATH:
                out.append(pikepdf.ContentStreamInstruction([], Operator("n")))
            elif op in ("'", '"'):
                out.append(pikepdf.ContentStreamInstruction([], Operator("T*")))
            continue
        if keep and renamed is not None and op in RESOURCE_OPERANDS:
            item = _rename(item, op, renamed)
        out.append(item)
    return out


def _renumbered(item: Any, numbers: dict[int, int] | None) -> Any:
    mcid = _mcid(item)
    if numbers is None or mcid is None:
        return item
    properties = Dictionary({k: v for k, v in item.operands[1].items()})
    properties.MCID = numbers[mcid]
    return pikepdf.ContentStreamInstruction([item.operands[0], properties], item.operator)


def _rename(item: Any, op: str, renamed: dict[tuple[str, str], str]) -> Any:
    category, index = RESOURCE_OPERANDS[op]
    operands = list(item.operands)
    if not operands or not isinstance(operands[index], Name):
        return item
    name = str(operands[index])
    if category == "/ColorSpace" and name in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray"):
        return item
    new = renamed.setdefault((category, name), f"/{RENAMED}{len(renamed)}")
    operands[index] = Name(new)
    return pikepdf.ContentStreamInstruction(operands, item.operator)


def _copy_resources(
    doc: pikepdf.Pdf, page: Any, head_page: Any, renamed: dict[tuple[str, str], str]
) -> None:
    """The resources the head's parts use, under their new names, on ``page``."""
    if not renamed:
        return
    resources = page.obj.get("/Resources")
    resources = Dictionary() if resources is None else Dictionary(dict(resources.items()))
    head_resources = head_page.obj.Resources
    for (category, old), new in renamed.items():
        found = head_resources.get(category, Dictionary()).get(old)
        if found is None:
            continue
        entries = resources.get(category)
        entries = Dictionary() if entries is None else Dictionary(dict(entries.items()))
        entries[new] = foreign(doc, found)
        resources[category] = entries
    page.obj.Resources = resources


def _replace_element(
    doc: pikepdf.Pdf, page: Any, old: Any, new: Any, numbers: dict[int, int]
) -> dict[int, Any]:
    """Put a copy of the head's element ``new`` where the template's ``old`` is; returns
    the copy's MCIDs with the element that holds each."""
    for node in _subtree(new):  # cut the links back into the head's tree and page
        for key in ("/Pg", PART_KEY):
            if key in node:
                del node[key]
        kids = kids_of(node)
        if kids and any(not is_elem(k) for k in kids):
            node.K = Array([k if is_elem(k) else numbers[int(k)] for k in kids])
    del new["/P"]
    copy = foreign(doc, new)
    copy.P = old.P
    owners: dict[int, Any] = {}
    for node in _subtree(copy):
        node.Pg = page.obj
        owners |= {int(k): node for k in kids_of(node) if not is_elem(k)}
    parent = old.P
    kids = [copy if is_elem(k) and k.objgen == old.objgen else k for k in kids_of(parent)]
    parent.K = Array(kids)
    return owners


def foreign(doc: pikepdf.Pdf, value: Any) -> Any:
    """``value`` from another PDF, usable in ``doc`` (pikepdf copies only indirect objects)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return doc.copy_foreign(value)
    if isinstance(value, Array):
        return Array([foreign(doc, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({k: foreign(doc, v) for k, v in value.items()})
    return value

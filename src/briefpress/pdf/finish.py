"""The last step of the PDF stage: what WeasyPrint's output lacks for PDF/UA-1 and for
a print shop's PDF/X-4 preflight, put right with pikepdf.

Screen edition (PDF/UA-1): the structure tree WeasyPrint writes nests a heading in a
heading and a link in a link when CSS makes anonymous boxes, puts a definition list's
rows (``<div>`` in ``<dl>``) straight into an ``L``, and leaves a link annotation in a
``Span``. :func:`repair_structure` mends those shapes wherever they occur, so any
template (a user's too) comes out as ISO 14289-1 wants it, and each link gets the
description it must carry.

Both editions: a hyphen drawn where a word was hyphenated at a line's end is marked as a
soft hyphen (ActualText U+00AD), so that the text layer keeps the word whole.

Print edition (PDF/X-4): a landscape page turned onto the portrait trim, no links
(nothing to click on paper, and ISO 15930-7 wants no annotations on the printed area),
crop marks in the registration colour outside the bleed with a slug around it to hold
them, the output intent named by its registered printing condition, and neutral sRGB
greys (black and white in SVG figures, the default of WeasyPrint's painter) written as
the grey of the output device. Any other RGB colour is left for the preflight
(``pdf/preflight.py``) to report: it has no single right CMYK value and must come from
the brand's palette.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from briefpress.pdf.compact import compact_fonts
from briefpress.pdf.ligatures import mark_rtl_ligatures
from briefpress.pdf.marks import mark_glyphs_to_baseline
from briefpress.pdf.tagging import PART_KEY
from briefpress.pdf.unicode import fill_unicode_gaps
from briefpress.render.medium import Medium

MM = 72 / 25.4
SLUG = 9 * MM  # beyond the bleed: room for the crop marks
MARK_OFFSET = 5 * MM  # from the trim, so the marks start 2 mm outside the 3 mm bleed
MARK_LENGTH = 4 * MM
# The printing condition the theme's profile characterises, as registered at the ICC
# (https://www.color.org/registry): a preflight matches the identifier, not the file.
FOGRA39 = {
    "identifier": "FOGRA39",
    "condition": (
        "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 "
        "= coated art, 115 g/m2, screen ruling 60/cm"
    ),
    "info": "Coated FOGRA39 (ISO 12647-2:2004)",
    "registry": "http://www.color.org",
}
# Tags whose box WeasyPrint splits into an anonymous child of the same tag.
SPLICE_SAME = {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/P", "/Link", "/Caption"}
LIST_KIDS = {"/L", "/LI", "/Caption"}


def finish(
    pdf: bytes, medium: Medium, compress: bool = True, keep_parts: bool = False, head: bool = False
) -> bytes:
    """The edition's repairs, applied to WeasyPrint's bytes (a ``prepress`` medium's too).

    ``compress=False`` leaves WeasyPrint's plain streams plain, for a caller that
    compresses them itself (a mailing compresses what its letters repeat only once).
    ``keep_parts`` keeps the marks of replaceable parts (:mod:`briefpress.pdf.variable`),
    which no file a user gets may carry. A ``head`` is rendered only for its parts
    (pdf/variable.py takes their elements and content, nothing else): its elements are
    mended, but its parent tree and unclaimed content are left, as nothing reads them.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        fill_unicode_gaps(doc)
        if "/StructTreeRoot" in doc.Root:
            repair_structure(doc, parent_tree=not head)
            if not keep_parts:
                remove_part_marks(doc)
        soft_hyphens(doc)
        mark_glyphs_to_baseline(doc)
        mark_rtl_ligatures(doc)
        if medium.prepress:
            remove_annotations(doc)
            turn_landscape_pages(doc)
            add_slug_and_marks(doc)
            register_output_intent(doc)
            neutral_rgb_to_grey(doc)
        compact_fonts(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=compress)
    return out.getvalue()


# ---- structure -------------------------------------------------------------------------


def is_elem(obj: Any) -> bool:
    return isinstance(obj, Dictionary) and obj.get("/Type") != "/OBJR" and "/S" in obj


def kids_of(elem: Any) -> list[Any]:
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def set_kids(elem: Any, kids: list[Any]) -> None:
    elem.K = Array(kids)
    for kid in kids:
        if is_elem(kid):
            kid.P = elem


def new_elem(doc: pikepdf.Pdf, tag: str, parent: Any, kids: list[Any]) -> Any:
    elem = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name(tag), P=parent))
    if "/Pg" in parent:
        elem.Pg = parent.Pg
    set_kids(elem, kids)
    return elem


def repair_structure(doc: pikepdf.Pdf, parent_tree: bool = True) -> None:
    """Mend the tree (see the module's docstring), then rebuild its parent tree and mark
    unclaimed content as artifacts (unless ``parent_tree`` is False: a head's)."""
    root = doc.Root.StructTreeRoot
    for top in kids_of(root):
        if is_elem(top):
            _repair(doc, top, None)
    index_ids(doc)
    if not parent_tree:
        return
    tagged = rebuild_parent_tree(doc)
    mark_untagged_as_artifacts(doc, tagged)


def index_ids(doc: pikepdf.Pdf) -> None:
    """The structure tree's /IDTree: each element with an /ID (a note) by its ID, as
    ISO 32000-1 14.7.2 requires of a tree whose elements have them."""
    named = sorted(
        ((bytes(kid.ID), kid) for _parent, kid in walk_tree(doc) if is_elem(kid) and "/ID" in kid),
        key=lambda pair: pair[0],
    )
    if named:
        names = [item for key, elem in named for item in (pikepdf.String(key), elem)]
        doc.Root.StructTreeRoot.IDTree = doc.make_indirect(Dictionary(Names=Array(names)))


def mark_untagged_as_artifacts(doc: pikepdf.Pdf, tagged: dict[int, set[int]]) -> None:
    """Content with an MCID that no structure element claims (WeasyPrint's running
    heads and page numbers) becomes an artifact, as ISO 14289-1 7.1 asks."""
    for index, page in enumerate(doc.pages):
        claimed = tagged.get(index, set())
        changed, ops = False, []
        for item in pikepdf.parse_content_stream(page):
            if (
                isinstance(item, pikepdf.ContentStreamInstruction)
                and str(item.operator) == "BDC"
                and isinstance(item.operands[1], Dictionary)
                and "/MCID" in item.operands[1]
                and int(item.operands[1].MCID) not in claimed
            ):
                item = pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC"))
                changed = True
            ops.append(item)
        if changed:
            page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))


def _repair(doc: pikepdf.Pdf, elem: Any, link_objrs: list[Any] | None) -> None:
    """Depth first: children are mended before the rules look at their parent.
    ``link_objrs`` collects the annotations found below the nearest enclosing Link."""
    inside_link = link_objrs is not None
    own_objrs: list[Any] = []
    if elem.S == "/Link" and not inside_link:
        link_objrs = own_objrs
    kids: list[Any] = []
    for kid in kids_of(elem):
        if not is_elem(kid):
            if _is_link_objr(kid) and link_objrs is not None:
                link_objrs.append(kid)  # the annotation belongs to the enclosing link
                continue
            if _is_link_objr(kid):
                if elem.S in ("/Span", "/NonStruct"):
                    elem.S = Name.Link
                    own_objrs.append(kid)
                    continue
                kid = new_elem(doc, "/Link", elem, [kid])
            kids.append(kid)
            continue
        _repair(doc, kid, link_objrs)
        if kid.S == elem.S and kid.S in SPLICE_SAME:
            kids.extend(kids_of(kid))  # an anonymous box of the same element
        elif kid.S == "/Link" and (inside_link or elem.S == "/Link"):
            kids.extend(kids_of(kid))  # a link inside a link is the same link
        else:
            kids.append(kid)
    if elem.S == "/L":
        kids = [_as_list_item(doc, elem, kid) for kid in kids]
    if own_objrs:
        kids += _dedupe_objr(own_objrs)
    set_kids(elem, kids)
    if elem.S == "/LI":
        _label_and_body(doc, elem)


def _is_link_objr(obj: Any) -> bool:
    return (
        isinstance(obj, Dictionary)
        and obj.get("/Type") == "/OBJR"
        and obj.Obj.get("/Subtype") == "/Link"
    )


def _dedupe_objr(objrs: list[Any]) -> list[Any]:
    seen: set[tuple[int, int]] = set()
    out = []
    for objr in objrs:
        key = objr.Obj.objgen
        if key not in seen:
            seen.add(key)
            out.append(objr)
    return out


def _as_list_item(doc: pikepdf.Pdf, parent: Any, kid: Any) -> Any:
    """A child of L must be L, LI or Caption: a row of a definition list (Div holding
    the term's and the description's LI) becomes one LI; anything else is wrapped."""
    if not is_elem(kid) or kid.S in LIST_KIDS:
        return kid if is_elem(kid) else new_elem(doc, "/LI", parent, [kid])
    items = [k for k in kids_of(kid) if is_elem(k)]
    if items and all(k.S == "/LI" for k in items) and len(items) == len(kids_of(kid)):
        bodies = [body for item in items for body in kids_of(item)]
        kid.S = Name.LI
        set_kids(kid, bodies)
        _label_and_body(doc, kid)
        return kid
    body = new_elem(doc, "/LBody", parent, [kid])
    return new_elem(doc, "/LI", parent, [body])


def _label_and_body(doc: pikepdf.Pdf, item: Any) -> None:
    """An LI holds a label and a body: of two bodies (a term and its description), the
    first is the label; anything else is wrapped in one LBody."""
    kids = kids_of(item)
    tags = [k.S if is_elem(k) else None for k in kids]
    if tags == ["/LBody", "/LBody"]:
        kids[0].S = Name.Lbl
    elif any(t not in ("/Lbl", "/LBody") for t in tags):
        loose = [k for k, t in zip(kids, tags, strict=True) if t not in ("/Lbl", "/LBody")]
        if len(loose) == len(kids):
            set_kids(item, [new_elem(doc, "/LBody", item, kids)])


def remove_part_marks(doc: pikepdf.Pdf) -> None:
    """Drop the private key that marks a replaceable part (see pdf/tagging.py)."""
    for top in kids_of(doc.Root.StructTreeRoot):
        if is_elem(top) and PART_KEY in top:
            del top[PART_KEY]
    for _, kid in walk_tree(doc):
        if is_elem(kid) and PART_KEY in kid:
            del kid[PART_KEY]


def walk_tree(doc: pikepdf.Pdf) -> Iterator[tuple[Any, Any]]:
    """(element, kid) for every kid in the structure tree, depth first."""
    stack = [k for k in kids_of(doc.Root.StructTreeRoot) if is_elem(k)]
    while stack:
        elem = stack.pop()
        for kid in kids_of(elem):
            yield elem, kid
            if is_elem(kid):
                stack.append(kid)


def rebuild_parent_tree(doc: pikepdf.Pdf) -> dict[int, set[int]]:
    """Point every marked-content id and annotation at the element that now holds it;
    returns the MCIDs claimed on each page (by page index)."""
    root = doc.Root.StructTreeRoot
    page_key = {p.objgen: int(p.get("/StructParents", i)) for i, p in enumerate(doc.pages)}
    mcids: dict[int, dict[int, Any]] = {}
    entries: dict[int, Any] = {}
    for elem, kid in walk_tree(doc):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and _is_int(kid)):
            page = elem.get("/Pg")
            if page is not None and page.objgen in page_key:
                mcids.setdefault(page_key[page.objgen], {})[int(kid)] = elem
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
            annot = kid.Obj
            if "/StructParent" in annot:
                entries[int(annot.StructParent)] = elem
    for key, by_mcid in mcids.items():
        size = max(by_mcid) + 1
        entries[key] = Array([by_mcid.get(i) for i in range(size)])
    nums: list[Any] = []
    for key in sorted(entries):
        nums += [key, entries[key]]
    root.ParentTree = doc.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = (max(entries) + 1) if entries else 0
    by_index = {key: i for i, key in enumerate(page_key.values())}
    return {by_index[key]: set(found) for key, found in mcids.items() if key in by_index}


def _is_int(obj: Any) -> bool:
    try:
        int(obj)
    except (TypeError, ValueError):
        return False
    return not isinstance(obj, Dictionary | Array)


# ---- text layer --------------------------------------------------------------------------

HYPHENATION = 0x2010  # the hyphen WeasyPrint draws where `hyphens: auto` breaks a word
SOFT_HYPHEN = pikepdf.String("\u00ad")


def _hyphen_codes(resources: Any) -> dict[str, bytes]:
    """For each font of ``resources`` (by resource name), the code of the glyph its
    ToUnicode map reads as U+2010: the drawn hyphen of a hyphenated word."""
    found = {}
    for name, font in resources.get("/Font", Dictionary()).items():
        cmap = font.get("/ToUnicode")
        if not isinstance(cmap, pikepdf.Stream):
            continue
        for line in cmap.read_bytes().split(b"\n"):
            parts = line.split()
            if len(parts) == 2 and parts[1] == b"<2010>" and parts[0].startswith(b"<"):
                found[str(name)] = bytes.fromhex(parts[0][1:-1].decode("ascii"))
    return found


def _split_hyphen(ins: Any, code: bytes) -> list[Any] | None:
    """A line's last TJ ending in the hyphen glyph: the hyphen drawn on its own, marked
    with ActualText U+00AD, so that text extraction and assistive technology read a soft
    hyphen (ISO 32000-1, 14.8.2.2.3) and keep the word whole: "educa-tion", not "educa- tion"."""
    items = list(ins.operands[0])
    strings = [i for i, x in enumerate(items) if isinstance(x, pikepdf.String)]
    if not strings:
        return None
    last = bytes(items[strings[-1]])
    if not last.endswith(code) or len(last) % len(code):
        return None
    items[strings[-1]] = pikepdf.String(last[: -len(code)])
    span = Dictionary(ActualText=SOFT_HYPHEN)
    return [
        pikepdf.ContentStreamInstruction([Array(items)], Operator("TJ")),
        pikepdf.ContentStreamInstruction([Name.Span, span], Operator("BDC")),
        pikepdf.ContentStreamInstruction([Array([pikepdf.String(code)])], Operator("TJ")),
        pikepdf.ContentStreamInstruction([], Operator("EMC")),
    ]


def _soften(doc: pikepdf.Pdf, owner: Any, resources: Any, seen: set[tuple[int, int]]) -> None:
    codes = _hyphen_codes(resources)
    for xobject in resources.get("/XObject", Dictionary()).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            _soften(doc, xobject, xobject.get("/Resources", Dictionary()), seen)
    if not codes:
        return
    ops: list[Any] = []
    font, changed = "", False
    for ins in pikepdf.parse_content_stream(owner):
        name = str(ins.operator) if isinstance(ins, pikepdf.ContentStreamInstruction) else ""
        if name == "Tf":
            font = str(ins.operands[0])
        elif name == "TJ" and font in codes:
            split = _split_hyphen(ins, codes[font])
            if split:
                ops += split
                changed = True
                continue
        ops.append(ins)
    if changed:
        data = pikepdf.unparse_content_stream(ops)
        if isinstance(owner, pikepdf.Stream):
            owner.write(data)
        else:
            owner.Contents = doc.make_stream(data)


def soft_hyphens(doc: pikepdf.Pdf) -> None:
    """Every drawn line-end hyphen of every page read as a soft hyphen (see _split_hyphen)."""
    seen: set[tuple[int, int]] = set()
    for page in doc.pages:
        if "/Resources" in page.obj:
            _soften(doc, page, page.obj.Resources, seen)


# ---- print -------------------------------------------------------------------------------


def remove_annotations(doc: pikepdf.Pdf) -> None:
    """Paper has nothing to click: drop the link annotations and their OBJR tags."""
    for page in doc.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if "/StructTreeRoot" not in doc.Root:
        return
    for elem, _kid in list(walk_tree(doc)):
        kids = kids_of(elem)
        kept = [k for k in kids if not (isinstance(k, Dictionary) and k.get("/Type") == "/OBJR")]
        if len(kept) != len(kids):
            set_kids(elem, kept)
            if elem.S == "/Link":
                elem.S = Name.Span
    rebuild_parent_tree(doc)


def _box(page: Any, name: str) -> list[float]:
    return [float(v) for v in page.obj.get(name, page.obj.MediaBox)]


def _portrait(box: list[float]) -> bool:
    return box[3] - box[1] >= box[2] - box[0]


def _turned(box: list[float], media: list[float]) -> Array:
    """``box`` turned with its page: (x, y) -> (height - (y - y0), x - x0), the top edge
    becoming the left one."""
    x0, y0, height = media[0], media[1], media[3] - media[1]
    bx0, by0, bx1, by1 = box
    return Array([height - (by1 - y0), bx0 - x0, height - (by0 - y0), bx1 - x0])


def turn_landscape_pages(doc: pikepdf.Pdf) -> None:
    """A landscape page in a portrait brief (a wide table's named page) turned a quarter
    anticlockwise onto a portrait page of the same size: a print run has one trim size,
    and a wide table is read with the sheet turned, its head to the binding edge."""
    if not doc.pages or not _portrait(_box(doc.pages[0], "/TrimBox")):
        return
    for page in doc.pages:
        media = _box(page, "/MediaBox")
        if _portrait(media):
            continue
        trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        page.obj.TrimBox, page.obj.BleedBox = _turned(trim, media), _turned(bleed, media)
        page.obj.MediaBox = _turned(media, media)
        if "/CropBox" in page.obj:
            del page.obj["/CropBox"]
        height = media[3] - media[1]
        turn = f"q 0 1 -1 0 {height:.4f} 0 cm 1 0 0 1 {-media[0]:.4f} {-media[1]:.4f} cm\n"
        page.contents_add(doc.make_stream(turn.encode("ascii")), prepend=True)
        page.contents_add(doc.make_stream(b"Q\n"))


def add_slug_and_marks(doc: pikepdf.Pdf) -> None:
    """Widen each page's MediaBox beyond the bleed and draw crop marks there, in the
    registration colour (every separation), where no bleed can paint over them."""
    registration = Array(
        [
            Name.Separation,
            Name.All,
            Name.DeviceCMYK,
            Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1),
        ]
    )
    for page in doc.pages:
        trim = _box(page, "/TrimBox")
        bleed = _box(page, "/BleedBox")
        media = [bleed[0] - SLUG, bleed[1] - SLUG, bleed[2] + SLUG, bleed[3] + SLUG]
        page.obj.MediaBox = Array(media)
        page.obj.BleedBox = Array(bleed)
        page.obj.TrimBox = Array(trim)
        if "/CropBox" in page.obj:
            del page.obj["/CropBox"]
        if "/Resources" not in page.obj:
            page.obj.Resources = Dictionary()
        if "/ColorSpace" not in page.obj.Resources:
            page.obj.Resources.ColorSpace = Dictionary()
        page.obj.Resources.ColorSpace.CSreg = registration
        page.contents_add(doc.make_stream(b"q\n"), prepend=True)
        page.contents_add(doc.make_stream(b"Q\n" + crop_marks(trim)))


def crop_marks(trim: list[float]) -> bytes:
    """Eight hairlines on the trim's extensions, MARK_OFFSET to MARK_OFFSET+LENGTH out."""
    x0, y0, x1, y1 = trim
    a, b = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = [
        (x0 - b, y0, x0 - a, y0), (x0, y0 - b, x0, y0 - a),
        (x1 + a, y0, x1 + b, y0), (x1, y0 - b, x1, y0 - a),
        (x0 - b, y1, x0 - a, y1), (x0, y1 + a, x0, y1 + b),
        (x1 + a, y1, x1 + b, y1), (x1, y1 + a, x1, y1 + b),
    ]  # fmt: skip
    path = "".join(f"{p:.3f} {q:.3f} m {r:.3f} {s:.3f} l S\n" for p, q, r, s in lines)
    return f"/Artifact BMC q /CSreg CS 1 SCN 0.25 w [] 0 d\n{path}Q EMC\n".encode("ascii")


def register_output_intent(doc: pikepdf.Pdf) -> None:
    """Name the output intent by its registered characterisation, as preflights expect."""
    for intent in doc.Root.get("/OutputIntents", Array()):
        if intent.get("/S") == "/GTS_PDFX":
            intent.OutputConditionIdentifier = pikepdf.String(FOGRA39["identifier"])
            intent.OutputCondition = pikepdf.String(FOGRA39["condition"])
            intent.Info = pikepdf.String(FOGRA39["info"])
            intent.RegistryName = pikepdf.String(FOGRA39["registry"])


def content_streams(doc: pikepdf.Pdf) -> Iterator[tuple[int, Any]]:
    """(page index, stream) for every page and every form, pattern or soft-mask
    group reachable from it, each once."""
    seen: set[tuple[int, int]] = set()
    for index, page in enumerate(doc.pages):
        stack: list[Any] = [page.obj.Resources] if "/Resources" in page.obj else []
        for stream in (
            page.obj.get("/Contents", Array())
            if isinstance(page.obj.get("/Contents"), Array)
            else [page.obj.get("/Contents")]
        ):
            if stream is not None and stream.objgen not in seen:
                seen.add(stream.objgen)
                yield index, stream
        while stack:
            resources = stack.pop()
            for kind in ("/XObject", "/Pattern"):
                for obj in resources.get(kind, Dictionary()).values():
                    if not isinstance(obj, pikepdf.Stream) or obj.objgen in seen:
                        continue
                    seen.add(obj.objgen)
                    if obj.get("/Subtype") == "/Image":
                        continue
                    yield index, obj
                    if "/Resources" in obj:
                        stack.append(obj.Resources)
            for state in resources.get("/ExtGState", Dictionary()).values():
                mask = state.get("/SMask")
                if isinstance(mask, Dictionary) and "/G" in mask:
                    group = mask.G
                    if group.objgen not in seen:
                        seen.add(group.objgen)
                        yield index, group
                        if "/Resources" in group:
                            stack.append(group.Resources)


GREY = {"rg": "g", "RG": "G"}


def neutral_rgb_to_grey(doc: pikepdf.Pdf) -> None:
    """``r g b rg`` with r = g = b is the grey ``r g``: the same tone in one ink (K),
    which is how a print shop separates a neutral. Chromatic RGB is left alone."""
    for _index, stream in content_streams(doc):
        data = stream.read_bytes()
        if b"rg" not in data and b"RG" not in data:
            continue
        changed = False
        ops: list[Any] = []
        for item in pikepdf.parse_content_stream(stream):
            if isinstance(item, pikepdf.ContentStreamInstruction):
                name = str(item.operator)
                if name in GREY and len({float(v) for v in item.operands}) == 1:
                    item = pikepdf.ContentStreamInstruction(
                        [item.operands[0]], Operator(GREY[name])
                    )
                    changed = True
            ops.append(item)
        if changed:
            stream.write(pikepdf.unparse_content_stream(ops))

"""What WeasyPrint's PDF tags leave out of the HTML: the language of a passage and the
scope of a table header; and which elements a template marks as a replaceable part.

A translated brief quotes respondents in English (``lang="en"``); without a ``/Lang``
on those passages a screen reader speaks them with the brief's voice (Russian,
Vietnamese). Table headers need ``/Scope`` (PDF/UA-1, ISO 14289-1 7.5). WeasyPrint
builds its structure elements from the boxes without either, so this finisher walks
the same boxes in the same order, pairs each box with the structure element made from
it, and adds what the HTML says. If the pairing ever disagrees (a WeasyPrint upgrade
changed its walk), nothing is guessed: the finisher reports it and leaves the tags as
they were, and the PDF/UA check then fails on the missing languages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Elements a template marks as a part of the document (``data-pdf-part="recipient"`` on a
# letter's address and salutation) carry the part's name under this key in their structure
# element, so that the part can be found in the PDF and replaced (pdf/variable.py). The
# key is private: the finishing step removes it from every file briefpress writes.
PART_ATTRIBUTE = "data-pdf-part"
PART_KEY = "/BriefpressPart"

# The structure type a template gives an element that HTML has no element for
# (``data-pdf-role="Note"`` on each of a brief's notes): WeasyPrint tags a div as /Div.
# A /Note carries its element's id as its /ID (PDF/UA-1 7.9); finish.py indexes them.
ROLE_ATTRIBUTE = "data-pdf-role"
ROLES = {"Div": {"Note"}}


@dataclass
class Made:
    """One structure element WeasyPrint makes: its tag (None for a text run, whose tag
    WeasyPrint picks while drawing) and the box it comes from."""

    tag: str | None
    box: Any


@dataclass
class TagFinisher:
    """A ``finisher`` for ``write_pdf``: adds /Lang and /Scope, records any mismatch."""

    document_lang: str
    mismatch: list[str] = field(default_factory=list)

    def __call__(self, document: Any, pdf: Any) -> None:
        elements = [
            obj for obj in pdf.objects if isinstance(obj, dict) and obj.get("Type") == "/StructElem"
        ][1:]  # the first is /Document
        made = list(walk_document(document))
        if len(made) != len(elements):
            self.mismatch.append(f"{len(made)} boxes for {len(elements)} structure elements")
            return
        for item, element in zip(made, elements, strict=True):
            if item.tag is not None and element["S"] != f"/{item.tag}":
                self.mismatch.append(f"box {item.tag} became {element['S']}")
                return
        notes = _notes(document)
        for item, element in zip(made, elements, strict=True):
            _annotate(item, element, self.document_lang, notes)


def _notes(document: Any) -> dict[str, str]:
    """The text of each note (``data-pdf-role="Note"``) by its id: what a link to it says.
    A note reference's own text is its number alone, which tells a screen reader nothing
    of where it leads; the note's text does ("3 Report 2024, section 4.3: Policing")."""
    found: dict[str, str] = {}
    root = next((p._page_box.children[0].element for p in document.pages[:1]), None)
    for node in root.iter() if root is not None else ():
        if node.attrib.get(ROLE_ATTRIBUTE) == "Note" and node.attrib.get("id"):
            found[node.attrib["id"]] = " ".join("".join(node.itertext()).split())
    return found


def _lang_of(box: Any) -> str | None:
    lang = box.style["lang"] if box.style is not None else None
    return str(lang) if lang else None


def _annotate(item: Made, element: Any, default: str, notes: dict[str, str]) -> None:
    import pydyf

    lang = _lang_of(item.box)
    if lang and lang.lower() != default.lower():
        element["Lang"] = pydyf.String(lang)
    box_element = getattr(item.box, "element", None)
    annotation = getattr(item.box, "link_annotation", None)
    if item.tag == "Link" and annotation is not None and box_element is not None:
        # PDF/UA-1 7.18.5: a link says where it goes in words, not by its target alone.
        href = box_element.attrib.get("href", "")
        text = notes.get(href[1:]) if href.startswith("#") else None
        text = text or " ".join("".join(box_element.itertext()).split())
        annotation["Contents"] = pydyf.String(text or href)
    if box_element is not None and item.tag in ROLES:
        _role(item.tag, box_element, element)
    part = box_element.attrib.get(PART_ATTRIBUTE) if box_element is not None else None
    if part and part.isalnum() and item.tag is not None:
        element[PART_KEY[1:]] = "/" + part  # a PDF name
    if item.tag == "TH" and box_element is not None:
        scope = box_element.attrib.get("scope", "col")
        attributes = element.get("A") or pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = "/Row" if scope == "row" else "/Column"
        element["A"] = attributes


def _role(tag: str, box_element: Any, element: Any) -> None:
    """The structure type the template asks for, where it may stand for ``tag``."""
    import pydyf

    role = box_element.attrib.get(ROLE_ATTRIBUTE)
    identifier = box_element.attrib.get("id")
    if role in ROLES[tag] and identifier:
        element["S"] = "/" + role
        element["ID"] = pydyf.String(identifier)


def walk_document(document: Any) -> Iterator[Made]:
    """Every structure element WeasyPrint's tagger makes, in the order it makes them."""
    for page in document.pages:
        yield from _walk(page._page_box, None)


def _walk(box: Any, parent_tag: str | None) -> Iterator[Made]:
    """A replica of weasyprint.pdf.tags._build_box_tree, yielding instead of building."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf.tags import _get_pdf_tag

    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    element_tag = None if box.element is None else box.element_tag
    tag = _get_pdf_tag(element_tag)
    if element_tag in ("html", "body") or isinstance(box, boxes.PageBox):
        if isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
            for child in box.children:
                yield from _walk(child, parent_tag)
            return
    elif isinstance(box, boxes.MarginBox):
        for child in box.children:
            yield from _walk(child, parent_tag)
        return
    elif tag in ("TD", "TH"):
        if parent_tag in ("TD", "TH"):
            tag = "NonStruct"
    elif tag == "LI":
        no_bullet_li = box.element_tag == "li" and (
            "list-item" not in box.style["display"] or box.style["list_style_type"] == "none"
        )
        if parent_tag == "LI":
            tag = "LBody"
        elif parent_tag == "LBody":
            tag = "NonStruct"
        elif box.element_tag in ("dt", "dd") or no_bullet_li:
            yield Made("LI", box)
            yield from _walk(box, "LI")
            return
    yield Made(tag, box)
    if tag == "Table" and box.is_table_wrapper:
        table = box.get_wrapped_table()
        if table:
            children: list[Any] = []
            for child in box.children:
                children.extend(child.children if child is table else [child])
            box = table.copy_with_children(children)
    if box.widget_annotation:
        yield Made("Form", box)
    for child in getattr(box, "children", ()):
        grandchildren = child.children if isinstance(child, boxes.LineBox) else [child]
        for grandchild in grandchildren:
            if isinstance(grandchild, boxes.TextBox):
                if tag != "Link":
                    yield Made(None, grandchild)
            else:
                nested_list = grandchild.element_tag in ("ul", "ol") and tag == "LI"
                yield from _walk(grandchild, parent_tag if nested_list else tag)

"""A brief's notes (pdf/notes.py, theme macros `cite` and `endnotes`): what fill to fit
leaves out takes its citations with it, the notes are numbered again for what remains,
every citation links to its note and each note back to its first citation; in the PDF,
notes are tagged /Note with an /ID, indexed in the structure tree's /IDTree."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest

from briefpress.pdf import notes
from conftest import run_cli


def ref(n: int, label: str, first: bool = False) -> str:
    anchor = f' id="ref-b-x-{n}"' if first else ""
    return f'<a class="note-ref" href="#note-b-x-{n}"{anchor}>{label}</a>'


def note(n: int, label: str, text: str) -> str:
    return (
        f'<li><div class="note" id="note-b-x-{n}" data-pdf-role="Note">'
        f'<a class="n" href="#ref-b-x-{n}">{label}</a> {text}</div></li>\n'
    )


LABELS = ["١", "٢", "٣"]  # printed forms the template chose: kept, whatever they are
HTML = (
    f'<p id="keep">Kept{ref(1, LABELS[0], True)}</p>'
    f'<ul><li id="drop">Dropped <b>item</b>{ref(2, LABELS[1], True)}<ul><li>inner</li></ul></li>'
    f"<li>Later{ref(3, LABELS[2], True)}{ref(1, LABELS[0])}</li></ul>"
    '<aside class="notes"><ol>\n'
    + note(1, LABELS[0], "Section one.")
    + note(2, LABELS[1], "Section two.")
    + note(3, LABELS[2], "Section three.")
    + "</ol></aside>"
)


def test_a_left_out_element_takes_its_only_citation_and_the_notes_close_up() -> None:
    out = notes.without(HTML, ["drop"])
    assert "Dropped" not in out and "inner" not in out and "Later" in out
    assert "Section two" not in out
    assert re.findall(r'href="#note-b-x-(\d)"', out) == ["1", "2", "1"]
    assert re.findall(r'id="ref-b-x-(\d)"', out) == ["1", "2"]  # first citations only
    assert re.findall(r'id="note-b-x-(\d)"[^>]*><a class="n" href="#ref-b-x-(\d)">(.)<', out) == [
        ("1", "1", LABELS[0]),
        ("2", "2", LABELS[1]),
    ]
    assert "Section three" in out.split('id="note-b-x-2"')[1]


def test_nothing_left_out_changes_nothing() -> None:
    assert notes.without(HTML, []) == HTML
    assert notes.without(HTML, ["no-such-id"]) == HTML


def test_markup_it_does_not_know_is_left_alone() -> None:
    odd = HTML.replace(note(2, LABELS[1], "Section two."), "")
    assert notes.renumber(odd) == odd


@pytest.mark.parametrize("edition", ["screen"])
def test_built_notes_are_tagged_and_every_citation_links(project: Path, edition: str) -> None:
    pytest.importorskip("weasyprint")
    result = run_cli(["-C", str(project), "build", "arcadia", "--edition", edition])
    assert result.code == 0, result.out + result.err
    with pikepdf.open(io.BytesIO((project / "out" / "arcadia.pdf").read_bytes())) as pdf:
        tree = pdf.Root.StructTreeRoot
        ids = [str(v) for v in list(tree.IDTree.Names)[::2]]
        assert ids and all(i.startswith("note-arcadia-") for i in ids)
        assert all(tree.IDTree.Names[i + 1].S == "/Note" for i in range(0, len(ids) * 2, 2))
        links = [
            annot
            for page in pdf.pages
            for annot in page.obj.get("/Annots", [])
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot
        ]
        to_notes = {str(a.Dest) for a in links if str(a.Dest).startswith("note-")}
        back = {str(a.Dest) for a in links if str(a.Dest).startswith("ref-")}
        assert to_notes == set(ids)
        assert back == {i.replace("note-", "ref-") for i in ids}
        assert all(abs(float(a.Rect[3]) - float(a.Rect[1])) > 3 for a in links)
        # A screen reader hears where a note reference leads, not its number alone.
        for link in (a for a in links if str(a.Dest).startswith("note-")):
            number = str(link.Dest).rsplit("-", 1)[1]
            described = str(link.Contents)
            assert described.startswith(f"{number} ") and "section" in described, described


def test_a_group_of_quotes_left_empty_goes_with_its_heading() -> None:
    html = (
        '<div class="flow"><div class="country-group">\n<h3><span class="proper">Norway</span>'
        '</h3>\n<figure class="quote" id="quote-a"><blockquote><p>Words.</p></blockquote>'
        '</figure>\n</div>\n<div class="country-group">\n<h3>Estonia</h3>\n'
        '<figure class="quote" id="quote-b"><blockquote><p>Kept.</p></blockquote></figure>\n'
        "</div>\n</div>"
    )
    out = notes.without(html, ["quote-a"])
    assert "Norway" not in out and "Words" not in out
    assert "<h3>Estonia</h3>" in out and "Kept." in out

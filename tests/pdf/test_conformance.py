"""Every shipped brief conforms: screen PDFs to PDF/UA-1 by page-validation (an
independent validator), print PDFs to the print shop's PDF/X-4 rules; and the
preflight finds what it is there to find."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest

from briefpress.editions import medium
from briefpress.pdf.finish import finish, neutral_rgb_to_grey
from briefpress.pdf.preflight import Painter, check_print, check_screen
from briefpress.pdf.tagging import TagFinisher
from briefpress.pdf.weasy import import_weasyprint
from conftest import REPO

BRIEF_IDS = sorted(p.stem for p in (REPO / "briefs").glob("*.yaml"))


@pytest.mark.parametrize("brief_id", BRIEF_IDS)
def test_screen_pdf_passes_pdf_ua1(shipped: dict[str, Any], brief_id: str) -> None:
    findings = check_screen(shipped["results"][brief_id].output.read_bytes())
    assert not findings, [str(f) for f in findings]


@pytest.mark.parametrize("brief_id", BRIEF_IDS)
def test_print_pdf_passes_pdf_x4(shipped: dict[str, Any], brief_id: str) -> None:
    findings = check_print(shipped["print"][brief_id].output.read_bytes())
    assert not [str(f) for f in findings if f.severity == "error"]
    assert not [f for f in findings if "RGB" in f.message]


def test_other_language_passages_carry_lang_and_headers_scope() -> None:
    """A passage marked lang="en" in a Russian page is tagged /Lang (en), so a screen
    reader switches voice; table headers get /Scope from their scope attribute."""
    weasyprint = import_weasyprint()
    html = (
        '<html lang="ru"><title>t</title><p>Слова <span lang="en">in English</span></p>'
        '<table><tr><th scope="col">A</th><th scope="col">B</th></tr>'
        '<tr><th scope="row">1</th><td>2</td></tr></table></html>'
    )
    finisher = TagFinisher("ru")
    document = weasyprint.HTML(string=html).render(pdf_tags=True)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, finisher=finisher)
    assert not finisher.mismatch
    with pikepdf.open(io.BytesIO(finish(pdf, medium("screen")))) as doc:
        elems = [o for o in doc.objects if isinstance(o, pikepdf.Dictionary) and "/S" in o]
        langs = [str(o.Lang) for o in elems if "/Lang" in o]
        scopes = sorted(str(o.A.Scope) for o in elems if o.get("/S") == "/TH")
    assert "en" in langs and "ru" not in langs
    assert scopes == ["/Column", "/Column", "/Row"]


def minimal_pdf(content: bytes) -> bytes:
    """One A4 page painting ``content``: no trim, no bleed, no output intent."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_preflight_finds_rgb_missing_boxes_and_intent() -> None:
    findings = check_print(minimal_pdf(b"0.2 0.4 0.6 rg 0 0 10 10 re f"))
    rules = {f.rule for f in findings}
    assert {"PDF/X-4 colour", "PDF/X-4 page boxes", "PDF/X-4 output intent"} <= rules
    colour = next(f for f in findings if f.rule == "PDF/X-4 colour")
    assert colour.page == 1 and "1 fill" in colour.message


def test_preflight_finds_tiny_text_in_four_inks() -> None:
    painter = Painter(1)
    with pikepdf.open(io.BytesIO(minimal_pdf(b"1 0.7 0.2 0.4 k BT /F1 5 Tf (1) Tj ET"))) as pdf:
        painter.run(pdf.pages[0].obj, pikepdf.Dictionary())
    (finding,) = painter.findings()
    assert finding.severity == "error" and "5.0 pt" in finding.message


def test_neutral_rgb_becomes_grey_and_chromatic_rgb_stays() -> None:
    with pikepdf.open(io.BytesIO(minimal_pdf(b"1 1 1 rg 0 0 0 RG 0.1 0.5 0.9 rg"))) as pdf:
        neutral_rgb_to_grey(pdf)
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    assert ops == ["g", "G", "rg"]


def test_screen_check_fails_an_untagged_pdf() -> None:
    assert check_screen(finish(minimal_pdf(b"0 g 0 0 10 10 re f"), medium("screen")))

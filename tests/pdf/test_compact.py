"""Fonts whose glyph numbers run high (Noto CJK) are renumbered: the PDF shrinks, and it
draws and reads exactly as before, in text shown directly on a page and in a form."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

from briefpress.editions import medium
from briefpress.pdf.compact import LARGE_CODE, compact_fonts
from briefpress.pdf.finish import finish
from briefpress.pdf.weasy import import_weasyprint

KOREAN = "날록손은 곁에 있을 때 생명을 구합니다. 모든 약국에서 날록손을 무료로 제공해 주십시오."
CHINESE = "纳洛酮随时可得，就能挽救生命。"


@pytest.fixture(scope="module")
def raw() -> bytes:
    """Korean and Chinese in Noto CJK (regular, bold and serif faces), Latin in Noto Sans,
    over two pages."""
    html = (
        "<html lang='ko'><body style=\"font-family: 'Noto Sans', 'Noto Sans CJK KR'\">"
        f"<h1 style=\"font-family: 'Noto Serif CJK KR'\">{KOREAN[:14]}</h1>"
        f"<p>Naloxone {KOREAN}</p><p><b>{KOREAN}</b></p>"
        f"<p lang='zh' style=\"font-family: 'Noto Sans CJK SC'\">{CHINESE}</p>"
        f"<p style='break-before: page'>{KOREAN[::-1]} 2026</p></body></html>"
    )
    return bytes(import_weasyprint().HTML(string=html).write_pdf())


def codes_past(pdf: bytes, limit: int) -> int:
    """How many fonts' widths name a code at or past ``limit``."""
    count = 0
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0":
                cids = [int(x) for x in obj.W if not isinstance(x, pikepdf.Array)]
                count += any(cid >= limit for cid in cids)
    return count


def pages(pdf: bytes) -> list[tuple[str, object]]:
    document = pdfium.PdfDocument(pdf)
    return [
        (document[i].get_textpage().get_text_range(), document[i].render(scale=1).to_pil())
        for i in range(len(document))
    ]


def test_cjk_fonts_are_renumbered_and_the_file_shrinks(raw: bytes) -> None:
    finished = finish(raw, medium("screen"))
    assert codes_past(raw, LARGE_CODE) >= 3  # the Korean faces and the Chinese one
    assert codes_past(finished, LARGE_CODE) == 0
    assert len(finished) < len(raw) / 4, (len(raw), len(finished))
    with pikepdf.open(io.BytesIO(finished)) as doc:
        subtypes = {
            str(o.FontFile3.Subtype)
            for o in doc.objects
            if isinstance(o, pikepdf.Dictionary) and "/FontFile3" in o
        }
    assert subtypes == {"/CIDFontType0C"}


def test_renumbered_pages_read_and_draw_as_before(raw: bytes) -> None:
    before, after = pages(raw), pages(finish(raw, medium("screen")))
    assert len(before) == len(after) == 2
    for (text, image), (new_text, new_image) in zip(before, after, strict=True):
        assert new_text == text
        difference = ImageChops.difference(image.convert("L"), new_image.convert("L"))  # type: ignore[attr-defined]
        assert max(difference.getextrema()) < 96  # hinting may move an edge pixel's grey
    assert KOREAN in before[0][0].replace("\r\n", " ")


def test_text_in_a_form_is_renumbered_with_the_page(raw: bytes) -> None:
    """The page's drawing moved into a form XObject (as imposition and stamping do): the
    codes inside the form are rewritten too."""
    with pikepdf.open(io.BytesIO(raw)) as doc:
        doc.pages[0].contents_coalesce()
        page = doc.pages[0].obj
        form = doc.make_stream(
            page.Contents.read_bytes(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=page.MediaBox,
            Resources=page.Resources,
        )
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(P=form))
        page.Contents = doc.make_stream(b"q /P Do Q")
        out = io.BytesIO()
        doc.save(out)
    moved = out.getvalue()
    with pikepdf.open(io.BytesIO(moved)) as doc:
        compact_fonts(doc)
        out = io.BytesIO()
        doc.save(out)
    assert codes_past(out.getvalue(), LARGE_CODE) == 0
    text = pages(out.getvalue())[0][0]
    assert KOREAN[:14] in text and text == pages(moved)[0][0]


def test_a_latin_only_document_is_left_as_it_is() -> None:
    pdf = bytes(import_weasyprint().HTML(string="<p>Naloxone saves lives</p>").write_pdf())
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        before = [bytes(o.read_raw_bytes()) for o in doc.objects if isinstance(o, pikepdf.Stream)]
        compact_fonts(doc)
        after = [bytes(o.read_raw_bytes()) for o in doc.objects if isinstance(o, pikepdf.Stream)]
    assert before == after


def test_truetype_fonts_renumber_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same renumbering for TrueType programs (Noto Sans, Noto Sans Arabic), had
    their codes run as high: the page reads and draws as before."""
    html = (
        "<html><body><p style=\"font-family: 'Noto Sans'\">Naloxone saves lives — “every” day</p>"
        "<p lang='ar' dir='rtl' style=\"font-family: 'Noto Sans Arabic'\">لا تزال بعض الصيدليات</p>"
        "</body></html>"
    )
    raw = bytes(import_weasyprint().HTML(string=html).write_pdf())
    monkeypatch.setattr("briefpress.pdf.compact.LARGE_CODE", 0)
    with pikepdf.open(io.BytesIO(raw)) as doc:
        compact_fonts(doc)
        out = io.BytesIO()
        doc.save(out)
    assert highest_truetype_code(raw) > 100  # TrueType programs were there to renumber
    assert highest_truetype_code(out.getvalue()) < highest_truetype_code(raw)
    (text, image), (new_text, new_image) = pages(raw)[0], pages(out.getvalue())[0]
    assert new_text == text
    difference = ImageChops.difference(image.convert("L"), new_image.convert("L"))  # type: ignore[attr-defined]
    assert max(difference.getextrema()) < 96


def highest_truetype_code(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return max(
            int(x)
            for o in doc.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == "/CIDFontType2"
            for x in o.W
            if not isinstance(x, pikepdf.Array)
        )

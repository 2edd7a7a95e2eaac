"""Marks set above the line drawn at the baseline with their letter (pdf/marks.py): the
page looks the same, and pdfium reads the tanween of متاحاً with its letter, not as a
line of its own."""

from __future__ import annotations

import io

import pikepdf
import pytest

from briefpress.pdf.marks import mark_glyphs_to_baseline

weasyprint = pytest.importorskip("weasyprint")
pdfium = pytest.importorskip("pypdfium2")

SENTENCE = "النالوكسون متاحاً للجميع"
HTML = (
    '<html lang="ar" dir="rtl"><body style="font: 20pt \'Noto Sans Arabic\'">'
    f"<p>{SENTENCE}</p></body></html>"
)


def rises(pdf: bytes) -> list[float]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            float(op.operands[0])
            for op in pikepdf.parse_content_stream(doc.pages[0])
            if str(op.operator) == "Ts" and float(op.operands[0]) != 0
        ]


def lowered(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        mark_glyphs_to_baseline(doc)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def text(pdf: bytes) -> str:
    return " ".join(str(pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()).split())


def pixels(pdf: bytes) -> bytes:
    return bytes(pdfium.PdfDocument(pdf)[0].render(scale=2).buffer)


def test_a_mark_above_its_letter_reads_with_it_and_looks_the_same() -> None:
    before = weasyprint.HTML(string=HTML).write_pdf()
    assert rises(before), "WeasyPrint draws the tanween with text rise"
    assert SENTENCE not in text(before)
    after = lowered(before)
    assert rises(after) == []
    assert SENTENCE in text(after)
    old, new = pixels(before), pixels(after)
    assert len(old) == len(new)
    assert sum(abs(a - b) > 40 for a, b in zip(old, new, strict=True)) < len(old) / 10_000


def test_the_added_glyph_is_the_mark_s_in_width_and_text() -> None:
    after = lowered(weasyprint.HTML(string=HTML).write_pdf())
    with pikepdf.open(io.BytesIO(after)) as doc:
        (font,) = doc.pages[0].Resources.Font.values()
        widths = list(font.DescendantFonts[0].W)
        cmap = font.ToUnicode.read_bytes()
    added = int(widths[-2])
    assert list(widths[-1]) == [0], "a mark takes no room"
    assert f"<{added:04x}> <064b>".encode() in cmap.lower(), "its text: ARABIC FATHATAN"


def test_a_font_without_marks_is_left_as_it_was() -> None:
    plain = "<p style=\"font-family: 'Noto Sans'\">Plain words</p>"
    pdf = weasyprint.HTML(string=plain).write_pdf()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        (font,) = doc.pages[0].Resources.Font.values()
        program = bytes(font.DescendantFonts[0].FontDescriptor.FontFile2.read_raw_bytes())
    with pikepdf.open(io.BytesIO(lowered(pdf))) as doc:
        (font,) = doc.pages[0].Resources.Font.values()
        assert bytes(font.DescendantFonts[0].FontDescriptor.FontFile2.read_raw_bytes()) == program


PERSIAN = "می‌بخشد"  # with a zero-width non-joiner after می


def test_a_non_joiner_stays_in_the_text_and_the_word_looks_the_same() -> None:
    """Set in its span (render/names.py, the theme's .zwnj), the non-joiner is drawn
    with a glyph of no width: pdfium and poppler read the word as written."""
    import shutil
    import subprocess

    from briefpress.render.names import mark_non_joiners

    def page(body: str) -> str:
        return (
            '<html lang="fa" dir="rtl"><head><style>.zwnj { font-size: 0.999em }</style>'
            f"</head><body style=\"font: 20pt 'Noto Sans Arabic'\"><p>{body}</p></body></html>"
        )

    words = f"{PERSIAN} {PERSIAN}"
    plain = weasyprint.HTML(string=page(words)).write_pdf()
    marked = lowered(weasyprint.HTML(string=page(mark_non_joiners(words))).write_pdf())
    assert PERSIAN not in text(plain)  # the empty glyph WeasyPrint leaves
    assert text(marked).count(PERSIAN) == 2
    if shutil.which("pdftotext"):
        run = subprocess.run(["pdftotext", "-", "-"], input=marked, capture_output=True)
        assert run.stdout.decode("utf-8").count(PERSIAN) == 2
    old, new = pixels(plain), pixels(marked)
    assert sum(abs(a - b) > 40 for a, b in zip(old, new, strict=True)) < len(old) / 10_000

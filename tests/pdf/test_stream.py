"""Joining PDFs page by page in bounded memory: the output is a valid PDF whose pages draw
exactly what the sources' pages draw, and shared objects are written once."""

from __future__ import annotations

import gc
import io
import tracemalloc
from pathlib import Path

import pikepdf
import pytest

from briefpress.pdf.stream import StreamingPdfWriter


def source_pdf(texts: list[str], *, landscape: bool = False, lang: str = "en") -> pikepdf.Pdf:
    """A small PDF with a font, one page per text, an output intent and a language."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    profile = pdf.make_stream(b"profile-bytes" * 100, N=4)
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String("FOGRA39"),
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    pdf.Root.Lang = pikepdf.String(lang)
    size = (842, 595) if landscape else (595, 842)
    for text in texts:
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.TrimBox = pikepdf.Array([10, 10, size[0] - 10, size[1] - 10])
        page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
        page.obj.Annots = pikepdf.Array(
            [
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 1, 1]
                    )
                )
            ]
        )
    pdf.docinfo["/Author"] = "Sample Organisation"
    saved = io.BytesIO()
    pdf.save(saved)
    return pikepdf.open(io.BytesIO(saved.getvalue()))


def drawn(page: pikepdf.Page) -> tuple[bytes, list[float]]:
    return page.obj.Contents.read_bytes(), [float(v) for v in page.mediabox]


def test_pages_draw_what_their_sources_draw(tmp_path: Path) -> None:
    letter = source_pdf(["Dear A", "Yours"])
    brief = source_pdf(["Brief 1", "Brief 2", "Brief 3"], landscape=True)
    target = tmp_path / "joined.pdf"
    memo: dict[tuple[int, int], int] = {}
    with StreamingPdfWriter(target) as writer:
        writer.set_document(letter)
        for _ in range(3):
            writer.add_pages(letter.pages)
            writer.add_pages(brief.pages, memo)
            if writer.page_count % 2:
                writer.add_blank_page(brief.pages[-1])
        writer.set_title("Mailing: 3 letters")
    with pikepdf.open(target) as joined:
        assert joined.check_pdf_syntax() == []
        expected = [drawn(p) for p in letter.pages] + [drawn(p) for p in brief.pages]
        pages = list(joined.pages)
        assert len(pages) == 3 * 6  # 2 + 3 pages, padded to 6 for an odd start
        for copy in range(3):
            got = pages[copy * 6 : copy * 6 + 5]
            assert [drawn(p) for p in got] == expected
            blank = pages[copy * 6 + 5]
            assert "/Contents" not in blank.obj
            assert [float(v) for v in blank.mediabox] == [0, 0, 842, 595]
            assert [float(v) for v in blank.obj.TrimBox] == [10, 10, 832, 585]
        assert all("/Annots" not in p.obj for p in pages)  # a print file needs no links
        assert str(joined.docinfo.Title) == "Mailing: 3 letters"
        assert str(joined.docinfo.Author) == "Sample Organisation"
        assert str(joined.Root.Lang) == "en"
        intent = joined.Root.OutputIntents[0]
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.read_bytes() == b"profile-bytes" * 100


def test_a_shared_memo_writes_shared_objects_once(tmp_path: Path) -> None:
    brief = source_pdf(["Brief page"])
    sizes = {}
    for shared in (True, False):
        target = tmp_path / f"{shared}.pdf"
        memo: dict[tuple[int, int], int] = {}
        with StreamingPdfWriter(target) as writer:
            for _ in range(50):
                writer.add_pages(brief.pages, memo if shared else None)
        sizes[shared] = target.stat().st_size
        with pikepdf.open(target) as joined:
            fonts = {p.obj.Resources.Font.F1.objgen for p in joined.pages}
            contents = {p.obj.Contents.objgen for p in joined.pages}
            assert len(fonts) == len(contents) == (1 if shared else 50)
    assert sizes[True] < sizes[False] / 2


def test_an_error_leaves_no_finished_file(tmp_path: Path) -> None:
    target = tmp_path / "joined.pdf"
    with pytest.raises(RuntimeError), StreamingPdfWriter(target) as writer:
        writer.add_pages(source_pdf(["A"]).pages)
        raise RuntimeError("stopped")
    assert b"%%EOF" not in target.read_bytes()  # unfinished: the caller removes it


def test_memory_does_not_grow_with_the_pages_and_only_the_output_is_left(
    tmp_path: Path,
) -> None:
    """The cross-reference entries and the page list go to unnamed files, not memory:
    2,000 more pages leave the traced memory where 200 left it."""
    brief = source_pdf(["Brief page"])
    memo: dict[tuple[int, int], int] = {}
    target = tmp_path / "joined.pdf"
    tracemalloc.start()
    try:
        with StreamingPdfWriter(target) as writer:
            for count in (200, 2000):
                for _ in range(count):
                    writer.add_pages(brief.pages, memo)
                    writer.add_blank_page(brief.pages[0])
                gc.collect()
                if count == 200:
                    before = tracemalloc.get_traced_memory()[0]
            after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 20_000, after - before
    assert [p.name for p in tmp_path.iterdir()] == ["joined.pdf"]
    with pikepdf.open(target) as joined:
        assert len(joined.pages) == 4400 and joined.check_pdf_syntax() == []

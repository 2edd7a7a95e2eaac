"""Reading a report file costs bounded time and memory, and every refusal is one plain line.

Each case is a file a person might give by mistake, or a hostile one: a named pipe or a
device (reading would never end), a Word document that inflates hugely or declares XML
entities, a PDF encrypted with an empty password, text that is not UTF-8.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import pytest

from briefpress.source import read
from briefpress.source.read import SourceError, read_source
from conftest import run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")


def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "report.txt"
    os.mkfifo(pipe)
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(pipe)


def test_a_device_is_refused_at_once() -> None:
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(Path("/dev/zero"))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="a folder"):
        read_source(tmp_path)


def test_import_and_check_against_refuse_a_pipe_cleanly(tmp_path: Path, project: Path) -> None:
    pipe = tmp_path / "report.pdf"
    os.mkfifo(pipe)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "briefs").mkdir()
    result = run_cli(["-C", str(tmp_path / "empty"), "import", str(pipe), "--report", "x"])
    assert result.code != 0 and "not a regular file" in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    result = run_cli(["-C", str(project), "check", "--against", "/dev/zero"])
    assert result.code != 0 and "/dev/zero: not a regular file" in result.err, result.err


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("x" * 2000, encoding="utf-8")
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1000)
    with pytest.raises(SourceError, match="over the 1000 bytes a report may be"):
        read.read_bytes(report, read.MAX_FILE_BYTES)


def _docx(tmp_path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "report.docx"
    document.save(str(path))
    return path


def test_a_docx_that_inflates_past_the_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _docx(tmp_path, "word " * 20000)
    monkeypatch.setattr(read, "MAX_DOCX_XML_BYTES", 50_000)
    with pytest.raises(SourceError, match=r"unzips to .* over the .* a Word document may hold"):
        read_source(path)


def test_a_real_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """130 MiB of XML in a few hundred KiB: the declared sizes refuse it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"<w:t>" + b"a" * (2**20 - 11) + b"</w:t>"
            for _ in range(130):
                part.write(chunk)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 5 * 2**20
    with pytest.raises(SourceError, match="unzips to 130 MiB"):
        read_source(path)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    source = _docx(tmp_path, "plain")
    target = tmp_path / "lol.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                data = BILLION_LAUGHS.encode()
            new.writestr(item, data)
    with pytest.raises(SourceError, match="declares XML entities"):
        read_source(target)


def test_not_a_word_document_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match="cannot read Word document"):
        read_source(path)


def _aes_pdf(tmp_path: Path) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 300))
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Helvetica"
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 20 200 Td (Nothing about us without us.) Tj ET")
    path = tmp_path / "aes.pdf"
    pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="", aes=True, R=6))
    return path


def test_an_aes_pdf_with_an_empty_password_opens(tmp_path: Path) -> None:
    assert "Nothing about us without us." in read_source(_aes_pdf(tmp_path))


def test_an_aes_pdf_opens_without_a_crypto_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pypdf would need `cryptography` for AES; pdfium, which reads PDFs here, does not."""
    path = _aes_pdf(tmp_path)
    monkeypatch.setitem(sys.modules, "cryptography", None)  # importing it now fails
    assert "Nothing about us without us." in read_source(path)


def test_a_pdf_with_a_real_password_is_a_clean_error(tmp_path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    path = tmp_path / "locked.pdf"
    pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret", aes=True, R=6))
    with pytest.raises(SourceError, match="protected by a password"):
        read_source(path)


def test_latin1_text_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Café".encode("latin-1"))
    with pytest.raises(SourceError, match=r"not valid UTF-8 text \(byte 0xe9 at offset 3\)"):
        read_source(path)

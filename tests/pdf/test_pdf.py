"""PDF stage and post-checks, checked by structure: pages, text, metadata, fonts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import Result

Cli = Callable[..., Result]


def text_of(path: Path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def test_build_writes_pdfs_with_metadata(project: Path, cli: Cli) -> None:
    result = cli("build", "arcadia")
    assert result.code == 0, result.output
    pdf = project / "out/arcadia.pdf"
    reader = PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 4
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Arcadia: no sanctions"
    assert "A Small Test Report" in (meta.subject or "")
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en"
        assert "/StructTreeRoot" in doc.Root
        assert doc.Root.MarkInfo.Marked


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_quotes_appear_verbatim_with_attribution(project: Path) -> None:
    text = " ".join(text_of(project / "out/fines.pdf").split())
    assert "It’s a catastrophe!" in text or "It's a catastrophe!" in text
    assert "BCU [Borduria]" in text


def test_print_edition_goes_to_out_print(project: Path, cli: Cli) -> None:
    assert cli("build", "arcadia", "--edition", "print").code == 0
    assert (project / "out/print/arcadia.pdf").exists()
    assert not (project / "out/arcadia.pdf").exists()


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_fonts_are_embedded_and_only_the_brand_fonts(project: Path) -> None:
    with pikepdf.open(project / "out/arcadia.pdf") as doc:
        fonts = set()
        for page in doc.pages:
            for font in page.Resources.Font.values():
                for desc in font.get("/DescendantFonts", [font]):
                    fonts.add(str(desc.BaseFont).split("+")[-1])
                    assert (
                        "/FontFile2" in desc.FontDescriptor or "/FontFile3" in desc.FontDescriptor
                    )
    assert fonts and all(f.startswith("/Noto") or f.startswith("Noto") for f in fonts), fonts


def test_same_source_date_epoch_gives_identical_bytes(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    outputs = (project / "out/arcadia.pdf", project / "out/print/arcadia.pdf")
    assert cli("build", "arcadia", "--edition", "all").code == 0
    first = [p.read_bytes() for p in outputs]
    assert cli("build", "arcadia", "--edition", "all", "--force").code == 0
    assert [p.read_bytes() for p in outputs] == first  # screen and print (PDF/X) alike
    with pikepdf.open(outputs[0]) as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20210101")


def test_no_local_paths_or_user_names(project: Path, cli: Cli) -> None:
    assert cli("build", "arcadia", "--edition", "all").code == 0
    for pdf in (project / "out/arcadia.pdf", project / "out/print/arcadia.pdf"):
        with pikepdf.open(pdf) as doc:
            raw = b"".join(
                obj.read_bytes() if isinstance(obj, pikepdf.Stream) else bytes(repr(obj), "utf-8")
                for obj in doc.objects
            )
        assert str(project).encode() not in raw
        assert b"/tmp/" not in raw and b"file://" not in raw


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_failed_build_keeps_the_previous_pdf(project: Path, cli: Cli) -> None:
    good = (project / "out/arcadia.pdf").read_bytes()
    (project / "templates").mkdir()
    (project / "templates/country.html.j2").write_text("{{ no_such_variable }}")
    result = cli("build", "arcadia")
    assert result.code == 1
    assert "no_such_variable" in result.err
    assert (project / "out/arcadia.pdf").read_bytes() == good
    assert not [p for p in (project / "out").iterdir() if p.name.endswith(".tmp")]


WEASYPRINT = Path(sys.executable).parent / "weasyprint"


@pytest.mark.skipif(not WEASYPRINT.exists(), reason="the weasyprint command is not installed")
@pytest.mark.parametrize("brief_id", ["arcadia", "fines"])
def test_html_is_standalone_for_the_weasyprint_command(
    project: Path, cli: Cli, brief_id: str
) -> None:
    """The HTML is the brief as laid out: Arcadia set on one page, Fines a size larger,
    with its page references; the weasyprint command makes the same pages from it, and
    a second build, with nothing changed, leaves it as it is."""
    assert cli("build", brief_id, "--html").code == 0
    html = project / f"out/{brief_id}.html"
    assert html.exists()
    target = project / "out/plain.pdf"
    subprocess.run(
        [str(WEASYPRINT), str(html), str(target)],
        check=True,
        capture_output=True,
        cwd=project / "out",
    )
    ours, theirs = text_of(project / f"out/{brief_id}.pdf"), text_of(target)
    assert " ".join(ours.split()) == " ".join(theirs.split())
    assert len(PdfReader(target).pages) == len(PdfReader(project / f"out/{brief_id}.pdf").pages)
    laid_out = html.read_bytes()
    again = cli("build", brief_id, "--html")
    assert again.code == 0 and "up to date" in again.out, again.out
    assert html.read_bytes() == laid_out

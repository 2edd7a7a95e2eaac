"""Mail merge: one letter per recipient, then the brief; the combined print file and the
manifest; names in every script; recipients-file errors by row, with nothing written."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from briefpress.core.assets import THEME_DIR, publish_theme
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.mail.letters import mail
from briefpress.mail.making import FLOW_MARK_HTML, head_of
from briefpress.mail.personal import personalise
from briefpress.mail.recipients import load_recipients
from briefpress.pdf.finish import kids_of
from briefpress.pdf.preflight import check_screen
from briefpress.pdf.tagging import PART_KEY
from briefpress.pdf.weasy import PdfRenderer
from briefpress.render.html import build_date, render_brief
from conftest import FIXTURE, Result, run_cli
from pdftree import outline, structure_faults
from sampleletter import LETTER, SAMPLE

Cli = Callable[..., Result]
HEADER = "name,title,organisation,address,salutation,language,note\n"


DATE = "1609459200"  # SOURCE_DATE_EPOCH: 1 January 2021


def add_letter(project: Path) -> Path:
    """``project`` with a letter that accompanies the Arcadia brief and the shipped
    sample recipients."""
    (project / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    (project / "briefs/recipients").mkdir()
    shutil.copy(SAMPLE, project / "briefs/recipients/sample.csv")
    return project


@pytest.fixture
def letter_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture project with a letter that accompanies the Arcadia brief, the shipped
    sample recipients, and a fixed date (1 January 2021)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DATE)
    return add_letter(project)


@pytest.fixture(scope="module")
def sample_mailing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``briefpress letters letter`` to the sample recipients, run once on a project like
    ``letter_project`` for the tests that read what it says and writes (none changes it):
    the result and the mailing's folder."""
    root = tmp_path_factory.mktemp("mailing") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "out").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", DATE)
        args = ["letters", "letter", "--recipients", "briefs/recipients/sample.csv"]
        result = run_cli(["-C", str(add_letter(root)), *args])
    return result, root / "out/letters/letter"


def text_of(pdf: Path | PdfReader, pages: slice = slice(None)) -> str:
    """Extracted text, NFC-normalised and with whitespace folded, for comparisons."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    text = " ".join((page.extract_text() or "") for page in reader.pages[pages])
    return " ".join(unicodedata.normalize("NFC", text).split())


def manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


# --- a mailing ------------------------------------------------------------------------


def test_each_recipient_gets_their_letter_then_the_brief(letter_project: Path) -> None:
    recipients = letter_project / "briefs/recipients/sample.csv"
    mailing = mail(letter_project, "letter", recipients, jobs=2)

    # The brief is rendered once for the whole mailing; each letter once.
    assert mailing.stats == {
        "recipients": 4,
        "brief_renders": 1,
        "letter_renders": 4,
        "filled": 4,  # from their language's templates (one has a note)
    }
    folder = letter_project / "out/letters/letter"
    assert mailing.folder == folder
    brief = PdfReader(letter_project / "out/arcadia.pdf")
    brief_first_page = text_of(brief, slice(0, 1))
    rows = manifest(folder)
    assert [r["name"] for r in rows] == [
        "Alex Sample (SAMPLE)",
        "Nguyễn Văn Mẫu (SAMPLE)",
        "Иван Образцов (SAMPLE)",
        "María Ejemplo (SAMPLE)",
    ]
    for row in rows:
        reader = PdfReader(folder / row["file"])
        letter_pages = len(reader.pages) - len(brief.pages)
        assert letter_pages >= 1
        assert int(row["pages"]) == len(reader.pages)
        assert row["name"] in text_of(reader, slice(0, 1))  # the letter comes first
        assert text_of(reader, slice(letter_pages, letter_pages + 1)) == brief_first_page
        assert row["name"] not in text_of(reader, slice(letter_pages, None))


def test_the_brief_is_not_rendered_again_when_it_is_up_to_date(letter_project: Path) -> None:
    recipients = letter_project / "briefs/recipients/sample.csv"
    mail(letter_project, "letter", recipients)
    again = mail(letter_project, "letter", recipients)
    assert again.stats["brief_renders"] == 0
    assert again.stats["letter_renders"] == 4
    leftovers = [p.name for p in (letter_project / "out/letters").iterdir()]
    assert leftovers == ["letter"]  # no staging or old folders left behind


def test_cli_writes_combined_file_with_each_letter_on_an_odd_page(
    sample_mailing: tuple[Result, Path],
) -> None:
    result, folder = sample_mailing
    assert result.code == 0, result.output
    assert "wrote 4 letters to out/letters/letter/" in result.out
    assert sorted(p.name for p in folder.iterdir()) == [
        ".briefpress-owned",  # the mark that lets the next mailing replace this folder
        "001-alex-sample-sample.pdf",
        "002-nguyen-van-mau-sample.pdf",
        "003-ivan-obraztsov-sample.pdf",
        "004-maria-ejemplo-sample.pdf",
        "mailing.pdf",
        "manifest.csv",
    ]
    combined = PdfReader(folder / "mailing.pdf")
    start = 0  # 0-based: an odd page in print is an even index here
    for row in manifest(folder):
        pages = int(row["pages"])
        assert start % 2 == 0
        assert row["name"] in text_of(combined, slice(start, start + 1))
        if pages % 2:  # padded with a blank page so that the next letter starts odd
            assert text_of(combined, slice(start + pages, start + pages + 1)) == ""
        start += pages + pages % 2
    assert start == len(combined.pages)


def test_manifest_lists_what_was_made_for_whom(sample_mailing: tuple[Result, Path]) -> None:
    result, folder = sample_mailing
    assert result.code == 0, result.output
    rows = manifest(folder)
    assert list(rows[0]) == ["row", "name", "organisation", "language", "file", "pages"]
    assert [(r["row"], r["language"], r["organisation"]) for r in rows] == [
        ("1", "en", "Sample Parliament"),
        ("2", "vi", "Quốc hội Mẫu"),
        ("3", "ru", "Образцовый парламент"),
        ("4", "es", "Asamblea de Ejemplo"),
    ]
    for row in rows:
        assert len(PdfReader(folder / row["file"]).pages) == int(row["pages"])


def test_names_in_every_script_print_with_salutation_date_and_note(
    sample_mailing: tuple[Result, Path],
) -> None:
    result, folder = sample_mailing
    assert result.code == 0, result.output
    english = text_of(folder / "001-alex-sample-sample.pdf", slice(0, 1))
    assert "Dear Alex Sample," in english  # the row's own salutation
    assert "Thank you for meeting us in March (SAMPLE note)." in english
    assert "1 January 2021" in english
    vietnamese = text_of(folder / "002-nguyen-van-mau-sample.pdf", slice(0, 1))
    assert "Nguyễn Văn Mẫu (SAMPLE)" in vietnamese
    assert "Kính gửi Nguyễn Văn Mẫu (SAMPLE)" in vietnamese
    assert "Số 1 Phố Mẫu" in vietnamese and "Hà Nội" in vietnamese
    russian = text_of(folder / "003-ivan-obraztsov-sample.pdf", slice(0, 1))
    assert "Иван Образцов (SAMPLE)" in russian and "ул. Образцовая, 1" in russian
    assert "1 января 2021" in russian
    spanish = text_of(folder / "004-maria-ejemplo-sample.pdf", slice(0, 1))
    assert "Estimado/a María Ejemplo (SAMPLE):" in spanish
    assert "1 de enero de 2021" in spanish


def test_only_noto_fonts_are_embedded(sample_mailing: tuple[Result, Path]) -> None:
    result, folder = sample_mailing
    assert result.code == 0, result.output
    fonts: set[str] = set()
    for path in folder.glob("*.pdf"):
        with pikepdf.open(path) as doc:
            for page in doc.pages:
                for font in page.Resources.get("/Font", {}).values():
                    for desc in font.get("/DescendantFonts", [font]):
                        fonts.add(str(desc.BaseFont).split("+")[-1])
                        assert "/FontFile2" in desc.FontDescriptor
    assert fonts and all(f.startswith("Noto") for f in fonts), fonts


def test_screen_letters_reach_a_screen_reader_tagged(letter_project: Path) -> None:
    """Each recipient's file (letter, then brief) is one tagged document that passes
    PDF/UA-1: the letter's structure with the brief's as a Part after it, whether the
    letter was rendered whole (the first of its language) or filled from a template."""
    mailing = mail(letter_project, "letter", letter_project / "briefs/recipients/sample.csv")
    with pikepdf.open(letter_project / "out/arcadia.pdf") as brief:
        brief_outline = outline(brief)
    for row in manifest(mailing.folder):
        path = mailing.folder / row["file"]
        assert check_screen(path.read_bytes()) == [], row["file"]
        with pikepdf.open(path) as doc:
            assert structure_faults(doc) == [], row["file"]
            document = doc.Root.StructTreeRoot.K
            part = kids_of(document)[-1]
            assert (str(document.S), str(part.S)) == ("/Document", "/Part")
            # The brief's tree, whole, one level down; the letter's before it.
            shape = outline(doc)
            start = shape.index(("/Part", 1, 0))
            assert brief_outline[0] == ("/Document", 0, 0)
            assert [(s, d - 1, n) for s, d, n in shape[start + 1 :]] == brief_outline[1:]
            assert any(s == "/H1" for s, _, _ in shape[:start])


def test_yaml_recipients_with_an_address_as_a_list(letter_project: Path, cli: Cli) -> None:
    (letter_project / "people.yaml").write_text(
        "recipients:\n"
        "  - name: Ана Пример (SAMPLE)\n"
        "    title: Депутат\n"
        "    organisation: Жогорку Кеңеш (SAMPLE)\n"
        "    address: [Чүй проспекти, 207, Бишкек]\n"
        "    language: ky\n",
        encoding="utf-8",
    )
    result = cli("letters", "letter", "--recipients", "people.yaml")
    assert result.code == 0, result.output
    (row,) = manifest(letter_project / "out/letters/letter")
    text = text_of(letter_project / "out/letters/letter" / row["file"], slice(0, 1))
    assert "Жогорку Кеңеш (SAMPLE)" in text and "Чүй проспекти" in text


def test_out_folder_and_a_long_address_that_still_fits(letter_project: Path, cli: Cli) -> None:
    long_row = (
        '"Her Excellency Dr. María-Fernanda de los Ángeles Ejemplo-Rodríguez (SAMPLE)",'
        "Minister of Health and Social Protection and Deputy Prime Minister,"
        "Ministry of Health and Social Protection of the Sample Republic,"
        '"Directorate of Strategic Planning\nBuilding 7, Floor 12, Office 1203\n'
        '1234 Avenida de la Independencia Nacional\nSample City 00000\nSampleland",,es,\n'
    )
    (letter_project / "long.csv").write_text(HEADER + long_row, encoding="utf-8")
    result = cli("letters", "letter", "--recipients", "long.csv", "--out", "mailing")
    assert result.code == 0, result.output
    assert "long.csv:2: warning: the address has 8 lines" in result.err
    assert "characters (over 45)" in result.err
    (row,) = manifest(letter_project / "mailing")
    text = text_of(letter_project / "mailing" / row["file"], slice(0, 1))
    assert "Sampleland" in text and "Sample City 00000" in text
    placed = text_positions(letter_project / "mailing" / row["file"])
    window = [(t, x, y) for t, x, y in placed if 40 <= y <= 95]  # the band around the window
    for words in ("Her Excellency", "Ministry of Health", "Directorate", "Sampleland"):
        found = [(x, y) for t, x, y in window if words in t]
        assert found, words
        for x, y in found:  # DL window: 20 to 110 mm from the left, 45 to 90 mm from the top
            assert 20 <= x <= 110 and 45 <= y <= 90, (words, x, y)


def text_positions(pdf: Path) -> list[tuple[str, float, float]]:
    """Text on page one with where it starts, in mm from the top-left corner."""
    page = PdfReader(pdf).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text, x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


MM = 72 / 25.4


# --- nothing half-written ---------------------------------------------------------------


BAD_ROWS = (
    b"name,title,organisation,address,emial\n"  # line 1: unknown column
    b'Ana Example (SAMPLE),MP,Parliament,"1 Street\nCity",a@example.org\n'  # row 1, lines 2-3
    b",MP,Parliament,2 Street,\n"  # row 2, line 4: no name
    b"Bad Byte (SAMPLE),MP,Parliament,3 Street\xe9,\n"  # row 3, line 5: Latin-1, not UTF-8
    + b'ana example (sample),MP,Parliament,"1 Street\nCity",\n'  # row 4, lines 6-7: row 1
)


def test_recipient_problems_are_reported_together_by_row(letter_project: Path, cli: Cli) -> None:
    (letter_project / "bad.csv").write_bytes(BAD_ROWS)
    result = cli("letters", "letter", "--recipients", "bad.csv")
    assert result.code == 1
    err = result.err
    assert "bad.csv:1: error: unknown column 'emial' (did you mean 'email'? columns: name," in err
    assert "bad.csv:4: error: missing name (row 2)" in err
    assert "bad.csv:5:" in err and "not valid UTF-8 (byte 0xe9) (row 3)" in err
    assert "bad.csv:6: error: duplicate of row 1 on line 2 (row 4)" in err
    assert "Traceback" not in result.output
    assert not (letter_project / "out/letters").exists()
    assert not (letter_project / "out/arcadia.pdf").exists()  # nothing rendered at all


def test_a_failed_mailing_keeps_the_previous_one(letter_project: Path, cli: Cli) -> None:
    assert cli("letters", "letter", "--recipients", "briefs/recipients/sample.csv").code == 0
    folder = letter_project / "out/letters/letter"
    before = folder_state(folder)
    # A note so long that one letter runs over its two pages: found only by rendering.
    note = " ".join(["We look forward to meeting you again soon."] * 400)
    (letter_project / "long-note.csv").write_text(
        HEADER + f'A (SAMPLE),MP,P,"1 Street",,en,\nB (SAMPLE),MP,P,"2 Street",,en,{note}\n',
        encoding="utf-8",
    )
    result = cli("letters", "letter", "--recipients", "long-note.csv")
    assert result.code == 1
    assert "long-note.csv:3: error: the letter for row 2: the brief runs to" in result.err
    assert folder_state(folder) == before
    assert [p.name for p in folder.parent.iterdir()] == ["letter"]


def test_a_name_the_fonts_cannot_print_is_an_error_before_rendering(
    letter_project: Path, cli: Cli
) -> None:
    # Chinese prints (a Noto CJK fallback); mathematical Fraktur is in no font of the stack.
    (letter_project / "cjk.csv").write_text(
        HEADER + '王小明 𝔄 (SAMPLE),MP,Parliament,"1 Street",,en,\n', encoding="utf-8"
    )
    result = cli("letters", "letter", "--recipients", "cjk.csv")
    assert result.code == 1
    assert "cjk.csv:2: error: '𝔄'" in result.err and "(row 1)" in result.err
    assert "'王'" not in result.err
    assert not (letter_project / "out/arcadia.pdf").exists()


def test_out_refuses_a_folder_that_is_not_a_mailing(letter_project: Path, cli: Cli) -> None:
    (letter_project / "documents").mkdir()
    (letter_project / "documents/thesis.txt").write_text("keep me")
    result = cli(
        "letters", "letter", "--recipients", "briefs/recipients/sample.csv", "--out", "documents"
    )
    assert result.code == 1
    assert "documents: error: letters --out: the folder exists and was not made by briefpress" in (
        result.err
    )
    assert (letter_project / "documents/thesis.txt").read_text() == "keep me"


def test_out_dot_with_a_stray_manifest_leaves_the_project_whole(
    letter_project: Path, cli: Cli
) -> None:
    """A file named manifest.csv does not make a folder a mailing: only briefpress's marker
    does, so `--out .` is refused and nothing of the project is touched."""
    (letter_project / "manifest.csv").write_text("row,name\n")
    before = sorted(p.relative_to(letter_project) for p in letter_project.rglob("*"))
    result = cli("letters", "letter", "--recipients", "briefs/recipients/sample.csv", "--out", ".")
    assert result.code == 1
    assert "was not made by briefpress" in result.err
    after = sorted(p.relative_to(letter_project) for p in letter_project.rglob("*"))
    assert [p for p in before if p not in after] == []


def test_a_mailing_replaces_its_own_folder_and_cleans_a_killed_runs_staging(
    letter_project: Path, cli: Cli
) -> None:
    args = ("letters", "letter", "--recipients", "briefs/recipients/sample.csv", "--out", "m")
    assert cli(*args).code == 0
    # What a killed run leaves: a marked staging folder of a process that is gone.
    stale = letter_project / ".m.new-999999999-x"
    stale.mkdir()
    (stale / ".briefpress-owned").write_text("")
    (stale / "001-alex-sample-sample.pdf").write_bytes(b"half")
    (letter_project / "m" / "old-letter.pdf").write_bytes(b"from the last mailing")
    assert cli(*args).code == 0
    assert not stale.exists()
    assert not (letter_project / "m" / "old-letter.pdf").exists()
    assert len(manifest(letter_project / "m")) == 4
    assert [p.name for p in letter_project.iterdir() if p.name.startswith(".m.")] == []


# --- the letter brief ---------------------------------------------------------------------


def test_accompanies_must_name_a_brief_that_is_not_a_letter(letter_project: Path, cli: Cli) -> None:
    spec = letter_project / "briefs/letter.yaml"
    spec.write_text(LETTER.replace("accompanies: arcadia", "accompanies: arcadio"))
    result = cli("check")
    assert result.code == 1
    assert "briefs/letter.yaml:5:16: error: unknown brief 'arcadio'" in result.err
    assert "did you mean 'arcadia'?" in result.err
    spec.write_text(LETTER.replace("accompanies: arcadia", "accompanies: letter"))
    result = cli("check")
    assert "briefs/letter.yaml:5:16: error: a letter accompanies a brief" in result.err


def test_letters_needs_a_letter_brief(letter_project: Path, cli: Cli) -> None:
    result = cli("letters", "arcadia", "--recipients", "briefs/recipients/sample.csv")
    assert result.code == 1
    assert "'arcadia' is a country brief: letters are sent from a letter brief" in result.err


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_stylesheets_parsed_once_give_the_same_pages(letter_project: Path, edition: str) -> None:
    """Letters reuse parsed stylesheets; the pages must be those of a plain render."""
    project = load_project(letter_project, ["letter"])
    publish_theme(project.out_dir)
    rendered = render_brief(project.briefs["letter"], project, medium(edition))
    renderer = PdfRenderer(letter_project, extra_roots=[THEME_DIR])
    plain, plain_pages, _, _ = renderer.render(rendered)
    shared, shared_pages, _, _ = renderer.render(rendered, renderer.shared_styles(rendered))
    assert shared_pages == plain_pages
    assert len(renderer.shared_styles(rendered).sheets) >= 1
    assert drawn(shared) == drawn(plain)


def drawn(pdf: bytes) -> list[tuple[object, ...]]:
    """What each page draws, and the output intent: a print PDF also holds random ids."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        intent = [str(i.OutputConditionIdentifier) for i in doc.Root.get("/OutputIntents", [])]
        return [
            (
                [float(v) for v in page.mediabox],
                [float(v) for v in page.obj.get("/TrimBox", [])],
                contents(page),
                intent,
            )
            for page in doc.pages
        ]


def contents(page: pikepdf.Page) -> bytes:
    return b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)).splitlines())


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_the_print_file_draws_each_recipients_pages_in_order(
    letter_project: Path, edition: str
) -> None:
    """mailing.pdf is written page by page: each recipient's file, padded to an even count,
    page for page; every stream but the XMP metadata is compressed, and the print edition
    keeps its output intent."""
    mailing = mail(
        letter_project, "letter", letter_project / "briefs/recipients/sample.csv", edition=edition
    )
    with pikepdf.open(mailing.folder / "mailing.pdf") as combined:
        assert combined.check_pdf_syntax() == []
        expected: list[tuple[object, ...]] = []
        for row in manifest(mailing.folder):
            with pikepdf.open(mailing.folder / row["file"]) as own:
                expected += [page_drawing(page) for page in own.pages]
                if len(own.pages) % 2:
                    expected.append(("blank",))
                plain = [
                    obj
                    for obj in own.objects
                    if isinstance(obj, pikepdf.Stream)
                    and "/Filter" not in obj.stream_dict
                    and obj.stream_dict.get("/Type") != pikepdf.Name.Metadata
                ]
                assert plain == []
                intents = own.Root.get("/OutputIntents", [])
                assert (len(intents) == 1) == (edition == "print")
        got = [
            page_drawing(page) if "/Contents" in page.obj else ("blank",) for page in combined.pages
        ]
        assert got == expected
        assert (len(combined.Root.get("/OutputIntents", [])) == 1) == (edition == "print")


def page_drawing(page: pikepdf.Page) -> tuple[object, ...]:
    return ([float(v) for v in page.mediabox], contents(page))


def session_processes(session: int) -> list[int]:
    """Processes still alive in a session (the command and any worker it started)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def test_sigterm_mid_mailing_stops_workers_and_keeps_the_previous_mailing(
    letter_project: Path, cli: Cli
) -> None:
    args = ["letters", "letter", "--recipients", "briefs/recipients/sample.csv", "--out", "m"]
    assert cli(*args).code == 0
    before = folder_state(letter_project / "m")
    rows = "".join(f'"Sample Person {n} (SAMPLE)",,,"{n} Sample Street",,en,\n' for n in range(60))
    (letter_project / "many.csv").write_text(HEADER + rows, encoding="utf-8")
    command = [sys.executable, "-m", "briefpress", "-C", str(letter_project)]
    command += ["letters", "letter", "--recipients", "many.csv", "--out", "m", "-j", "2"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not list(letter_project.glob(".m.new-*/0*.pdf")) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert b"Traceback" not in err, err.decode(errors="replace")[-3000:]
    deadline = time.monotonic() + 10
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(process.pid) == []
    assert folder_state(letter_project / "m") == before
    assert [p.name for p in letter_project.iterdir() if p.name.startswith(".m.")] == []


def _write_when_ended(staging: Path, ready: Path, seen: Path) -> None:
    """A worker's job that, when the pool ends it (SIGTERM), writes a letter into the
    staging folder if it still exists, as a letter finishing at that moment would."""

    def ended(signum: int, frame: object) -> None:
        seen.write_text(str(staging.exists()))
        if staging.exists():
            (staging / "0001-late.pdf").write_bytes(b"%PDF-1.7 a recipient's letter")
        os._exit(0)

    signal.signal(signal.SIGTERM, ended)
    ready.write_text("working")
    time.sleep(60)


def test_a_stop_ends_the_workers_before_the_staging_folder_goes(
    letter_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl-C or SIGTERM while workers make letters: the workers are ended first, then the
    staging folder is removed, so no letter a worker was finishing is left in it."""
    import briefpress.mail.letters as letters

    ready, seen = tmp_path / "ready", tmp_path / "seen"

    def stopped_mailing(run: letters.Run, recipients: object) -> letters.Mailing:
        assert run.pool is not None
        run.pool.submit(_write_when_ended, run.staging, ready, seen)
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.02)
        raise KeyboardInterrupt

    monkeypatch.setattr(letters, "make_mailing", stopped_mailing)
    recipients = letter_project / "briefs/recipients/sample.csv"
    with pytest.raises(KeyboardInterrupt):
        mail(letter_project, "letter", recipients, jobs=2)
    assert seen.read_text() == "True"  # the worker was ended while the folder was there
    assert [p.name for p in (letter_project / "out/letters").glob(".*")] == []


def test_letters_are_the_same_bytes_whatever_the_workers_and_the_other_rows(
    letter_project: Path,
) -> None:
    """A letter depends on its row alone: one more recipient, or another -j, which gives
    another worker another first letter, changes none of the others' files (a send would
    otherwise say they got an earlier version)."""
    body = "".join(
        f'"{name} (SAMPLE)",,,"{n} Example Street\nSample City",,{language},\n'
        for n, (name, language) in enumerate(
            [("Alex Sample", "en"), ("Иван Образцов", "en"), ("Kim Sample", "en"), ("Ana", "es")]
        )
    )
    more = '"Lee Sample (SAMPLE)",,,"9 Example Street\nSample City",,en,\n'
    (letter_project / "base.csv").write_text(HEADER + body, encoding="utf-8")
    (letter_project / "more.csv").write_text(HEADER + body + more, encoding="utf-8")
    one = mail(letter_project, "letter", letter_project / "base.csv", letter_project / "a")
    two = mail(letter_project, "letter", letter_project / "more.csv", letter_project / "b", jobs=2)
    first = {row["file"]: (one.folder / row["file"]).read_bytes() for row in manifest(one.folder)}
    assert len(first) == 4 and two.letters == 5
    assert {f: (two.folder / f).read_bytes() for f in first} == first
    assert one.stats["filled"] >= 3  # made from the template of their language


def test_a_swapped_brief_pdf_is_rebuilt_before_it_goes_behind_the_letters(
    letter_project: Path, cli: Cli
) -> None:
    args = ["letters", "letter", "--recipients", "briefs/recipients/sample.csv"]
    assert cli(*args).code == 0
    brief = letter_project / "out/arcadia.pdf"
    expected = text_of(brief)
    folder = letter_project / "out/letters/letter"
    letter_pages = len(PdfReader(folder / manifest(folder)[0]["file"]).pages) - len(
        PdfReader(brief).pages
    )
    # Another PDF in its place (a synced folder, a mistaken copy): same name, other content.
    shutil.copy(folder / manifest(folder)[1]["file"], brief)
    assert cli(*args).code == 0
    first = folder / manifest(folder)[0]["file"]
    assert text_of(first, slice(letter_pages, None)) == expected
    assert text_of(brief) == expected


# --- letters filled from a template (pdf/variable.py) -----------------------------------


# One language's template, then recipients filled from it and recipients that do not fit
# it (a personal note; a salutation on two lines), and a second language.
MIXED_ROWS = (
    '"Alex Sample (SAMPLE)",,,"1 Example Street\nSample City",,en,\n'
    '"Иван Образцов (SAMPLE)",Депутат,Образцовый парламент,"ул. Образцовая, 1\nБишкек",,en,\n'
    '"Ana Nota (SAMPLE)",,,"2 Note Street\nSample City",,en,"Thank you for your time (SAMPLE)."\n'
    '"Lee Long (SAMPLE)",,,"3 Long Street\nSample City","Dear Honourable Member of Parliament '
    'and Chair of the Standing Committee on Health and Drug Policy (SAMPLE),",en,\n'
    '"María Ejemplo (SAMPLE)",Diputada,Asamblea de Ejemplo,"Calle Ejemplo 1\nPiso 2\n'
    'San José 10101\nCosta Rica",,en,\n'
    '"Nguyễn Văn Mẫu (SAMPLE)",,,"Số 1 Phố Mẫu\nHà Nội",,vi,\n'
    '"Trần Thị Mẫu (SAMPLE)",,,"Số 2 Phố Mẫu\nHuế",,vi,\n'
)


def page_images(pdf: Path, pages: int, folder: Path) -> list[bytes]:
    """The first ``pages`` pages as poppler draws them at 100 dpi (PPM bytes)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder.mkdir()
    command = ["pdftoppm", "-r", "100", "-l", str(pages), str(pdf), str(folder / "page")]
    subprocess.run(command, check=True)
    return [p.read_bytes() for p in sorted(folder.glob("page-*.ppm"))]


def part_marks(path: Path) -> int:
    """How many objects of a PDF carry the private mark of a replaceable part."""
    with pikepdf.open(path) as doc:
        return sum(
            PART_KEY in (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj)
            for obj in doc.objects
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)
        )


def test_every_letter_of_a_mailing_draws_as_its_whole_render(
    letter_project: Path, tmp_path: Path
) -> None:
    """Letters filled from a template and letters that fit none (rendered whole) alike."""
    csv_file = letter_project / "mixed.csv"
    csv_file.write_text(HEADER + MIXED_ROWS, encoding="utf-8")
    mailing = mail(letter_project, "letter", csv_file)
    brief_pages = len(PdfReader(letter_project / "out/arcadia.pdf").pages)
    project = load_project(letter_project, ["letter"])
    recipients = list(load_recipients(csv_file, "mixed.csv", "en")[0])
    renderer = PdfRenderer(letter_project, extra_roots=[THEME_DIR])
    rows = manifest(mailing.folder)
    assert [r["name"] for r in rows] == [r.name for r in recipients] and mailing.letters == 7
    for row, person in zip(rows, recipients, strict=True):
        letter = personalise(project.briefs["letter"], person, build_date())
        whole, pages, _, _ = renderer.render(render_brief(letter, project, medium("screen")))
        number, file = row["row"], mailing.folder / row["file"]
        (tmp_path / f"{number}.pdf").write_bytes(whole)
        expected = page_images(tmp_path / f"{number}.pdf", pages, tmp_path / f"whole{number}")
        assert int(row["pages"]) == pages + brief_pages
        got = page_images(file, pages, tmp_path / f"mailed{number}")
        assert got == expected, row["name"]
        text = text_of(file, slice(0, 1))
        assert person.name in text and person.address.split("\n")[-1] in text
        assert (person.note or "") in text and (person.salutation or "") in text
        others = [r.name for r in recipients if r is not person]
        assert [name for name in others if name in text] == []
    written = sorted(mailing.folder.iterdir())
    assert [p.name for p in written if b"BriefpressPart" in p.read_bytes()] == []
    assert [p.name for p in written if p.suffix == ".pdf" and part_marks(p)] == []


def test_a_project_letter_template_without_the_flow_mark_is_rendered_whole(
    letter_project: Path,
) -> None:
    theme_template = (THEME_DIR / "templates/letter.html.j2").read_text(encoding="utf-8")
    assert theme_template.count(FLOW_MARK_HTML) == 1
    (letter_project / "templates").mkdir()
    (letter_project / "templates/letter.html.j2").write_text(
        theme_template.replace(FLOW_MARK_HTML, ""), encoding="utf-8"
    )
    csv_file = letter_project / "mixed.csv"
    csv_file.write_text(HEADER + MIXED_ROWS, encoding="utf-8")
    project = load_project(letter_project, ["letter"])
    recipients = list(load_recipients(csv_file, "mixed.csv", "en")[0])
    letter = personalise(project.briefs["letter"], recipients[1], build_date())
    assert head_of(render_brief(letter, project, medium("screen"))) is None
    mailing = mail(letter_project, "letter", csv_file)
    assert mailing.letters == len(recipients) == 7
    for row, person in zip(manifest(mailing.folder), recipients, strict=True):
        text = text_of(mailing.folder / row["file"], slice(0, 1))
        assert person.name in text and person.address.split("\n")[0] in text
        assert [r.name for r in recipients if r is not person and r.name in text] == []


@pytest.mark.parametrize("edition", ["screen", "print"])
def test_a_built_letter_carries_no_part_marks(letter_project: Path, cli: Cli, edition: str) -> None:
    result = cli("build", "letter", "--edition", edition, "-j", "1")
    assert result.code == 0, result.output
    built = letter_project / "out" / ("print/" if edition == "print" else "") / "letter.pdf"
    assert part_marks(built) == 0
    with pikepdf.open(built) as doc:
        assert "/StructTreeRoot" in doc.Root

"""Recipients kept in a spreadsheet: .xlsx and .ods read like a CSV file."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from briefpress.mail import sheets
from briefpress.mail.recipients import load_recipients
from conftest import FIXTURE, run_cli
from sampleletter import LETTER

HEADER = ["name", "title", "organisation", "address", "email", "language"]
ROWS = [
    [
        "Amaka Obi",
        "Senator",
        "Senate Health Committee",
        "Three Arms Zone\nAbuja",
        "a@example.ng",
        "en",
    ],
    ["Jonas Berg", "MP", "Riksdag", "Riksgatan 1\nStockholm", "jonas@example.se", "en"],
]


def xlsx(path: Path, sheets_rows: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets_rows.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def ods(path: Path, sheets_rows: dict[str, list[list[str]]]) -> Path:
    document = OpenDocumentSpreadsheet()
    for title, rows in sheets_rows.items():
        table = Table(name=title)
        for values in rows:
            row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                for line in value.split("\n") if value else []:
                    cell.addElement(P(text=line))
                row.addElement(cell)
            table.addElement(row)
        table.addElement(TableRow(numberrowsrepeated=1_048_000))  # as LibreOffice saves
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def messages(problems: list[object]) -> list[str]:
    return [str(p) for p in problems]


@pytest.mark.parametrize("make", [xlsx, ods], ids=["xlsx", "ods"])
def test_the_first_sheet_is_read_like_a_csv_file(tmp_path: Path, make: object) -> None:
    suffix = ".xlsx" if make is xlsx else ".ods"
    path = make(tmp_path / f"list{suffix}", {"Council": [HEADER, *ROWS]})  # type: ignore[operator]
    recipients, problems = load_recipients(path, f"list{suffix}", "en", need_email=True)
    assert messages(problems) == []
    people = list(recipients)
    assert [p.name for p in people] == ["Amaka Obi", "Jonas Berg"]
    assert people[0].address == "Three Arms Zone\nAbuja"
    assert list(recipients) == people  # read again, the same rows


def test_a_named_sheet_and_problems_at_its_rows_and_columns(tmp_path: Path) -> None:
    book = {
        "Notes": [["nothing here"]],
        "MPs": [HEADER, ROWS[0], [None] * 6, [*ROWS[1][:4], "jonas@", "en", "stray"]],
    }
    path = xlsx(tmp_path / "list.xlsx", book)
    _, problems = load_recipients(tmp_path / "list.xlsx#mps", "list.xlsx#mps", "en")
    assert sorted(messages(problems)) == [  # the sheet's row 4 (row 3 is blank)
        "list.xlsx#MPs:4: error: email 'jonas@': not an e-mail address (row 2) "
        "(expected the form user@example.org)",
        "list.xlsx#MPs:4:7: error: a value in column G, which has no name (row 2)",
    ]
    _, problems = load_recipients(path, "list.xlsx", "en")  # the first sheet: no header
    assert any("missing column 'name'" in m for m in messages(problems))
    _, problems = load_recipients(tmp_path / "list.xlsx#Council", "list.xlsx#Council", "en")
    assert messages(problems) == [
        "list.xlsx#Council: error: no sheet named 'Council'; its sheets: Notes, MPs"
    ]


def test_numbers_and_dates_in_cells_read_as_text() -> None:
    assert sheets.cell_text(12.0) == "12"
    assert sheets.cell_text(None) == ""
    assert sheets.column_letter(28) == "AB"
    assert sheets.split_sheet("a#b.csv") == ("a#b.csv", None)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_damaged_spreadsheet_is_one_clear_problem(tmp_path: Path, suffix: str) -> None:
    good = (
        xlsx(tmp_path / "good.xlsx", {"S": [HEADER, ROWS[0]]})
        if suffix == ".xlsx"
        else (ods(tmp_path / "good.ods", {"S": [HEADER, ROWS[0]]}))
    )
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    broken = tmp_path / f"broken{suffix}"  # a zip, but not a spreadsheet
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("content.xml", "<not-closed")
    for path in (cut, broken):
        _, problems = load_recipients(path, path.name, "en")
        assert len(problems) == 1 and "damaged" in problems[0].message, messages(problems)


def test_a_spreadsheet_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = xlsx(tmp_path / "list.xlsx", {"S": [HEADER, ROWS[0]]})
    monkeypatch.setattr(sheets, "MAX_UNPACKED", 1000)
    _, problems = load_recipients(path, "list.xlsx", "en")
    assert messages(problems) == ["list.xlsx: error: the spreadsheet unpacks to more than 0 MB"]


@pytest.mark.parametrize("command", ["letters", "send"])
def test_letters_and_send_take_a_sheet_on_the_command_line(tmp_path: Path, command: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    (root / "briefpress.yaml").write_text('mail:\n  host: 127.0.0.1\n  from: "T <t@example.org>"\n')
    rows = [HEADER, ROWS[0], [*ROWS[1][:4], "jonas@", "en"]]
    ods(root / "people.ods", {"Intro": [["read me"]], "MPs": rows})
    extra = ["--dry-run"] if command == "send" else []
    args = ["-C", str(root), command, "letter", "--recipients", "people.ods#MPs", *extra]
    result = run_cli(args)
    assert result.code == 1, result.output
    assert "people.ods#MPs:3: error: email 'jonas@': not an e-mail address (row 2)" in result.err
    assert "Traceback" not in result.output
    assert not (root / "out/mail").exists() and not (root / "out/letters").exists()

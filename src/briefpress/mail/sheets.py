"""Recipients kept in a spreadsheet: the first sheet (or a named one) of an .xlsx or .ods
file read as rows, as a CSV file is.

Officers keep mailing lists in Excel or LibreOffice; saving them as CSV loses nothing
but is one more step that goes wrong (encodings, separators). A sheet's first row names
the columns, as a CSV header does; every later row is a recipient. A row is located by
the sheet and its row number as the spreadsheet shows them (``list.xlsx#Council:4``),
a cell by its column as well. A damaged or oversized file is one clear problem: both
formats are zip archives of XML, so their unpacked size is checked before anything is
parsed (no zip bomb), and only the first columns and rows are ever read.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

SUFFIXES = (".xlsx", ".ods")
MAX_FILE = 20 * 1024 * 1024  # bytes of the spreadsheet as saved
MAX_UNPACKED = 200 * 1024 * 1024  # bytes of its XML once unzipped
MAX_COLUMNS = 64  # a recipients table has about ten
MAX_ROWS = 200_000


class SheetError(Exception):
    """A spreadsheet that cannot be read: its message says why, in plain words."""


def split_sheet(name: str) -> tuple[str, str | None]:
    """``list.xlsx#Council`` as (``list.xlsx``, ``Council``); a name without a sheet as
    (name, None). Only a spreadsheet's name is split: ``#`` may be in other names."""
    base, hash_, sheet = name.rpartition("#")
    if hash_ and base.lower().endswith(SUFFIXES):
        return base, sheet or None
    return name, None


def is_sheet(name: str) -> bool:
    return split_sheet(name)[0].lower().endswith(SUFFIXES)


def column_letter(index: int) -> str:
    """The spreadsheet's name of column ``index`` (1-based): A, B, ... Z, AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_table(data: bytes, suffix: str, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    """The chosen sheet's name and its rows as text (trailing empty cells dropped).

    Raises :class:`SheetError` for a damaged file, a missing sheet or one too large.
    """
    if len(data) > MAX_FILE:
        raise SheetError(f"the spreadsheet is larger than {MAX_FILE // (1024 * 1024)} MB")
    check_archive(data)
    if suffix == ".ods":
        name, rows = ods_rows(data, sheet)
    else:
        name, rows = xlsx_rows(data, sheet)
    return name, limited(rows)


def check_archive(data: bytes) -> None:
    """A spreadsheet is a zip archive: refuse one that is not, or that unpacks too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("the file is damaged or is not a spreadsheet") from None
    if unpacked > MAX_UNPACKED:
        raise SheetError(f"the spreadsheet unpacks to more than {MAX_UNPACKED // 2**20} MB")


def limited(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise SheetError(f"the sheet has more than {MAX_ROWS} rows")
        yield row


def cell_text(value: Any) -> str:
    """A cell's value as the recipients table reads it: a whole number without ``.0``,
    a date as ISO 8601, an empty cell as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def trimmed(values: Iterable[Any]) -> list[str]:
    row = [cell_text(v) for v in values]
    while row and not row[-1].strip():
        row.pop()
    return row


# --- xlsx (openpyxl, read-only: rows are streamed) ----------------------------------


def xlsx_rows(data: bytes, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SheetError("the file is damaged or is not an .xlsx spreadsheet") from None
    names = list(book.sheetnames)
    name = pick_sheet(names, sheet)
    worksheet = book[name]

    def rows() -> Iterator[list[str]]:
        try:
            for values in worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                yield trimmed(values)
        except SheetError:
            raise
        except Exception:  # a damaged sheet part
            raise SheetError(f"sheet {name!r} is damaged and cannot be read") from None
        finally:
            book.close()

    return name, rows()


def pick_sheet(names: list[str], sheet: str | None) -> str:
    if not names:
        raise SheetError("the spreadsheet has no sheets")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = {n.casefold(): n for n in names}
    if sheet.casefold() in folded:
        return folded[sheet.casefold()]
    raise SheetError(f"no sheet named {sheet!r}; its sheets: {', '.join(names)}")


# --- ods (odfpy) ----------------------------------------------------------------------


def ods_rows(data: bytes, sheet: str | None) -> tuple[str, Iterator[list[str]]]:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table

    try:
        document = load(io.BytesIO(data))
        tables = document.spreadsheet.getElementsByType(Table)
    except Exception:  # odfpy raises many kinds for a damaged file
        raise SheetError("the file is damaged or is not an .ods spreadsheet") from None
    by_name = {str(t.getAttrNS(TABLENS, "name")): t for t in tables}
    name = pick_sheet(list(by_name), sheet)
    return name, ods_table_rows(by_name[name])


def ods_table_rows(table: Any) -> Iterator[list[str]]:
    """Rows of an ODF table; repeated rows and cells expanded (trailing empty ones, which
    LibreOffice repeats a million times, are not)."""
    from odf.namespaces import TABLENS

    pending_blank = 0
    for row in _elements(table, "table-row", through=("table-rows", "table-row-group")):
        repeat = int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)
        values = ods_cells(row)
        if not values:
            pending_blank += repeat
            continue
        yield from ([] for _ in range(min(pending_blank, MAX_ROWS + 1)))
        pending_blank = 0
        for _ in range(min(repeat, MAX_ROWS + 1)):
            yield list(values)


def ods_cells(row: Any) -> list[str]:
    from odf.namespaces import TABLENS

    values: list[str] = []
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        repeat = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
        text = _cell_text(cell)
        values.extend([text] * min(repeat, MAX_COLUMNS - len(values)))
        if len(values) >= MAX_COLUMNS:
            break
    return trimmed(values)


def _cell_text(cell: Any) -> str:
    """The cell's paragraphs, one line each (a postal address over several lines)."""
    lines = []
    for child in cell.childNodes:
        if child.qname[1] == "p":
            lines.append(_text(child))
    return "\n".join(lines)


def _text(node: Any) -> str:
    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
        elif child.qname[1] == "s":  # runs of spaces are stored as <text:s text:c="n"/>
            parts.append(" " * int(child.attributes.get((child.qname[0], "c"), 1)))
        elif child.qname[1] == "line-break":
            parts.append("\n")
        elif child.qname[1] == "tab":
            parts.append("\t")
        else:
            parts.append(_text(child))
    return "".join(parts)


def _elements(parent: Any, name: str, through: tuple[str, ...]) -> Iterator[Any]:
    for child in parent.childNodes:
        if getattr(child, "qname", (None, None))[1] == name:
            yield child
        elif getattr(child, "qname", (None, None))[1] in through:
            yield from _elements(child, name, through)

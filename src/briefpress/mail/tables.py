"""Recipients files as tables: a CSV or YAML file read into raw rows, with their places.

People keep mailing lists in spreadsheets, so the CSV reader accepts what spreadsheets
write (a byte-order mark, ``;`` or tab separators, quoted multi-line addresses, old Mac
line ends) and the YAML reader accepts a list of mappings. A row keeps the line it starts
on; what is wrong with the file itself (its encoding, its header, a NUL) is a problem at
its line. Checking a row's values is :mod:`briefpress.mail.recipients`' job.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import itertools
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from briefpress.core.errors import Location, Problem
from briefpress.data.yamlload import MAX_BYTES, parse_yaml

if TYPE_CHECKING:
    import _csv

REQUIRED = ("name", "title", "organisation", "address")
OPTIONAL = ("salutation", "language", "note", "email", "cc")
COLUMNS = REQUIRED + OPTIONAL
DELIMITERS = (",", ";", "\t")


@dataclass
class RawRow:
    """A row before checking: its values by column, and where it is."""

    row: int
    loc: Location
    values: dict[str, str] = field(default_factory=dict)


def row_problem(
    row: RawRow, message: str, hint: str | None = None, severity: str = "error"
) -> Problem:
    return Problem(row.loc, f"{message} (row {row.row})", hint, severity)


# --- the file ------------------------------------------------------------------------

MAX_LINE = 1024 * 1024  # a physical line longer than this is not a row of addresses
UTF16 = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Source:
    """A recipients file to read, as often as needed. A pipe (``<(...)``) cannot be read
    twice, so its bytes are kept (up to MAX_BYTES); a file is read from disk each time."""

    path: Path
    display: str
    data: bytes | None

    @property
    def yaml(self) -> bool:
        return self.path.suffix.lower() in (".yaml", ".yml")

    def rows(self, problems: list[Problem], digest: hashlib.blake2b) -> Iterator[RawRow]:
        """The file's rows, read now; what is wrong with them goes to ``problems``."""
        with self.open() as handle:
            if self.yaml:
                raw = handle.read(MAX_BYTES + 1)
                digest.update(raw)
                yield from yaml_rows(raw, self.display, problems)
            else:
                yield from csv_rows(binary_lines(handle, digest), self.display, problems)

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else self.path.open("rb")


def open_source(path: Path, display: str, problems: list[Problem]) -> Source | None:
    """The file as a :class:`Source`, or None with the reason in ``problems``."""
    where = Location(display)
    try:
        if path.is_dir():
            problems.append(Problem(where, "this is a folder, not a recipients file"))
            return None
        if stat.S_ISREG(path.stat().st_mode):
            with path.open("rb"):
                return Source(path, display, None)  # readable: it is read in each pass
        with path.open("rb") as handle:  # a pipe may be meant (<(...)); /dev/zero is not
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        problems.append(Problem(where, "recipients file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(where, f"cannot read the file: {exc.strerror}"))
        return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(where, f"the file is larger than {MAX_BYTES} bytes"))
        return None
    return Source(path, display, data)


class LineTooLong(Exception):
    """A physical line over MAX_LINE bytes (a file that is not a table)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def binary_lines(handle: BinaryIO, digest: hashlib.blake2b) -> Iterator[bytes]:
    """The file's lines as bytes, each added to ``digest`` (to find a file changed between
    two passes); never more than MAX_LINE bytes read at once."""
    number = 0
    while line := handle.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise LineTooLong(number)
        digest.update(line)
        yield line


# --- CSV ---------------------------------------------------------------------------


def sniff_delimiter(header: str) -> str:
    """The separator that splits the header into the most known column names."""

    def known(delimiter: str) -> int:
        names = next(csv.reader([header], delimiter=delimiter), [])
        return sum(1 for n in names if n.strip().lower() in COLUMNS)

    return max(DELIMITERS, key=known)


def csv_rows(lines: Iterator[bytes], display: str, problems: list[Problem]) -> Iterator[RawRow]:
    """Rows of a CSV file, read as they come, with the line each starts on; header
    problems on line 1."""
    first = next(lines, b"")
    if first.startswith(UTF16):
        hint = "save it as 'CSV UTF-8' in your spreadsheet"
        problems.append(Problem(Location(display, 1), "the file is UTF-16, not UTF-8", hint))
        return
    text = TextLines(itertools.chain([first.removeprefix(codecs.BOM_UTF8)], lines), display)
    pieces = iter(text)
    header_line = next(pieces, "")
    reader = csv.reader(
        itertools.chain([header_line], pieces), delimiter=sniff_delimiter(header_line), strict=True
    )
    try:
        if text.stop is None:
            columns, header_problems = check_header(next(reader, []), display)
            problems += header_problems
            yield from _csv_body(reader, columns, text, problems)
    except csv.Error as exc:
        where = Location(display, reader.line_num or 1)
        hint = 'a quote inside a value is written twice: ""'
        problems.append(Problem(where, f"the CSV cannot be read: {exc}", hint))
    except LineTooLong as exc:
        message = f"line {exc.number} is longer than {MAX_LINE} bytes: this is not a CSV table"
        problems.append(Problem(Location(display, exc.number), message))
    problems += text.bad_rows()
    if text.stop is not None:
        problems.append(text.stop)


class TextLines:
    """The file's lines decoded for the csv module, which counts them (its ``line_num``).

    A line that is not UTF-8 is kept aside, with its number and the byte at fault, until
    the row it belongs to is known; a NUL character stops the reading.
    """

    def __init__(self, lines: Iterator[bytes], display: str) -> None:
        self.lines = lines
        self.display = display
        self.count = 0  # lines handed to the csv module so far
        self.bad: list[Problem] = []  # not UTF-8; each gets its row in bad_rows
        self.rows: list[tuple[int, int]] = []  # (first line, row) where a bad line is
        self.stop: Problem | None = None

    def __iter__(self) -> Iterator[str]:
        for raw in self.lines:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad.append(
                    Problem(
                        Location(self.display, self.count + 1, exc.start + 1),
                        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                        "save the file as 'CSV UTF-8' in your spreadsheet",
                    )
                )
                line = raw.decode("utf-8", errors="replace")
            if "\x00" in line:
                line_number = self.count + 1 + line[: line.index("\x00")].count("\r")
                where = Location(self.display, line_number)
                self.stop = Problem(where, "the file contains a NUL character")
                return
            # Old Mac files end lines with a lone CR: the csv module reads each as a line.
            for piece in LONE_CR.split(line):
                if piece:
                    self.count += 1
                    yield piece

    def row_started(self, row: RawRow) -> None:
        """A row starts at ``row.loc``: bad lines from there on are in it (until the next)."""
        if self.bad:
            self.rows.append((row.loc.line or 0, row.row))

    def bad_rows(self) -> list[Problem]:
        """The bad lines, each with the row it is in: the last row started at or before
        it (the header's line has none)."""
        found = []
        for problem in self.bad:
            line = problem.location.line or 0
            rows = [row for start, row in self.rows if start <= line]
            if line == 1 or not rows:
                found.append(problem)
            else:
                found.append(
                    Problem(problem.location, f"{problem.message} (row {rows[-1]})", problem.hint)
                )
        return found


LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def check_header(header: list[str], display: str) -> tuple[list[str | None], list[Problem]]:
    """Column names by position and the header's problems.

    An unknown or repeated column is reported here once, and its values are ignored
    (None); a column with no name is "" (spreadsheets add them; a value in one is an
    error of its row).
    """
    where = Location(display, 1)
    if not any(h.strip() for h in header):
        return [], [
            Problem(
                where,
                "the file is empty",
                f"the first line names the columns: {', '.join(COLUMNS)}",
            )
        ]
    problems: list[Problem] = []
    columns: list[str | None] = []
    for name in (h.strip().lower() for h in header):
        if not name:
            columns.append("")
        elif name in columns:
            problems.append(Problem(where, f"column {name!r} appears twice"))
            columns.append(None)
        elif name not in COLUMNS:
            problems.append(Problem(where, f"unknown column {name!r}", _column_hint(name)))
            columns.append(None)
        else:
            columns.append(name)
    for name in REQUIRED:
        if name not in columns:
            hint = f"the header needs {', '.join(REQUIRED)}"
            problems.append(Problem(where, f"missing column {name!r}", hint))
    return columns, problems


def _column_hint(name: str) -> str:
    close = difflib.get_close_matches(name, COLUMNS, n=1)
    known = f"columns: {', '.join(COLUMNS)}"
    return f"did you mean {close[0]!r}? {known}" if close else known


def _csv_body(
    reader: _csv.Reader, columns: list[str | None], text: TextLines, problems: list[Problem]
) -> Iterator[RawRow]:
    display = text.display
    start = reader.line_num + 1
    number = 0
    for values in reader:
        loc = Location(display, start)
        start = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue  # a blank line between rows
        number += 1
        row = RawRow(number, loc)
        text.row_started(row)
        if len(values) > len(columns):
            problems.append(
                row_problem(
                    row,
                    f"{len(values)} values, but the header has {len(columns)} columns",
                    "a value with a comma in it needs double quotes around it",
                )
            )
        for column, value in zip(columns, values, strict=False):
            if column:
                row.values[column] = value
            elif column == "" and value.strip():
                problems.append(row_problem(row, "a value in a column without a name"))
        yield row


# --- YAML --------------------------------------------------------------------------


def yaml_rows(raw: bytes, display: str, problems: list[Problem]) -> Iterator[RawRow]:
    """Rows of a YAML list (or ``recipients:`` list) of mappings with the columns as keys.
    YAML is parsed whole (it has no rows to stream): a long list belongs in a CSV file."""
    doc, parse_problems = parse_yaml(raw, display)
    problems += parse_problems
    if doc is None:
        return
    items = doc.data.get("recipients") if isinstance(doc.data, dict) else doc.data
    prefix: tuple[str, ...] = ("recipients",) if isinstance(doc.data, dict) else ()
    if not isinstance(items, list):
        problems.append(Problem(doc.loc(), "expected a list of recipients (mappings)"))
        return
    for index, item in enumerate(items):
        row = RawRow(index + 1, doc.loc(*prefix, index))
        if not isinstance(item, dict):
            problems.append(row_problem(row, "expected a mapping (name:, address: ...)"))
            yield row
            continue
        for key, value in item.items():
            name = str(key).strip().lower()
            if name not in COLUMNS:
                where = doc.key_loc(*prefix, index, str(key))
                problems.append(
                    Problem(where, f"unknown field {key!r} (row {row.row})", _column_hint(name))
                )
                continue
            text = _yaml_text(value)
            if text is None:
                problems.append(row_problem(row, f"{name}: expected text"))
                continue
            row.values[name] = text
        yield row


def _yaml_text(value: object) -> str | None:
    """A YAML value as text; an address may be a list of lines."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "\n".join(str(v) for v in value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None

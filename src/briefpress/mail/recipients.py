"""Recipients of a mailing: a CSV or YAML file read into checked rows.

People keep mailing lists in spreadsheets, so the CSV reader accepts what
spreadsheets write (a byte-order mark, ``;`` or tab separators, quoted
multi-line addresses) and the YAML reader accepts a list of mappings. Every
problem is reported at once, as ``file:line: error: ... (row N)``: the line is
where the row starts in the file (an address over three lines moves the rows
below it), the row number is what a spreadsheet shows beside the data.
Nothing is rendered until the whole file is clean.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefpress.checks.validate import check_window
from briefpress.core import i18n
from briefpress.core.errors import Location, Problem
from briefpress.data.yamlload import MAX_BYTES, parse_yaml
from briefpress.mail.addresses import address_problem, normalise, split_cc

if TYPE_CHECKING:
    import _csv

REQUIRED = ("name", "title", "organisation", "address")
OPTIONAL = ("salutation", "language", "note", "email", "cc")
COLUMNS = REQUIRED + OPTIONAL
# Values that must not be empty: without them there is no one to write to, or nowhere.
NEEDED = ("name", "address")
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)  # slots: a mailing may hold 50,000 of them
class Recipient:
    """One person to write to, as checked from one row of the recipients file."""

    row: int  # 1-based, not counting the header
    loc: Location  # where the row starts
    name: str
    title: str | None
    organisation: str | None
    address: str
    salutation: str | None
    language: str
    note: str | None
    email: str | None = None  # for `briefpress send`; checked when present, needed there
    cc: tuple[str, ...] = ()

    @property
    def window_lines(self) -> list[str]:
        """The lines that must fit the envelope window, in print order."""
        lines = [self.name, self.title or "", self.organisation or ""]
        return [line for line in [*lines, *self.address.split("\n")] if line.strip()]


@dataclass
class RawRow:
    """A row before checking: its values by column, and where it is."""

    row: int
    loc: Location
    values: dict[str, str] = field(default_factory=dict)


def load_recipients(
    path: Path, display: str, default_language: str, need_email: bool = False
) -> tuple[list[Recipient], list[Problem]]:
    """Every recipient in ``path``, or the problems that stop the mailing (and warnings).

    ``need_email``: every row must have an address (``briefpress send``); without it an
    address is checked only where there is one (a postal mailing).
    """
    try:
        if path.is_dir():
            return [], [Problem(Location(display), "this is a folder, not a recipients file")]
        with path.open("rb") as handle:  # a pipe may be meant (<(...)); /dev/zero is not
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return [], [Problem(Location(display), "recipients file not found")]
    except OSError as exc:
        return [], [Problem(Location(display), f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_BYTES:
        return [], [Problem(Location(display), f"the file is larger than {MAX_BYTES} bytes")]
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, problems = read_yaml_rows(raw, display)
    else:
        rows, problems = read_csv_rows(raw, display)
    recipients: list[Recipient] = []
    for row in rows:
        recipient, row_problems = check_row(row, default_language)
        problems.extend(row_problems)
        if need_email and not clean(row.values.get("email")):
            hint = "add an email column" if "email" not in row.values else None
            problems.append(_row_problem(row, "missing email", hint))
        if recipient is not None:
            recipients.append(recipient)
    problems.extend(find_duplicates(rows))
    problems.extend(find_duplicate_addresses(rows))
    if not rows and not any(p.is_error for p in problems):
        problems.append(Problem(Location(display), "no recipients in the file"))
    return recipients, sorted(problems, key=lambda p: p.location)


# --- CSV ---------------------------------------------------------------------------


def encoding_problems(raw: bytes, display: str) -> list[Problem]:
    """One problem per line that is not UTF-8: a byte in a UTF-8 character is never a
    newline, so checking line by line finds every bad line, not only the first."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [
            Problem(
                Location(display, 1),
                "the file is UTF-16, not UTF-8",
                "save it as 'CSV UTF-8' in your spreadsheet",
            )
        ]
    problems = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    Location(display, number, exc.start + 1),
                    f"not valid UTF-8 (byte 0x{line[exc.start]:02x})",
                    "save the file as 'CSV UTF-8' in your spreadsheet",
                )
            )
    return problems


def sniff_delimiter(header: str) -> str:
    """The separator that splits the header into the most known column names."""

    def known(delimiter: str) -> int:
        names = next(csv.reader([header], delimiter=delimiter), [])
        return sum(1 for n in names if n.strip().lower() in COLUMNS)

    return max(DELIMITERS, key=known)


def read_csv_rows(raw: bytes, display: str) -> tuple[list[RawRow], list[Problem]]:
    """Rows of a CSV file with the line each starts on; header problems on line 1."""
    bad_lines = encoding_problems(raw, display)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], bad_lines
    text = raw.decode("utf-8-sig", errors="replace")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [Problem(Location(display, line), "the file contains a NUL character")]
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        columns, problems = check_header(header, display)
        rows, row_problems = _csv_body(reader, columns, display)
    except csv.Error as exc:
        where = Location(display, reader.line_num or 1)
        hint = 'a quote inside a value is written twice: ""'
        return [], [*bad_lines, Problem(where, f"the CSV cannot be read: {exc}", hint)]
    problems += row_problems
    problems += [_with_row(p, rows) for p in bad_lines]
    return rows, problems


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
    reader: _csv.Reader, columns: list[str | None], display: str
) -> tuple[list[RawRow], list[Problem]]:
    rows: list[RawRow] = []
    problems: list[Problem] = []
    start = reader.line_num + 1
    for values in reader:
        loc = Location(display, start)
        start = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue  # a blank line between rows
        row = RawRow(len(rows) + 1, loc)
        rows.append(row)
        if len(values) > len(columns):
            problems.append(
                _row_problem(
                    row,
                    f"{len(values)} values, but the header has {len(columns)} columns",
                    "a value with a comma in it needs double quotes around it",
                )
            )
        for column, value in zip(columns, values, strict=False):
            if column:
                row.values[column] = value
            elif column == "" and value.strip():
                problems.append(_row_problem(row, "a value in a column without a name"))
    return rows, problems


def _with_row(problem: Problem, rows: list[RawRow]) -> Problem:
    """Add the row number to a problem found by line (the encoding check)."""
    line = problem.location.line or 0
    inside = [r for r in rows if (r.loc.line or 0) <= line]
    if not inside or line == 1:
        return problem
    return Problem(problem.location, f"{problem.message} (row {inside[-1].row})", problem.hint)


# --- YAML --------------------------------------------------------------------------


def read_yaml_rows(raw: bytes, display: str) -> tuple[list[RawRow], list[Problem]]:
    """Rows of a YAML list (or ``recipients:`` list) of mappings with the columns as keys."""
    doc, problems = parse_yaml(raw, display)
    if doc is None:
        return [], problems
    items = doc.data.get("recipients") if isinstance(doc.data, dict) else doc.data
    prefix: tuple[str, ...] = ("recipients",) if isinstance(doc.data, dict) else ()
    if not isinstance(items, list):
        return [], [Problem(doc.loc(), "expected a list of recipients (mappings)")]
    rows: list[RawRow] = []
    for index, item in enumerate(items):
        row = RawRow(index + 1, doc.loc(*prefix, index))
        rows.append(row)
        if not isinstance(item, dict):
            problems.append(_row_problem(row, "expected a mapping (name:, address: ...)"))
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
                problems.append(_row_problem(row, f"{name}: expected text"))
                continue
            row.values[name] = text
    return rows, problems


def _yaml_text(value: object) -> str | None:
    """A YAML value as text; an address may be a list of lines."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "\n".join(str(v) for v in value)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None


# --- rows --------------------------------------------------------------------------


def _row_problem(
    row: RawRow, message: str, hint: str | None = None, severity: str = "error"
) -> Problem:
    return Problem(row.loc, f"{message} (row {row.row})", hint, severity)


def clean(value: str | None) -> str:
    """A value with spreadsheet line ends unified and the space around lines trimmed."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines).strip()


def _control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)


def check_row(row: RawRow, default_language: str) -> tuple[Recipient | None, list[Problem]]:
    """A recipient from one row, or the row's problems (all of them)."""
    values = {name: clean(row.values.get(name)) for name in COLUMNS}
    problems = [_row_problem(row, f"missing {name}") for name in NEEDED if not values[name]]
    for name, value in values.items():
        if name in ("email", "cc"):
            continue  # checked as addresses, below
        if _control_characters(value):
            problems.append(_row_problem(row, f"{name} contains a control character"))
        elif name != "address" and name != "note" and "\n" in value:
            problems.append(_row_problem(row, f"{name} is on more than one line"))
    problems += email_problems(row, values["email"], values["cc"])
    language = values["language"] or default_language
    if i18n.parse_locale(language) is None:
        problems.append(
            _row_problem(row, f"unknown language {language!r}", "a BCP 47 tag such as es or pt-PT")
        )
    if problems:
        return None, problems
    recipient = Recipient(
        row=row.row,
        loc=row.loc,
        name=values["name"],
        title=values["title"] or None,
        organisation=values["organisation"] or None,
        address=values["address"],
        salutation=values["salutation"] or None,
        language=language,
        note=values["note"] or None,
        email=values["email"] or None,
        cc=tuple(split_cc(values["cc"])),
    )
    warnings = [
        Problem(p.location, f"{p.message} (row {row.row})", p.hint, p.severity)
        for p in check_window(recipient.window_lines, row.loc)
    ]
    return recipient, warnings


def _identity(row: RawRow) -> tuple[str, ...]:
    """What makes two rows the same letter: name, organisation and address, whatever the
    case, spacing or Unicode normalisation a spreadsheet gave them."""
    parts = (row.values.get(k, "") for k in ("name", "organisation", "address"))
    return tuple(" ".join(unicodedata.normalize("NFC", p).casefold().split()) for p in parts)


def find_duplicates(rows: list[RawRow]) -> list[Problem]:
    """A second row for the same person at the same address would post two letters."""
    first: dict[tuple[str, ...], RawRow] = {}
    problems = []
    for row in rows:
        key = _identity(row)
        if not key[0]:
            continue  # reported as a missing name
        if key in first:
            earlier = first[key]
            problems.append(
                _row_problem(
                    row,
                    f"duplicate of row {earlier.row} on line {earlier.loc.line}",
                    "remove one: the same person would get two letters",
                )
            )
        else:
            first[key] = row
    return problems


def email_problems(row: RawRow, email: str, cc: str) -> list[Problem]:
    """The row's address and copy addresses, each checked (syntax, header injection)."""
    problems = []
    checked = [("email", email)] if email else []
    checked += [("cc", address) for address in split_cc(cc)]
    for column, address in checked:
        problem = address_problem(address)
        if problem is not None:
            message, hint = problem
            problems.append(_row_problem(row, f"{column} {address!r}: {message}", hint))
    if email and normalise(email) in {normalise(a) for a in split_cc(cc)}:
        problems.append(_row_problem(row, f"cc repeats the address {email!r}"))
    return problems


def find_duplicate_addresses(rows: list[RawRow]) -> list[Problem]:
    """One inbox in two rows would get the letter twice."""
    first: dict[str, RawRow] = {}
    problems = []
    for row in rows:
        address = normalise(clean(row.values.get("email")))
        if not address:
            continue
        if address in first:
            earlier = first[address]
            problems.append(
                _row_problem(
                    row,
                    f"the address {address!r} is also in row {earlier.row} on line "
                    f"{earlier.loc.line}",
                    "one row per address: the same inbox would get the letter twice",
                )
            )
        else:
            first[address] = row
    return problems

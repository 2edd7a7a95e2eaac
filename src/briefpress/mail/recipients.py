"""Recipients of a mailing: a CSV or YAML file read into checked rows.

People keep mailing lists in spreadsheets, so the CSV reader accepts what
spreadsheets write (a byte-order mark, ``;`` or tab separators, quoted
multi-line addresses) and the YAML reader accepts a list of mappings. Every
problem is reported at once, as ``file:line: error: ... (row N)``: the line is
where the row starts in the file (an address over three lines moves the rows
below it), the row number is what a spreadsheet shows beside the data.
Nothing is rendered until the whole file is clean.

A CSV file is read as it streams, one row at a time, in a first pass that checks it and
again in each pass that uses it (:class:`RecipientsFile`): memory does not grow with the
number of recipients.
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
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from briefpress.checks.validate import check_window
from briefpress.core import i18n
from briefpress.core.errors import BriefpressError, Location, Problem
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


@dataclass
class LanguageRows:
    """The rows of one language: where the first is, how many, the first ten numbers (what
    a warning about the language names)."""

    first: Location
    count: int = 0
    shown: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.shown) < 10:
            self.shown.append(row)


RowCheck = Callable[[Recipient], list[Problem]]


class RecipientsFile:
    """A checked recipients file, read again row by row each time it is iterated.

    A mailing to every councillor of a country must not hold every row in memory: the file
    is checked in one pass (keeping only problems, counts and the keys that find duplicate
    rows) and each later pass reads it again. A pass that finds the file changed since it
    was checked stops with an error rather than write to people nobody checked.
    """

    def __init__(
        self,
        source: Source | None,
        default_language: str,
        count: int = 0,
        digest: bytes = b"",
        languages: dict[str, LanguageRows] | None = None,
    ) -> None:
        self.source = source
        self.default_language = default_language
        self.count = count
        self.digest = digest
        self.languages = languages or {}

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Recipient]:
        if self.source is None:
            return
        digest = hashlib.blake2b()
        problems: list[Problem] = []
        try:
            for row in self.source.rows(problems, digest):
                recipient, _ = check_row(row, self.default_language)
                if recipient is None or any(p.is_error for p in problems):
                    raise self.changed()
                yield recipient
        except OSError as exc:
            raise self.changed(f"the file cannot be read again: {exc.strerror}") from None
        if digest.digest() != self.digest or any(p.is_error for p in problems):
            raise self.changed()

    def changed(
        self, message: str = "the file changed while its letters were being made"
    ) -> BriefpressError:
        assert self.source is not None
        where = Location(self.source.display)
        return BriefpressError([Problem(where, message, "nothing was replaced; run it again")])


def load_recipients(
    path: Path,
    display: str,
    default_language: str,
    need_email: bool = False,
    check: RowCheck | None = None,
) -> tuple[RecipientsFile, list[Problem]]:
    """The checked recipients of ``path``, and the problems that stop the mailing (and
    warnings); ``check`` adds the caller's checks of each recipient (glyphs, say).

    ``need_email``: every row must have an address (``briefpress send``); without it an
    address is checked only where there is one (a postal mailing).
    """
    problems: list[Problem] = []
    source = open_source(path, display, problems)
    if source is None:
        return RecipientsFile(None, default_language), problems
    digest = hashlib.blake2b()
    names, addresses = FirstSeen(), FirstSeen()
    languages: dict[str, LanguageRows] = {}
    count = rows = 0
    for row in source.rows(problems, digest):
        rows += 1
        recipient, row_problems = check_row(row, default_language)
        problems.extend(row_problems)
        if need_email and not clean(row.values.get("email")):
            hint = "add an email column" if "email" not in row.values else None
            problems.append(_row_problem(row, "missing email", hint))
        problems.extend(duplicate_problems(row, names, addresses))
        if recipient is not None:
            count += 1
            found = languages.setdefault(recipient.language, LanguageRows(recipient.loc))
            found.add(recipient.row)
            problems.extend(check(recipient) if check else [])
    if not rows and not any(p.is_error for p in problems):
        problems.append(Problem(Location(display), "no recipients in the file"))
    checked = RecipientsFile(source, default_language, count, digest.digest(), languages)
    return checked, sorted(problems, key=lambda p: p.location)


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
            problems.append(_row_problem(row, "expected a mapping (name:, address: ...)"))
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
                problems.append(_row_problem(row, f"{name}: expected text"))
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


# --- rows --------------------------------------------------------------------------


def _row_problem(
    row: RawRow, message: str, hint: str | None = None, severity: str = "error"
) -> Problem:
    return Problem(row.loc, f"{message} (row {row.row})", hint, severity)


def clean(value: str | None) -> str:
    """A value with spreadsheet line ends unified and the space around lines trimmed."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines).strip()


# Characters that end or break a line without being one (U+2028, U+2029, NEL...), or
# that no font draws: in a name they would print as an empty box or split a header.
INVISIBLE = ("Cc", "Zl", "Zp", "Cs", "Co", "Cn")
MAX_NAME = 200  # characters: a name longer than this is not a name, and cannot be a header


def _invisible(text: str) -> str | None:
    """The first character of ``text`` that must not be in a recipient's row, as
    ``U+2028 LINE SEPARATOR``; line ends and tabs are allowed (an address has lines)."""
    for c in text:
        if c not in "\n\t" and unicodedata.category(c) in INVISIBLE:
            return f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}"
    return None


def check_row(row: RawRow, default_language: str) -> tuple[Recipient | None, list[Problem]]:
    """A recipient from one row, or the row's problems (all of them)."""
    values = {name: clean(row.values.get(name)) for name in COLUMNS}
    problems = [_row_problem(row, f"missing {name}") for name in NEEDED if not values[name]]
    for name, value in values.items():
        if name in ("email", "cc"):
            continue  # checked as addresses, below
        if (found := _invisible(value)) is not None:
            hint = "remove it: it cannot be printed, or breaks a line where none belongs"
            problems.append(_row_problem(row, f"{name} contains {found}", hint))
        elif name != "address" and name != "note" and "\n" in value:
            problems.append(_row_problem(row, f"{name} is on more than one line"))
    if len(values["name"]) > MAX_NAME:
        message = f"the name is {len(values['name']):,} characters long, over {MAX_NAME}"
        hint = "put a title or organisation in its own column"
        problems.append(_row_problem(row, message, hint))
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


class FirstSeen:
    """The rows seen so far, by a key: the row and line of the first with each key.

    Keys are kept as 64-bit hashes, a row and line packed into one integer beside each
    (about 100 bytes a row, not the row's text): the check runs as the file streams by.
    Two different keys sharing a hash (about one chance in 10^10 for 50,000 rows) would
    be reported as a duplicate, which stops the mailing; no letter is lost or doubled.
    """

    def __init__(self) -> None:
        self.first: dict[int, int] = {}

    def earlier(self, key: str, row: RawRow) -> tuple[int, int] | None:
        """The (row, line) first seen with ``key``; None, and ``row`` remembered, if none."""
        hashed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        found = self.first.get(hashed)
        if found is None:
            self.first[hashed] = row.row << 32 | (row.loc.line or 0)
            return None
        return found >> 32, found & 0xFFFFFFFF


def duplicate_problems(row: RawRow, names: FirstSeen, addresses: FirstSeen) -> list[Problem]:
    """A second row for the same person at the same address would post two letters; one
    inbox in two rows would get the letter twice."""
    problems = []
    key = _identity(row)
    if key[0] and (earlier := names.earlier("\n".join(key), row)):  # no name: reported
        problems.append(
            _row_problem(
                row,
                f"duplicate of row {earlier[0]} on line {earlier[1]}",
                "remove one: the same person would get two letters",
            )
        )
    for address in row_addresses(row):
        if earlier := addresses.earlier(address, row):
            problems.append(
                _row_problem(
                    row,
                    f"the address {address!r} is also in row {earlier[0]} on line {earlier[1]}",
                    "one row per address: the same inbox would get the letter twice",
                )
            )
    return problems


def row_addresses(row: RawRow) -> list[str]:
    """Every address a row mails (email, then cc), each once, in the form they compare in:
    an address in one row's email and another's cc is one inbox, whatever its case."""
    cells = [clean(row.values.get("email")), *split_cc(clean(row.values.get("cc")))]
    return list(dict.fromkeys(normalise(a) for a in cells if a))


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
    seen = {normalise(email)} if email else set()
    for address in split_cc(cc):
        if normalise(address) in seen:
            problems.append(_row_problem(row, f"cc repeats the address {address!r}"))
        seen.add(normalise(address))
    return problems

"""Recipients of a mailing: a CSV or YAML file read into checked rows.

The file is read as a table by :mod:`briefpress.mail.tables`; here each row is
checked (names, addresses, languages, duplicates) into a :class:`Recipient`. Every
problem is reported at once, as ``file:line: error: ... (row N)``: the line is
where the row starts in the file (an address over three lines moves the rows
below it), the row number is what a spreadsheet shows beside the data.
Nothing is rendered until the whole file is clean.

A CSV file is read as it streams, one row at a time, in a first pass that checks it and
again in each pass that uses it (:class:`RecipientsFile`): memory does not grow with the
number of recipients.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefpress.checks.validate import check_window
from briefpress.core import i18n
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.mail.addresses import address_problem, normalise, split_cc
from briefpress.mail.tables import COLUMNS, RawRow, Source, open_source, row_problem

# Values that must not be empty: without them there is no one to write to, or nowhere.
NEEDED = ("name", "address")


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
            problems.append(row_problem(row, "missing email", hint))
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


# --- rows --------------------------------------------------------------------------


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
    problems = [row_problem(row, f"missing {name}") for name in NEEDED if not values[name]]
    for name, value in values.items():
        if name in ("email", "cc"):
            continue  # checked as addresses, below
        if (found := _invisible(value)) is not None:
            hint = "remove it: it cannot be printed, or breaks a line where none belongs"
            problems.append(row_problem(row, f"{name} contains {found}", hint))
        elif name != "address" and name != "note" and "\n" in value:
            problems.append(row_problem(row, f"{name} is on more than one line"))
    if len(values["name"]) > MAX_NAME:
        message = f"the name is {len(values['name']):,} characters long, over {MAX_NAME}"
        hint = "put a title or organisation in its own column"
        problems.append(row_problem(row, message, hint))
    problems += email_problems(row, values["email"], values["cc"])
    language = values["language"] or default_language
    if i18n.parse_locale(language) is None:
        problems.append(
            row_problem(row, f"unknown language {language!r}", "a BCP 47 tag such as es or pt-PT")
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
            row_problem(
                row,
                f"duplicate of row {earlier[0]} on line {earlier[1]}",
                "remove one: the same person would get two letters",
            )
        )
    for address in row_addresses(row):
        if earlier := addresses.earlier(address, row):
            problems.append(
                row_problem(
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
            problems.append(row_problem(row, f"{column} {address!r}: {message}", hint))
    seen = {normalise(email)} if email else set()
    for address in split_cc(cc):
        if normalise(address) in seen:
            problems.append(row_problem(row, f"cc repeats the address {address!r}"))
        seen.add(normalise(address))
    return problems

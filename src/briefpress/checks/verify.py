"""Check that verbatim report fields really appear in the original report.

This is the engine behind ``briefpress check --against FILE``.  Our report data
quotes the report word for word, so every verbatim field must be found in the
report's own text.  The report is usually available only as a PDF or as a text
dump of one, and both are noisy: words are hyphenated across line breaks, pages
carry running titles and page numbers, footnotes are printed in the middle of
the body text (sometimes in the middle of a quotation), pull-quote sidebars
repeat body text, and typographic quotes and dashes differ from what an editor
types.  This module turns such a dump into a :class:`SourceText` in which a
body passage reads as one continuous string, and matches data fields against
it after the same character-level normalisation (:func:`normalise_text`).

A hyphen at the end of a line is ambiguous: it is either a hyphenation artefact
("Respond-/ent") or a real hyphen that happens to fall at the line end
("community-/led").  The source text keeps a marker at such joints and the
matcher accepts either nothing or a hyphen there.  Likewise a line that ends
inside a URL ("https://" / "www.example.org") keeps a marker where the matcher
accepts either nothing or a space, and a footnote reference flattened into the
text ("screening purposes32.") is marked so that a field may keep or omit it.
Everywhere else a field must match exactly, and at word boundaries, so one
changed, added or dropped letter or punctuation mark is reported.

Footnotes are not thrown away but kept apart (``SourceText.notes``), so that
citations quoted from them verify too, while no match can run from the body
into a footnote.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "DocxParagraph",
    "Mismatch",
    "SourceError",
    "SourceLines",
    "SourceText",
    "docx_text",
    "fold_space",
    "join_lines",
    "mark_references",
    "normalise_source",
    "normalise_text",
    "read_docx",
    "read_source",
    "split_source",
    "unmark",
    "verify",
    "vocabulary",
]

# Joint markers kept in the normalised source.  Control characters never
# survive normalise_text, so they cannot collide with real text.
HYPHEN_JOINT = "\x01"  # line-end hyphen: the needle may have "" or "-" here
SPACE_JOINT = "\x02"  # line break inside a URL-like token: "" or " " here
REF_OPEN = "\x03"  # footnote reference ("...purposes32."), which the needle
REF_CLOSE = "\x04"  # may give or leave out: REF_OPEN digits REF_CLOSE

# A line starting with this is a footnote, known to be one: readers that know
# their footnotes (Word) mark them so, and no line is then guessed to be one.
NOTE_LINE = "\v"

# A line ending in one of these (without trailing whitespace) may have been
# broken inside a URL or path, so the following space is optional.
_URL_BREAK_CHARS = frozenset("/._:=?&#%~")
# Characters that, at a line end right after a letter or digit, are a
# (possibly artificial) hyphen.
_LINE_END_HYPHENS = ("-", "\u2010", "\u00ad")
# Sidebar lines (pull quotes) are set in a narrow column; body lines are not.
_SIDEBAR_MAX_CHARS = 30
_SIDEBAR_MIN_LINES = 3
# A running title is printed on several pages.
_TITLE_MIN_REPEATS = 2
# Where a page's header and footer lines sit: among its first and last lines.
_EDGE_LINES_HEAD = 2
_EDGE_LINES_FOOT = 3
# A needle is first located by its start, at least this long (up to a word
# end): long enough to leave few false starts, short enough to compile fast.
_ANCHOR_CHARS = 24
# How much of the matched text an explanation quotes.
_EXPLAIN_CHARS = 40

_FOOTNOTE_START = re.compile(r"[ \f]?(\d{1,3})\.[\t ]+\S")
_PAGE_NUMBER = re.compile(r"\d{1,4}")
_SECTION_TITLE = re.compile(r"Section \d+(?:\.\d+)*[.:]\s+\S.{0,100}")
_CAPTION = re.compile(r"(?:Right|Left|Above|Below|Top|Bottom|Opposite|Overleaf):")
_URL_ONLY = re.compile(r"(?:https?://|www\.)\S+")
# Characters after which a printed footnote reference may follow directly.
_REF_AFTER = ".,;:)\"'"
# A footnote reference flattened into the text: digits glued to the end of a
# word, or to punctuation that ends one ("drugs.27", "function\",28"), before
# a space, punctuation or the end.  "4.1" (digits before the point) is not.
_FOOTNOTE_REF = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:)\"'”’])|(?<=[.)\"'”’][.,;:)\"'”’]))"
    r"(\d{1,3})(?=[\s.,;:)]|$)"
)
_REF_OPTIONAL = f"(?:{REF_OPEN}\\d+{REF_CLOSE})?"  # regex piece: a reference, or none
_REF_MARKED = re.compile(f"{REF_OPEN}\\d+{REF_CLOSE}")
_REF_MARKS = re.compile(f"[{REF_OPEN}{REF_CLOSE}]")


def _char_map() -> dict[int, str | None]:
    """Build the translation table behind :func:`normalise_text`.

    Editors type straight quotes and hyphens where the report prints curly
    quotes and en/em dashes; both sides are folded to one form so that only
    real wording differences remain.  Control and zero-width characters are
    invisible in print, so they are removed.
    """
    table: dict[int, str | None] = {}
    for ch in "\u2018\u2019\u201a\u201b\u2032\u02bc":
        table[ord(ch)] = "'"
    for ch in "\u201c\u201d\u201e\u201f\u2033":
        table[ord(ch)] = '"'
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d":
        table[ord(ch)] = "-"
    table[ord("\u2026")] = "..."
    for ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        table[ord(ch)] = None
    for code in range(0x20):
        if chr(code) not in "\t\n\r\f\v":
            table[code] = None
    table[0x7F] = None
    return table


_CHAR_TABLE = _char_map()
_INVISIBLE = {code: None for code, value in _CHAR_TABLE.items() if value is None}


class SourceError(Exception):
    """The report file cannot be read; the message names the file."""


def read_source(path: Path) -> str:
    """Return the text of the original report at ``path``.

    PDFs (recognised by their ``%PDF-`` header or a ``.pdf`` suffix) are read
    with pypdf, Word documents (``.docx``) with python-docx, footnotes
    included; anything else must be UTF-8 text.  Every failure becomes a
    :class:`SourceError` naming the file, so the CLI can print it as is.
    """
    data = _read_bytes(path)
    if data.startswith(b"%PDF-") or Path(path).suffix.lower() == ".pdf":
        return _read_pdf(path, data)
    if Path(path).suffix.lower() == ".docx":
        return docx_text(read_docx(path, data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a :class:`SourceError` naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _read_pdf(path: Path, data: bytes) -> str:
    """Extract the text of a PDF, one form feed before each page after the first.

    The form feed marks a page break, which :func:`normalise_source` uses to
    end footnote blocks, as ``pdftotext`` output does.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{path}: cannot read PDF: {exc}") from exc
    return "\n\f".join(pages)


@dataclass(frozen=True)
class DocxParagraph:
    """One paragraph of a Word document: its text and its style name.

    Footnote references are flattened into the text as their numbers, as a
    PDF dump prints them ("drugs.3"); footnotes themselves have the style
    ``footnote`` and start with their number, a full stop and a tab.
    """

    text: str
    style: str


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_docx(path: Path, data: bytes | None = None) -> list[DocxParagraph]:
    """The paragraphs of a Word document, then its footnotes, numbered as printed.

    Word numbers footnotes by the order of their references, whatever their
    internal ids; so do we.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data if data is not None else _read_bytes(path)))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"{path}: cannot read Word document: {exc}") from exc
    numbers: dict[str, int] = {}
    paragraphs = [
        DocxParagraph(
            _docx_runs(paragraph._p, numbers),
            (paragraph.style.name or "") if paragraph.style is not None else "",
        )
        for paragraph in document.paragraphs
    ]
    notes = _docx_footnotes(document)
    for note_id, number in sorted(numbers.items(), key=lambda item: item[1]):
        if note_id in notes:
            paragraphs.append(DocxParagraph(f"{number}.\t{notes[note_id]}", "footnote"))
    return paragraphs


def _docx_runs(element: Any, numbers: dict[str, int]) -> str:
    """The text of a paragraph element, footnote references as their numbers."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif node.tag == f"{_W}footnoteReference":
            note_id = node.get(f"{_W}id", "")
            parts.append(str(numbers.setdefault(note_id, len(numbers) + 1)))
    return "".join(parts)


def _docx_footnotes(document: Any) -> dict[str, str]:
    """Footnote text by footnote id, from the document's footnotes part."""
    from docx.oxml import parse_xml

    for rel in document.part.rels.values():
        if rel.reltype == _FOOTNOTES_RELTYPE and not rel.is_external:
            root = parse_xml(rel.target_part.blob)
            return {
                note.get(f"{_W}id", ""): " ".join(
                    _docx_runs(paragraph, {}) for paragraph in note.iter(f"{_W}p")
                ).strip()
                for note in root.iter(f"{_W}footnote")
            }
    return {}


def docx_text(paragraphs: Sequence[DocxParagraph]) -> str:
    """A Word document as the line-per-paragraph text the normaliser reads.

    Paragraphs are separated by blank lines, as in a PDF dump (line
    ``2 * i`` is paragraph ``i``); footnotes follow the body after a page
    break, one per line, each marked with ``NOTE_LINE``: a Word document
    knows its footnotes, so the normaliser need not guess them.
    """
    body = [p.text for p in paragraphs if p.style != "footnote"]
    notes = [NOTE_LINE + p.text for p in paragraphs if p.style == "footnote"]
    return "\n\n".join(body) + ("\n\f\n" + "\n\n".join(notes) if notes else "") + "\n"


def fold_space(text: str) -> str:
    """Fold whitespace and drop invisible characters, keeping everything else.

    The lighter sibling of :func:`normalise_text`, for text that goes into
    the data: curly quotes, dashes and ellipses stay as the report prints
    them, and matching folds them later.
    """
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.split())


def normalise_text(text: str) -> str:
    """Fold ``text`` to the form in which data fields and the report are compared.

    Unifies typographic quotes, apostrophes, dashes and the ellipsis, applies
    Unicode compatibility folding (NBSP, ligatures, full-width forms), drops
    invisible characters and folds every run of whitespace to one space.
    """
    text = text.translate(_CHAR_TABLE)
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_TABLE)
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Source normalisation: classify the lines of the dump
# --------------------------------------------------------------------------


def _is_blank(line: str) -> bool:
    """Blank lines separate body lines in the dump and end footnote blocks."""
    return not line.strip()


def _is_page_break(line: str) -> bool:
    """A page starts with a line indented by one space (or a form feed)."""
    return line.startswith((" ", "\f")) and not _is_blank(line)


def _footnote_number(line: str) -> int | None:
    """The number of a line that looks like the start of a footnote, if any."""
    match = _FOOTNOTE_START.match(line)
    return int(match.group(1)) if match else None


def _is_page_number(line: str) -> bool:
    """A line holding nothing but a number is a page number."""
    return bool(_PAGE_NUMBER.fullmatch(line.strip()))


def _is_section_title(line: str) -> bool:
    """A running section title ("Section 4: Results & Analysis - ...").

    Running section titles are never indented; an indented "Section N" line
    is the heading at the top of a page and is kept.
    """
    return not _is_page_break(line) and bool(_SECTION_TITLE.fullmatch(line.strip()))


def _next_nonblank(lines: Sequence[str], start: int, step: int) -> int | None:
    """Index of the first non-blank line from ``start`` going by ``step``."""
    index = start
    while 0 <= index < len(lines):
        if not _is_blank(lines[index]):
            return index
        index += step
    return None


def _running_titles(lines: Sequence[str], extra: Iterable[str]) -> set[str]:
    """Find the report's running title(s) among the lines.

    A running title repeats on several pages and sits next to a running
    section title; requiring both keeps repeated body lines (such as a
    recurring attribution) in the text.  Page numbers are not used as a clue:
    the last body line of a page sits next to one too.
    """
    counts = Counter(line.strip() for line in lines if not _is_blank(line))
    titles = {normalise_text(title) for title in extra} | _page_edge_titles(lines)
    for index, line in enumerate(lines):
        if not _is_section_title(line):
            continue
        for step in (-1, 1):
            near = _next_nonblank(lines, index + step, step)
            if near is None or _is_section_title(lines[near]) or _is_page_number(lines[near]):
                continue
            if counts[lines[near].strip()] >= _TITLE_MIN_REPEATS:
                titles.add(normalise_text(lines[near]))
    titles.discard("")
    return titles


def _page_edge_titles(lines: Sequence[str]) -> set[str]:
    """Lines printed at the head or foot of most pages: running titles.

    A PDF reader that prints no running section titles (see
    :func:`_running_titles`) still puts each page's header and footer at its
    start or end.  A line found there on at least half the pages (and two)
    is taken for one; page numbers are left to :func:`_is_page_number`.
    """
    pages: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("\f") and pages[-1]:
            pages.append([])
        if not _is_blank(line) and not _is_page_number(line):
            pages[-1].append(normalise_text(line))
    if len(pages) < _TITLE_MIN_REPEATS:
        return set()
    counts = Counter(
        text for page in pages for text in set(page[:_EDGE_LINES_HEAD] + page[-_EDGE_LINES_FOOT:])
    )
    needed = max(_TITLE_MIN_REPEATS, (len(pages) + 1) // 2)
    return {text for text, count in counts.items() if count >= needed}


def _running_flags(lines: Sequence[str], titles: set[str]) -> list[bool]:
    """Mark the furniture at a page's head or foot: page numbers and titles."""
    return [
        not _is_blank(line)
        and (_is_page_number(line) or _is_section_title(line) or normalise_text(line) in titles)
        for line in lines
    ]


def _furniture_flags(lines: Sequence[str], running: Sequence[bool]) -> list[bool]:
    """Mark page furniture: ``running`` lines, captions and bare URLs.

    Captions ("Right:") point at a figure.  Bare URL lines are the link
    targets a PDF dump repeats on lines of their own; the citation that
    prints them is kept in the footnotes.
    """
    return [
        running[index]
        or bool(_CAPTION.fullmatch(line.strip()))
        or bool(_URL_ONLY.fullmatch(line.strip()))
        for index, line in enumerate(lines)
    ]


def _footnote_block_end(lines: Sequence[str], start: int, furniture: Sequence[bool]) -> int:
    """End (exclusive) of the footnote block starting at ``start``.

    A footnote's continuation lines follow it directly, without the blank
    line that separates body lines, and stop at the next page break, page
    furniture or the next footnote (PDF readers that print no blank lines
    set footnotes one after the other).
    """
    number = _footnote_number(lines[start])
    end = start + 1
    while end < len(lines) and not _is_blank(lines[end]):
        if _is_page_break(lines[end]) or (
            furniture[end] and not _URL_ONLY.fullmatch(lines[end].strip())
        ):
            break  # a URL line continues a footnote; a page's foot does not
        if number is not None and _footnote_number(lines[end]) == number + 1:
            break
        end += 1
    return end


def _footnote_run(
    lines: Sequence[str], start: int, furniture: Sequence[bool]
) -> tuple[list[tuple[int, int]], bool]:
    """Collect the run of numbered blocks from ``start`` and judge it.

    Returns the blocks and whether they are footnotes.  Footnotes and numbered
    list items look alike line by line; what differs is the setting.  Footnote
    blocks come in increasing runs at the foot of a page, so a run is taken
    for footnotes if one of its blocks has continuation lines (list items
    continue after a blank line, like body text) or if the run is followed by
    a page break, page furniture or the end of the text.
    """
    blocks: list[tuple[int, int]] = []
    number = _footnote_number(lines[start])
    index = start
    multi_line = False
    while number is not None:
        end = _footnote_block_end(lines, index, furniture)
        blocks.append((index, end))
        multi_line = multi_line or end - index > 1
        following = _next_nonblank(lines, end, 1)
        if following is None:
            return blocks, True
        next_number = _footnote_number(lines[following])
        if next_number is None or next_number <= number:
            at_page_end = _is_page_break(lines[following]) or furniture[following]
            return blocks, multi_line or at_page_end
        index, number = following, next_number
    return blocks, False


def _footnote_blocks(lines: Sequence[str], furniture: Sequence[bool]) -> list[tuple[int, int]]:
    """All footnote blocks, as (start, end) line ranges.

    Footnote numbers only grow through a report, so a numbered line whose
    number is not above the last footnote's (like the numbered
    recommendations after footnote 46) is never a footnote.
    """
    found: list[tuple[int, int]] = []
    last_number = 0
    index = 0
    while index < len(lines):
        number = _footnote_number(lines[index])
        if number is not None and number > last_number:
            blocks, is_footnote = _footnote_run(lines, index, furniture)
            if is_footnote:
                found.extend(blocks)
                last_number = _footnote_number(lines[blocks[-1][0]]) or number
                index = blocks[-1][1]
                continue
        index += 1
    return found


def _sidebar_flags(
    lines: Sequence[str],
    running: Sequence[bool],
    furniture: Sequence[bool],
    footnote: Sequence[bool],
) -> list[bool]:
    """Mark pull-quote sidebars printed just before a page's running titles.

    A sidebar repeats body text in a narrow column (short lines) and, in the
    dump, lands between the last body line of a page and the running title.
    Left in place it would split the body passage that runs on to the next
    page, so runs of at least three short lines right before a page number or
    running title are dropped.  A short line there that ends a sentence is
    the end of a paragraph and is kept.
    """
    flags = [False] * len(lines)
    for index in range(len(lines)):
        if not running[index]:
            continue
        candidates: list[int] = []
        cursor = index - 1
        while cursor >= 0:
            text = lines[cursor].strip()
            if not text or furniture[cursor]:
                cursor -= 1
                continue
            if footnote[cursor] or len(text) > _SIDEBAR_MAX_CHARS:
                break
            candidates.append(cursor)
            cursor -= 1
        candidates.reverse()  # top down
        while candidates and _ends_paragraph(lines[candidates[0]]):
            candidates.pop(0)
        if len(candidates) >= _SIDEBAR_MIN_LINES:
            for candidate in candidates:
                flags[candidate] = True
    return flags


def _ends_paragraph(line: str) -> bool:
    """Whether a short line ends a sentence (so it is a paragraph's last line).

    Pull-quote lines break mid-sentence; only the last one ends, with an
    ellipsis ("...like children...").
    """
    text = normalise_text(line)
    return text.endswith((".", "!", "?", ":", ")", '"', "'")) and not text.endswith("...")


# --------------------------------------------------------------------------
# Source normalisation: join the kept lines
# --------------------------------------------------------------------------


def _is_hyphen_break(line: str, following: str) -> bool:
    """Does ``line`` end with a hyphen between two letters or digits?"""
    text = line.rstrip()
    return (
        text.endswith(_LINE_END_HYPHENS)
        and text[-2:-1].isalnum()
        and following.lstrip()[:1].isalnum()
    )


def _is_url_break(line: str, following: str) -> bool:
    """Was ``line`` broken inside a URL-like token (no space at its end)?"""
    text = line.rstrip("\r\n")
    return bool(text) and text[-1] in _URL_BREAK_CHARS and bool(following.strip())


def join_lines(
    lines: Sequence[str],
    line_break: str = " ",
    fold: Callable[[str], str] | None = None,
) -> str:
    """Join lines into one normalised string with joint markers.

    Each line is folded on its own (by default with :func:`normalise_text`),
    then lines are joined with ``line_break`` (a space for matching; the
    importer asks for a newline to keep seeing where lines ended), a hyphen
    joint (the line-end hyphen removed) or a space joint.  The importer
    folds with :func:`fold_space`, keeping the report's typography.
    """
    fold = fold or normalise_text
    parts: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        text = line.strip()
        separator = line_break
        if following.strip():
            if _is_hyphen_break(line, following):
                text, separator = text[:-1], HYPHEN_JOINT
            elif _is_url_break(line, following):
                separator = SPACE_JOINT
        parts.append(fold(text))
        parts.append(separator)
    joined = re.sub(r" {2,}", " ", "".join(parts))
    return re.sub(r" ?\n ?", "\n", joined).strip(" \n")


@dataclass(frozen=True)
class SourceText:
    """The report text prepared for verbatim matching.

    ``body`` is the running text with page furniture, sidebars and footnotes
    removed, so that passages interrupted by them read continuously.
    ``notes`` holds the footnotes, one per line, so that citations quoted
    from them can be verified too; no match spans two footnotes or a
    footnote and the body.  Both are normalised and contain joint markers
    (``HYPHEN_JOINT``, ``SPACE_JOINT``); the body also marks footnote
    references (``REF_OPEN``, ``REF_CLOSE``).
    """

    body: str
    notes: str = ""

    def find(self, needle: str) -> bool:
        """Whether ``needle`` (normalised) occurs in the body or a footnote.

        The needle must start and end at word boundaries, so that dropping
        its first or last letter is noticed.  An empty needle is never found:
        an empty verbatim field is an error.
        """
        text = normalise_text(needle)
        if not text:
            return False
        if any(_plain_find(hay, text) for hay in self._plain_haystacks):
            return True
        bounded_end = text[-1].isalnum()
        return any(
            attempt.matched == len(text)
            and not (bounded_end and _in_word(attempt.hay[attempt.end : attempt.end + 1]))
            for attempt in self._attempts(text)
        )

    def explain(self, needle: str) -> str:
        """Say why ``needle`` is not found: where it stops matching, and how.

        The message quotes the end of the longest leading part of the needle
        that the report has, then compares the word where they diverge.  Of
        the places where that part occurs, the one whose next word looks
        most like the data's is shown, so that a typo sits next to the word
        it mistypes.
        """
        text = normalise_text(needle)
        if not text:
            return "the text is empty"
        if self.find(text):
            return "found in the report"
        attempts = list(self._attempts(text)) or list(self._attempts(text, anchor_chars=1))
        matched = max((attempt.matched for attempt in attempts), default=0)
        word_start = text.rfind(" ", 0, matched) + 1
        if word_start == 0:
            matched = matched or self._longest_first_word_prefix(text)
            return (
                "no match even for the first word: nothing in the report starts "
                f'with "{_head(text[: matched + 1])}"'
            )
        word_end = text.find(" ", matched)
        data_word = text[word_start : word_end if word_end >= 0 else len(text)]
        candidates = [
            _report_word(attempt, text[:word_start])
            for attempt in attempts
            if attempt.matched == matched
        ]
        report_word = max(
            candidates, key=lambda word: SequenceMatcher(None, word, data_word).ratio()
        )
        if report_word == data_word:  # the difference lies further on
            data_word = text[word_start:]
        return (
            f'matches up to "{_tail(text[:word_start].rstrip())}" then the report '
            f'has "{_head(report_word) or "nothing more"}" where the data has '
            f'"{_head(data_word)}"'
        )

    @cached_property
    def _haystacks(self) -> tuple[str, ...]:
        """The texts a needle is searched in, body first."""
        return (self.body, self.notes) if self.notes else (self.body,)

    @cached_property
    def _plain_haystacks(self) -> tuple[str, ...]:
        """The haystacks read the most common ways, without markers.

        Hyphen joints are read as nothing and space joints as a space;
        footnote references once kept and once left out.  Searching these
        with ``str.find`` settles most needles at C speed.
        """
        plains: list[str] = []
        for hay in self._haystacks:
            plain = hay.replace(HYPHEN_JOINT, "").replace(SPACE_JOINT, " ")
            plains.append(_REF_MARKED.sub("", plain))
            if REF_OPEN in plain:
                plains.append(plain.replace(REF_OPEN, "").replace(REF_CLOSE, ""))
        return tuple(plains)

    def _attempts(self, text: str, anchor_chars: int = _ANCHOR_CHARS) -> Iterator[_Attempt]:
        """Walk ``text`` from every place where its start occurs.

        The start (at least ``anchor_chars`` characters, up to a word end)
        is located with a small regex that reads every marker either way;
        from there :func:`_walk` follows the needle.  A longer anchor means
        fewer false starts to walk from.
        """
        length = text.find(" ", min(anchor_chars, len(text)))
        length = len(text) if length < 0 else length
        pattern = _compile(_needle_pieces(text[: length + 1])[:length])
        bounded = text[:1].isalnum()
        for hay in self._haystacks:
            for match in pattern.finditer(hay):
                start = match.start()
                if bounded and _in_word(hay[start - 1 : start]):
                    continue
                matched, end = _walk(hay, start, text)
                yield _Attempt(hay, start, matched, end)

    def _longest_first_word_prefix(self, text: str) -> int:
        """Length of the longest start of the first word found at a word start.

        Only asked when the whole first word is not found, so the search is
        bounded by its length.
        """
        first = text.split(" ", 1)[0]
        pieces = _needle_pieces(text[: len(first) + 1])

        def found(length: int) -> bool:
            pattern = _compile(pieces[:length])
            return any(
                not (first[:1].isalnum() and _in_word(hay[m.start() - 1 : m.start()]))
                for hay in self._haystacks
                for m in pattern.finditer(hay)
            )

        return _bisect(0, len(first), found)


@dataclass(frozen=True)
class _Attempt:
    """How far the needle got when walked from ``start`` in ``hay``."""

    hay: str
    start: int
    matched: int  # needle characters matched
    end: int  # where in ``hay`` the walk stopped


def _walk(hay: str, start: int, needle: str) -> tuple[int, int]:
    """Match ``needle`` against the marked ``hay`` from ``start``.

    Returns how many needle characters matched and where the walk stopped.
    Every marker can be read in one way only given the needle's next
    character, so no backtracking is needed: a hyphen joint is a hyphen if
    the needle has one there and nothing otherwise; a space joint likewise
    a space; a footnote reference is read if the needle has digits there
    and skipped otherwise.
    """
    index, position = 0, start
    while index < len(needle) and position < len(hay):
        char, wanted = hay[position], needle[index]
        if char == wanted:
            index += 1
            position += 1
        elif char in (HYPHEN_JOINT, SPACE_JOINT):
            index += wanted == ("-" if char == HYPHEN_JOINT else " ")
            position += 1
        elif char == REF_OPEN and not wanted.isdigit():
            close = hay.find(REF_CLOSE, position)
            if close < 0:  # a stray marker: not built by normalise_source
                break
            position = close + 1
        elif char in (REF_OPEN, REF_CLOSE):
            position += 1
        else:
            break
    return index, position


def _report_word(attempt: _Attempt, matched_part: str) -> str:
    """The report's word after ``matched_part`` in ``attempt``, for messages."""
    _, position = _walk(attempt.hay, attempt.start, matched_part)
    rest = attempt.hay[position:]
    word = re.split(f"[ \n{SPACE_JOINT}]", rest, maxsplit=1)[0]
    return _REF_MARKS.sub("", word.replace(HYPHEN_JOINT, "-"))


def _bisect(low: int, high: int, found: Callable[[int], bool]) -> int:
    """The largest ``n`` in ``[low, high]`` with ``found(n)``, given ``found(low)``.

    ``found`` must be monotonic (true up to some point, false after), as
    "this prefix occurs" is.
    """
    while high - low > 0:
        middle = (low + high + 1) // 2
        if found(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _plain_find(hay: str, needle: str) -> bool:
    """``needle in hay``, starting and ending at word boundaries."""
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        starts_ok = not (needle[0].isalnum() and _in_word(hay[start - 1 : start]))
        ends_ok = not (needle[-1].isalnum() and _in_word(hay[end : end + 1]))
        if starts_ok and ends_ok:
            return True
        start = hay.find(needle, start + 1)
    return False


def _in_word(char: str) -> bool:
    """Whether a character next to a match would make it cut a word.

    A hyphen joint counts as inside a word, as it usually is; an empty
    string (the start or end of the text) does not.
    """
    return char.isalnum() or char == HYPHEN_JOINT


def _tail(text: str) -> str:
    """The end of ``text``, cut at a word boundary, for quoting in messages."""
    if len(text) <= _EXPLAIN_CHARS:
        return text
    cut = text[-_EXPLAIN_CHARS:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < len(cut) - 1 else cut)


def _head(text: str) -> str:
    """The start of ``text``, shortened for quoting in messages."""
    if len(text) <= _EXPLAIN_CHARS:
        return text
    return text[:_EXPLAIN_CHARS] + "…"


def _needle_pieces(needle: str) -> list[str]:
    """Regex pieces, one per needle character, that match the marked source.

    Piece ``i`` matches character ``i`` and then any joint marker the source
    may hold before character ``i + 1``: a hyphen joint between two letters
    or digits (the hyphen was an artefact), a space joint after a URL
    character.  A needle hyphen also matches a hyphen joint (the hyphen was
    real) and a needle space a space joint.  A footnote reference may follow
    a word or its closing punctuation, and a needle's digits may be one.
    """
    pieces: list[str] = []
    for index, char in enumerate(needle):
        if char == "-":
            piece = f"[-{HYPHEN_JOINT}]"
        elif char == " ":
            piece = f"[ {SPACE_JOINT}]"
        elif char.isdigit():
            piece = f"{REF_OPEN}?{char}{REF_CLOSE}?"
        else:
            piece = re.escape(char)
        following = needle[index + 1] if index + 1 < len(needle) else ""
        if char.isalnum() and following.isalnum():
            piece += f"{HYPHEN_JOINT}?"
        elif char in _URL_BREAK_CHARS and following not in ("", " "):
            piece += f"{SPACE_JOINT}?"
        if _may_precede_ref(char) and following and following in " .,;:)":
            piece += _REF_OPTIONAL
        pieces.append(piece)
    return pieces


def _may_precede_ref(char: str) -> bool:
    """Whether a footnote reference may follow ``char`` (see ``_FOOTNOTE_REF``)."""
    return char.isalpha() or char in _REF_AFTER


@lru_cache(maxsize=4096)
def _compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile with a larger cache than re's own (512 patterns)."""
    return re.compile(pattern)


def _compile(pieces: Sequence[str]) -> re.Pattern[str]:
    """Compile needle pieces into one pattern."""
    return _compile_pattern("".join(pieces))


@dataclass(frozen=True)
class SourceLines:
    """The lines of a report dump, sorted into body lines and footnote blocks.

    ``body`` holds the indices of the lines that belong to the running text
    (page furniture, pull-quote sidebars and footnotes removed); ``notes``
    holds each footnote block as a ``(start, end)`` range of line indices.
    :func:`normalise_source` joins them for matching; the importer cuts
    records from the same lines, so that both read one text.
    """

    lines: tuple[str, ...]
    body: tuple[int, ...]
    notes: tuple[tuple[int, int], ...]
    running_titles: frozenset[str]

    def body_lines(self) -> list[str]:
        """The text of the body lines, in order."""
        return [self.lines[index] for index in self.body]

    def note_lines(self, block: tuple[int, int]) -> list[str]:
        """The text of one footnote block."""
        return list(self.lines[block[0] : block[1]])


def split_source(raw: str, *, running_titles: Iterable[str] = ()) -> SourceLines:
    """Sort the lines of the report text into body lines and footnote blocks.

    Drops page furniture (page numbers, running titles, captions such as
    "Right:", bare URL lines), pull-quote sidebars before running titles and
    footnote blocks (kept apart).  ``running_titles`` adds titles that the
    automatic detection would miss.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    titles = _running_titles(lines, running_titles)
    running = _running_flags(lines, titles)
    furniture = _furniture_flags(lines, running)
    footnote = [False] * len(lines)
    explicit = [index for index, line in enumerate(lines) if line.startswith(NOTE_LINE)]
    blocks = [(i, i + 1) for i in explicit] if explicit else _footnote_blocks(lines, furniture)
    for start, end in blocks:
        for index in range(start, end):
            footnote[index] = True
    sidebar = _sidebar_flags(lines, running, furniture, footnote)
    body = tuple(
        index
        for index, line in enumerate(lines)
        if not (_is_blank(line) or furniture[index] or footnote[index] or sidebar[index])
    )
    return SourceLines(tuple(lines), body, tuple(blocks), frozenset(titles))


def mark_references(joined: str) -> str:
    """Mark the footnote references flattened into joined body text."""
    return _FOOTNOTE_REF.sub(rf"{REF_OPEN}\1{REF_CLOSE}", joined)


def normalise_source(raw: str, *, running_titles: Iterable[str] = ()) -> SourceText:
    """Turn the report text (a PDF text dump) into a :class:`SourceText`.

    The lines are sorted by :func:`split_source`; the body lines are then
    joined with hyphenation and URL joints marked, and footnote references
    marked so that a field may keep or omit them.
    """
    split = split_source(raw, running_titles=running_titles)
    notes = [join_lines(split.note_lines(block)) for block in split.notes]
    body = mark_references(join_lines(split.body_lines()))
    return SourceText(body=body, notes="\n".join(notes))


# --------------------------------------------------------------------------
# Undoing the joints: the one reading of the marked text that data gets
# --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_JOINT_WORDS = re.compile(rf"([^\W_]*(?:-[^\W_]+)*){HYPHEN_JOINT}([^\W_]+)")


def vocabulary(text: str) -> frozenset[str]:
    """The words (hyphenated compounds whole) of a marked text, lower-cased.

    Words broken at a joint are left out: they are what is being decided.
    """
    plain = re.sub(f"\\S*[{HYPHEN_JOINT}{SPACE_JOINT}]\\S*", " ", text)
    return frozenset(word.lower() for word in _WORD.findall(_REF_MARKS.sub(" ", plain)))


def _keep_hyphen(left: str, right: str, words: frozenset[str]) -> bool:
    """Whether a line-end hyphen between ``left`` and ``right`` is a real one.

    The report itself decides where it can: a compound printed whole
    elsewhere ("community-led") keeps its hyphen, a word printed whole
    ("respondent", or the last part of a compound: "drug-de-/criminalization")
    loses it.  Failing that, two words of three letters or more that both
    stand on their own keep it ("drug-/free"); anything else
    ("Respond-/ent", "de-/criminalise") is hyphenation.  Matching accepts
    either reading, so this only decides how the data reads.
    """
    joined_hyphen = f"{left}-{right}".lower()
    joined = f"{left}{right}".lower()
    if joined_hyphen in words:
        return True
    if joined in words:
        return False
    last = left.rsplit("-", 1)[-1].lower()
    if f"{last}{right}".lower() in words:  # "drug-de-/criminalization": "decriminalization"
        return False
    return min(len(last), len(right)) > 2 and last in words and right.lower() in words


def unmark(text: str, words: frozenset[str] = frozenset()) -> str:
    """Read a marked slice of the source as plain text for the data.

    Hyphen joints are decided by :func:`_keep_hyphen` against ``words`` (see
    :func:`vocabulary`), URL joints are closed, footnote references are left
    out (a data field may omit them) and line breaks become spaces.
    """

    def hyphen(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        return f"{left}-{right}" if _keep_hyphen(left, right, words) else f"{left}{right}"

    text = _REF_MARKED.sub("", text)
    text = _JOINT_WORDS.sub(hyphen, text).replace(HYPHEN_JOINT, "")
    text = text.replace(SPACE_JOINT, "").replace("\n", " ")
    return re.sub(r" {2,}", " ", text).strip()


@dataclass(frozen=True)
class Mismatch:
    """A verbatim field that the report does not contain.

    ``key`` is whatever the caller uses to point back at the field (for the
    CLI, a file and line); ``message`` says where the text diverges.
    """

    key: object
    text: str
    message: str


def verify(fields: Iterable[tuple[object, str]], source: SourceText) -> list[Mismatch]:
    """Check every ``(key, text)`` field against ``source``.

    Returns one :class:`Mismatch` per field not found, in input order.
    """
    return [
        Mismatch(key=key, text=text, message=source.explain(text))
        for key, text in fields
        if not source.find(text)
    ]

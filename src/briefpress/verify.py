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
accepts either nothing or a space.  Everywhere else a field must match exactly,
so one changed, added or dropped letter or punctuation mark is reported.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from pathlib import Path

__all__ = [
    "Mismatch",
    "SourceError",
    "SourceText",
    "normalise_source",
    "normalise_text",
    "read_source",
    "verify",
]

# Joint markers kept in the normalised source.  Control characters never
# survive normalise_text, so they cannot collide with real text.
HYPHEN_JOINT = "\x01"  # line-end hyphen: the needle may have "" or "-" here
SPACE_JOINT = "\x02"  # line break inside a URL-like token: "" or " " here
REF_OPEN = "\x03"  # footnote reference ("...purposes32."), which the needle
REF_CLOSE = "\x04"  # may give or leave out: REF_OPEN digits REF_CLOSE

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
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:)\"'])|(?<=[.)\"'][.,;:)\"']))"
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


class SourceError(Exception):
    """The report file cannot be read; the message names the file."""


def read_source(path: Path) -> str:
    """Return the text of the original report at ``path``.

    PDFs (recognised by their ``%PDF-`` header or a ``.pdf`` suffix) are read
    with pypdf; anything else must be UTF-8 text.  Every failure becomes a
    :class:`SourceError` naming the file, so the CLI can print it as is.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if data.startswith(b"%PDF-") or Path(path).suffix.lower() == ".pdf":
        return _read_pdf(path, data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


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


def _is_anchor(line: str) -> bool:
    """Page numbers and running section titles: furniture certain by shape.

    Running section titles are never indented; an indented "Section N" line
    is the heading at the top of a page and is kept.
    """
    stripped = line.strip()
    if _PAGE_NUMBER.fullmatch(stripped):
        return True
    return not _is_page_break(line) and bool(_SECTION_TITLE.fullmatch(stripped))


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

    A running title repeats on many pages and sits next to the page number or
    the running section title; requiring both keeps repeated body lines (such
    as a recurring attribution) in the text.
    """
    counts = Counter(line.strip() for line in lines if not _is_blank(line))
    titles = {normalise_text(title) for title in extra}
    for index, line in enumerate(lines):
        if not _is_anchor(line):
            continue
        for step in (-1, 1):
            near = _next_nonblank(lines, index + step, step)
            if near is None or _is_anchor(lines[near]):
                continue
            if counts[lines[near].strip()] >= _TITLE_MIN_REPEATS:
                titles.add(normalise_text(lines[near]))
    titles.discard("")
    return titles


def _furniture_flags(lines: Sequence[str], titles: set[str]) -> list[bool]:
    """Mark page furniture: page numbers, running titles, captions, bare URLs.

    Bare URL lines are the link targets a PDF dump repeats on lines of their
    own; the citation that prints them is kept in the footnotes.
    """
    flags: list[bool] = []
    for line in lines:
        stripped = line.strip()
        flags.append(
            bool(stripped)
            and (
                _is_anchor(line)
                or normalise_text(stripped) in titles
                or bool(_CAPTION.fullmatch(stripped))
                or bool(_URL_ONLY.fullmatch(stripped))
            )
        )
    return flags


def _footnote_block_end(lines: Sequence[str], start: int) -> int:
    """End (exclusive) of the footnote block starting at ``start``.

    A footnote's continuation lines follow it directly, without the blank
    line that separates body lines, and stop at the next page break.
    """
    end = start + 1
    while end < len(lines) and not _is_blank(lines[end]):
        if _is_page_break(lines[end]):
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
        end = _footnote_block_end(lines, index)
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
    lines: Sequence[str], furniture: Sequence[bool], footnote: Sequence[bool]
) -> list[bool]:
    """Mark pull-quote sidebars printed just before a page's running titles.

    A sidebar repeats body text in a narrow column (short lines) and, in the
    dump, lands between the last body line of a page and the running title.
    Left in place it would split the body passage that runs on to the next
    page, so runs of at least three short lines right before a page number or
    running title are dropped.  A single short line there is the end of a
    paragraph and is kept.
    """
    flags = [False] * len(lines)
    for index, line in enumerate(lines):
        if not furniture[index] or _CAPTION.fullmatch(line.strip()):
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
        if len(candidates) >= _SIDEBAR_MIN_LINES:
            for candidate in candidates:
                flags[candidate] = True
    return flags


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


def _join_lines(lines: Sequence[str]) -> str:
    """Join lines into one normalised string with joint markers.

    Each line is normalised on its own, then lines are joined with a space, a
    hyphen joint (the line-end hyphen removed) or a space joint.
    """
    parts: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        text = line.strip()
        separator = " "
        if following.strip():
            if _is_hyphen_break(line, following):
                text, separator = text[:-1], HYPHEN_JOINT
            elif _is_url_break(line, following):
                separator = SPACE_JOINT
        parts.append(normalise_text(text))
        parts.append(separator)
    joined = "".join(parts)
    return re.sub(r" {2,}", " ", joined).strip(" ")


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
        return bool(text) and self._contains(text, len(text), bound_end=True)

    def explain(self, needle: str) -> str:
        """Say why ``needle`` is not found: where it stops matching, and how.

        The longest leading part of the needle that occurs in the report is
        found by bisection; the message quotes its end and then compares the
        word where data and report diverge.
        """
        text = normalise_text(needle)
        if not text:
            return "the text is empty"
        if self.find(text):
            return "found in the report"
        matched = self._longest_prefix(text)
        word_start = text.rfind(" ", 0, matched) + 1
        word_end = text.find(" ", matched)
        data_word = text[word_start : word_end if word_end >= 0 else len(text)]
        if word_start == 0:
            return (
                "no match even for the first word: nothing in the report starts "
                f'with "{_head(text[: matched + 1])}"'
            )
        report_word = self._report_word(text, word_start, matched, data_word)
        if report_word == data_word:  # the difference lies further on
            data_word = text[word_start:]
        return (
            f'matches up to "{_tail(text[:word_start].rstrip())}" then the report '
            f'has "{_head(report_word)}" where the data has "{_head(data_word)}"'
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
        with ``str.find`` settles most needles without compiling a regular
        expression.
        """
        plains: list[str] = []
        for hay in self._haystacks:
            plain = hay.replace(HYPHEN_JOINT, "").replace(SPACE_JOINT, " ")
            plains.append(_REF_MARKED.sub("", plain))
            if REF_OPEN in plain:
                plains.append(plain.replace(REF_OPEN, "").replace(REF_CLOSE, ""))
        return tuple(plains)

    def _contains(self, text: str, length: int, *, bound_end: bool) -> bool:
        """Whether the first ``length`` characters of ``text`` occur.

        The match must start at a word boundary, and end at one if
        ``bound_end``.  Plain search first, the marker-aware regex after.
        """
        return self._plain_contains(text[:length], bound_end=bound_end) or self._regex_contains(
            text, length, bound_end=bound_end
        )

    def _plain_contains(self, prefix: str, *, bound_end: bool) -> bool:
        """``_contains`` for the common readings of the source (no regex)."""
        return any(_plain_find(hay, prefix, bound_end=bound_end) for hay in self._plain_haystacks)

    def _regex_contains(self, text: str, length: int, *, bound_end: bool) -> bool:
        """``_contains`` with every joint and reference read either way."""
        pattern = _compile(_needle_pieces(text)[:length])
        return any(
            next(_bounded_matches(pattern, hay, text[:length], bound_end=bound_end), None)
            is not None
            for hay in self._haystacks
        )

    def _longest_prefix(self, text: str) -> int:
        """Length of the longest leading part of ``text`` found anywhere.

        Prefix matching is monotonic (a shorter prefix of a found prefix is
        found), so bisection needs only a handful of searches.  It runs on
        the plain readings first, which are cheap and usually right; the
        regex then only has to confirm that one more character fails.
        """
        low = _bisect(0, len(text), lambda n: self._plain_contains(text[:n], bound_end=False))
        if low == len(text) or not self._regex_contains(text, low + 1, bound_end=False):
            return low
        return _bisect(low + 1, len(text), lambda n: self._regex_contains(text, n, bound_end=False))

    def _report_word(self, text: str, word_start: int, matched: int, data_word: str) -> str:
        """The report's word where the data's word at ``word_start`` diverges.

        Of all the places where the longest matching part occurs, the one
        whose next word is most like the data's is taken, so that a typo is
        shown next to the word it mistypes.
        """
        pieces = _needle_pieces(text)
        pattern = _compile([*pieces[:word_start], "()", *pieces[word_start:matched]])
        best, best_score = "", -1.0
        for hay in self._haystacks:
            for match in _bounded_matches(pattern, hay, text[:matched], bound_end=False):
                rest = hay[match.start(1) :]
                word = re.split(f"[ \n{SPACE_JOINT}]", rest, maxsplit=1)[0]
                word = _REF_MARKS.sub("", word.replace(HYPHEN_JOINT, "-"))
                score = SequenceMatcher(None, word, data_word).ratio()
                if score > best_score:
                    best, best_score = word, score
        return best or "the end of the text"


def _bisect(low: int, high: int, found: Callable[[int], bool]) -> int:
    """The largest ``n`` in ``[low, high]`` with ``found(n)``, given ``found(low)``.

    ``found`` must be monotonic (true up to some point, false after).
    """
    if found(high):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if found(middle):
            low = middle
        else:
            high = middle
    return low


def _plain_find(hay: str, needle: str, *, bound_end: bool) -> bool:
    """``needle in hay`` at word boundaries (plain text, no markers)."""
    start = hay.find(needle)
    while start >= 0:
        if _at_boundaries(hay, needle, (start, start + len(needle)), bound_end=bound_end):
            return True
        start = hay.find(needle, start + 1)
    return False


def _bounded_matches(
    pattern: re.Pattern[str], hay: str, needle: str, *, bound_end: bool
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in the marked ``hay`` that respect word bounds."""
    for match in pattern.finditer(hay):
        if _at_boundaries(hay, needle, match.span(), bound_end=bound_end):
            yield match


def _at_boundaries(hay: str, needle: str, span: tuple[int, int], *, bound_end: bool) -> bool:
    """Whether ``hay[start:end]`` neither starts nor (if asked) ends mid-word.

    Bounds only apply where the needle itself starts or ends with a letter
    or digit.  A hyphen joint counts as inside a word, as it usually is.
    """
    start, end = span
    if needle[:1].isalnum() and start > 0 and _in_word(hay[start - 1]):
        return False
    return not (bound_end and needle[-1:].isalnum() and end < len(hay) and _in_word(hay[end]))


def _in_word(char: str) -> bool:
    """Whether a character next to a match would make it cut a word."""
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
    real) and a needle space a space joint.
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


def normalise_source(raw: str, *, running_titles: Iterable[str] = ()) -> SourceText:
    """Turn the report text (a PDF text dump) into a :class:`SourceText`.

    Drops page furniture (page numbers, running titles, captions such as
    "Right:", bare URL lines), pull-quote sidebars before running titles and
    footnote blocks (kept apart as notes), then joins the remaining lines with
    hyphenation and URL joints marked, and marks footnote references so that
    a field may keep or omit them.  ``running_titles`` adds titles that
    the automatic detection would miss.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    titles = _running_titles(lines, running_titles)
    furniture = _furniture_flags(lines, titles)
    footnote = [False] * len(lines)
    notes: list[str] = []
    for start, end in _footnote_blocks(lines, furniture):
        for index in range(start, end):
            footnote[index] = True
        notes.append(_join_lines(lines[start:end]))
    sidebar = _sidebar_flags(lines, furniture, footnote)
    body_lines = [
        line
        for index, line in enumerate(lines)
        if not (_is_blank(line) or furniture[index] or footnote[index] or sidebar[index])
    ]
    body = _FOOTNOTE_REF.sub(rf"{REF_OPEN}\1{REF_CLOSE}", _join_lines(body_lines))
    return SourceText(body=body, notes="\n".join(notes))


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

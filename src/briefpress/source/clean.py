"""Cleaning a report's text dump: body lines, footnotes and joints.

A PDF dump is noisy: words are hyphenated across line breaks, pages carry
running titles and page numbers, footnotes are printed in the middle of the
body text (sometimes in the middle of a quotation), and pull-quote sidebars
repeat body text.  :func:`split_source` sorts the lines into body and
footnote blocks; :func:`join_lines` joins them, keeping a marker at each
ambiguous joint (a line-end hyphen, a line broken inside a URL) that the
matcher reads either way and :func:`unmark` decides for the data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefpress.source.match import SourceText
from briefpress.source.read import NOTE_LINE
from briefpress.source.text import (
    FOOTNOTE_REF,
    HYPHEN_JOINT,
    LINE_END_HYPHENS,
    REF_CLOSE,
    REF_MARKED,
    REF_MARKS,
    REF_OPEN,
    SPACE_JOINT,
    URL_BREAK_CHARS,
    normalise_text,
)

__all__ = [
    "SourceLines",
    "join_lines",
    "mark_references",
    "normalise_source",
    "split_source",
    "unmark",
    "vocabulary",
]

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
        text.endswith(LINE_END_HYPHENS)
        and text[-2:-1].isalnum()
        and following.lstrip()[:1].isalnum()
    )


_URL_LIKE = re.compile(r"://|^www\.|/|\.(?:org|com|net|int|gov|edu)\b")


def _is_url_break(line: str, following: str) -> bool:
    """Was ``line`` broken inside a URL-like token (no space at its end)?

    Only a token that looks like a web address or path counts: a sentence's
    full stop or colon at a line end ("safety rule." / "Nobody") is followed
    by a space, however the line was set.
    """
    text = line.rstrip("\r\n")
    if not text or text[-1] not in URL_BREAK_CHARS or not following.strip():
        return False
    token = text.split()[-1] if text.split() else ""
    return bool(_URL_LIKE.search(token))


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
    return FOOTNOTE_REF.sub(rf"{REF_OPEN}\1{REF_CLOSE}", joined)


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
    return frozenset(word.lower() for word in _WORD.findall(REF_MARKS.sub(" ", plain)))


def _keep_hyphen(left: str, right: str, words: frozenset[str]) -> bool:
    """Whether a line-end hyphen between ``left`` and ``right`` is a real one.

    The report itself decides where it can: a compound printed whole
    elsewhere ("community-led") keeps its hyphen, a word printed whole
    ("respondent", or the last part of a compound: "rent-de-/regulation")
    loses it.  Failing that, two words of three letters or more that both
    stand on their own keep it ("smoke-/free"); anything else
    ("Respond-/ent", "de-/regulate") is hyphenation.  Matching accepts
    either reading, so this only decides how the data reads.
    """
    joined_hyphen = f"{left}-{right}".lower()
    joined = f"{left}{right}".lower()
    if joined_hyphen in words:
        return True
    if joined in words:
        return False
    last = left.rsplit("-", 1)[-1].lower()
    if f"{last}{right}".lower() in words:  # "rent-de-/regulation": "deregulation"
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

    text = REF_MARKED.sub("", text)
    text = _JOINT_WORDS.sub(hyphen, text).replace(HYPHEN_JOINT, "")
    text = text.replace(SPACE_JOINT, "").replace("\n", " ")
    return re.sub(r" {2,}", " ", text).strip()

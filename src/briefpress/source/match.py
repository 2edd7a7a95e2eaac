"""Matching a data field against the cleaned report text.

A field must match exactly, at word boundaries, so that one changed, added or
dropped letter or punctuation mark is reported; only the joints the cleaner
marked (a line-end hyphen, a line broken in a URL, a flattened footnote
reference) may be read either way.  :meth:`SourceText.explain` says where a
field stops matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from briefpress.source.text import (
    HYPHEN_JOINT,
    REF_AFTER,
    REF_CLOSE,
    REF_MARKED,
    REF_MARKS,
    REF_OPEN,
    REF_OPTIONAL,
    SPACE_JOINT,
    URL_BREAK_CHARS,
    normalise_text,
)

__all__ = ["SourceText"]

# A needle is first located by its start, at least this long (up to a word
# end): long enough to leave few false starts, short enough to compile fast.
_ANCHOR_CHARS = 24
# How much of the matched text an explanation quotes.
_EXPLAIN_CHARS = 40


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
            plains.append(REF_MARKED.sub("", plain))
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
    return REF_MARKS.sub("", word.replace(HYPHEN_JOINT, "-"))


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
        elif char in URL_BREAK_CHARS and following not in ("", " "):
            piece += f"{SPACE_JOINT}?"
        if _may_precede_ref(char) and following and following in " .,;:)":
            piece += REF_OPTIONAL
        pieces.append(piece)
    return pieces


def _may_precede_ref(char: str) -> bool:
    """Whether a footnote reference may follow ``char`` (see ``FOOTNOTE_REF``)."""
    return char.isalpha() or char in REF_AFTER


@lru_cache(maxsize=4096)
def _compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile with a larger cache than re's own (512 patterns)."""
    return re.compile(pattern)


def _compile(pieces: Sequence[str]) -> re.Pattern[str]:
    """Compile needle pieces into one pattern."""
    return _compile_pattern("".join(pieces))

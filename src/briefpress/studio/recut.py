"""A quote in its context in the report, re-cut from it, or reported as wrong.

A quote's text is the report's own words and is never typed in the studio. What a
person may do is move where it starts and ends in the report's text, word by word or
sentence by sentence: ``briefpress import`` keeps that text beside the data
(``reports/<report>/source.txt``, the body as the data reads it, one paragraph a
line), and a new cut is accepted only if it is a run of that text, at whole words,
with whitespace and line breaks folded as the importer folds them. It is written
like every other change (one line, checked, undoable, never over a file changed on
disk). A person who thinks a quote is wrong, but cannot mend it by a cut, reports
it: the note becomes an item of the report's REVIEW.md, and the quote is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from briefpress.importer.review import REVIEW, SOURCE_TEXT
from briefpress.studio import records, yamledit
from briefpress.studio.store import ProjectFiles, Refused, check_id

CONTEXT = 700  # characters of the report shown before and after a quote, at most
MAX_NOTE = 1000
MOVES = {
    "start-sentence-earlier": "Start a sentence earlier",
    "start-word-earlier": "Start a word earlier",
    "start-word-later": "Start a word later",
    "start-sentence-later": "Start a sentence later",
    "end-sentence-earlier": "End a sentence earlier",
    "end-word-earlier": "End a word earlier",
    "end-word-later": "End a word later",
    "end-sentence-later": "End a sentence later",
}
# A sentence ends at a full stop, question or exclamation mark of any script: before a space
# in Latin, Arabic (؟), Urdu (۔) and Devanagari (।) text; at once in Chinese and Japanese
# (。！？), which put no space after it.
SENTENCE_END = re.compile(r"[.!?…؟۔।](?=[\"”’»)\]]*(?:\s|$))|[。！？][”’」』）]*")
# Chinese and Japanese put no spaces between words: each of their characters (and their
# punctuation) is a word of its own for a cut, so that a move is never a whole paragraph.
SOLID = re.compile(r"[\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
OPENING = '"“‘«„(['  # a cut starts at its word, not at a mark it does not close
CLOSING = '"”»)]'  # (nor ends at one it did not open; an apostrophe may end a word)
PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Cut:
    """A span of the report's text, with what surrounds it on the page."""

    start: int
    end: int
    before: str
    text: str
    after: str

    def json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "text": self.text,
            "after": self.after,
            "words": written(self.text),
        }


def source_file(report: str) -> str:
    return f"reports/{check_id(report, 'report id')}/{SOURCE_TEXT}"


def source_text(files: ProjectFiles, report: str) -> str | None:
    """The report's text as the import kept it, or None (imported before it was kept,
    or written by hand)."""
    try:
        return files.read(source_file(report)).decode("utf-8", "replace")
    except FileNotFoundError:
        return None


@lru_cache(maxsize=8)
def folded(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with each run of whitespace one space, and where each character was."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if not chars or chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), (*where, len(text))


def fold(text: str) -> str:
    return " ".join(text.split())


def _apart(before: str, after: str) -> bool:
    """Whether two neighbouring characters are in different words."""
    if not (before.isalnum() and after.isalnum()):
        return True
    return bool(SOLID.match(before) or SOLID.match(after))


def _whole_words(hay: str, start: int, end: int) -> bool:
    return _apart(hay[start - 1 : start], hay[start : start + 1]) and _apart(
        hay[end - 1 : end], hay[end : end + 1]
    )


def locate(source: str, text: str) -> tuple[int, int] | None:
    """Where ``text`` is in ``source`` (whitespace folded, at whole words), if it is."""
    hay, where = folded(source)
    needle = fold(text)
    if not needle:
        return None
    at = hay.find(needle)
    while at >= 0:
        if _whole_words(hay, at, at + len(needle)):
            return where[at], where[at + len(needle) - 1] + 1
        at = hay.find(needle, at + 1)
    return None


def context(source: str, start: int, end: int) -> Cut:
    """The cut with the paragraph before it and the one after it (up to CONTEXT)."""
    starts = [0, *(m.end() for m in PARAGRAPH.finditer(source, 0, start))]
    first = starts[-2] if len(starts) > 1 else 0
    first = max(first, start - CONTEXT)
    ends = [m.start() for m in PARAGRAPH.finditer(source, end)][:2]
    last = ends[1] if len(ends) > 1 else len(source)
    last = min(last, end + CONTEXT)
    return Cut(start, end, source[first:start], source[start:end], source[end:last])


def written(text: str) -> str | list[str]:
    """A cut as the data writes it: one paragraph a text, several a list."""
    paragraphs = [fold(p) for p in PARAGRAPH.split(text) if p.strip()]
    return paragraphs[0] if len(paragraphs) == 1 else paragraphs


@lru_cache(maxsize=8)
def _words(source: str) -> tuple[tuple[int, int], ...]:
    """Where each word of the text starts and ends: a run between spaces, or one character
    of a script written without spaces (Chinese, Japanese)."""
    found: list[tuple[int, int]] = []
    for run in re.finditer(r"\S+", source):
        start = run.start()
        for solid in SOLID.finditer(run.group()):
            at = run.start() + solid.start()
            found += [(start, at)] if start < at else []
            found.append((at, at + 1))
            start = at + 1
        found += [(start, run.end())] if start < run.end() else []
    return tuple(found)


def _word_start_before(source: str, at: int) -> int:
    """The start of the word with the last letter or digit before ``at`` (past a lone dash
    or an opening quotation mark)."""
    starts = [s for s, e in _words(source) if any(c.isalnum() for c in source[s : min(e, at)])]
    return starts[-1] if starts else at


def _word_start_after(source: str, at: int) -> int:
    return min((s for s, _ in _words(source) if s > at), default=len(source))


def _word_end_after(source: str, at: int) -> int:
    return min((e for _, e in _words(source) if e > at), default=at)


def _word_end_before(source: str, at: int) -> int:
    return max((e for _, e in _words(source) if e < at), default=0)


def _sentence_ends(source: str) -> list[int]:
    ends = {m.end() for m in SENTENCE_END.finditer(source)}
    ends |= {m.start() for m in PARAGRAPH.finditer(source)}
    return sorted({*ends, len(source.rstrip())})


def _sentence_starts(source: str) -> list[int]:
    def skip(i: int) -> int:
        while i < len(source) and (source[i].isspace() or source[i] in CLOSING + OPENING):
            i += 1
        return i

    return sorted({skip(0), *(skip(e) for e in _sentence_ends(source))})


def move(source: str, start: int, end: int, how: str) -> tuple[int, int]:
    """The span after one move (a word or a sentence, at either end). A move that would
    leave nothing, or go past the text, leaves the span as it was."""
    if how not in MOVES:
        raise records.Invalid([{"field": "move", "message": f"no move {how!r}"}])
    old = (start, end)
    if how == "start-word-earlier":
        start = _word_start_before(source, start)
    elif how == "start-word-later":
        start = _word_start_after(source, start)
    elif how == "end-word-later":
        end = _word_end_after(source, end)
    elif how == "end-word-earlier":
        end = _word_end_before(source, end)
    elif how == "start-sentence-earlier":
        start = max((s for s in _sentence_starts(source) if s < start), default=start)
    elif how == "start-sentence-later":
        start = min((s for s in _sentence_starts(source) if s > start), default=start)
    elif how == "end-sentence-earlier":
        end = max((e for e in _sentence_ends(source) if e < end), default=end)
    else:
        end = min((e for e in _sentence_ends(source) if e > end), default=end)
    start, end = trim(source, start, end)
    return (start, end) if start < end else old


def snap(source: str, start: int, end: int) -> tuple[int, int]:
    """A span asked for by offsets (a selection) widened to whole words."""
    start, end = max(0, min(start, len(source))), max(0, min(end, len(source)))
    while start > 0 and not _apart(source[start - 1], source[start : start + 1]):
        start -= 1
    while 0 < end < len(source) and not _apart(source[end - 1], source[end]):
        end += 1
    return trim(source, start, end)


PAIRS = {"“": "”", "‘": "’", "«": "»", "„": "“", "(": ")", "[": "]", '"': '"'}
CLOSERS = {close: open_ for open_, close in PAIRS.items() if open_ != "„"}


def trim(source: str, start: int, end: int) -> tuple[int, int]:
    """Whitespace off both ends, and a quotation mark or bracket the cut does not close
    (or open): ``“The clinic closes`` starts at ``The``, ``[Kenya])`` keeps both."""
    while start < end:
        char = source[start]
        if char.isspace() or (char in OPENING and PAIRS[char] not in source[start + 1 : end]):
            start += 1
        else:
            break
    while end > start:
        char = source[end - 1]
        if char.isspace() or (char in CLOSING and _unopened(source[start : end - 1], char)):
            end -= 1
        else:
            break
    return start, end


def _unopened(text: str, close: str) -> bool:
    opener = CLOSERS[close]
    if opener == close:
        return text.count(close) % 2 == 0
    return text.count(opener) <= text.count(close)


def span(source: str, start: int, end: int) -> tuple[int, int]:
    """A span asked for by offsets, checked: inside the text, at whole words, not empty."""
    if not 0 <= start < end <= len(source):
        raise records.Invalid(
            [{"field": "text", "message": "the new cut is not inside the report's text"}]
        )
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    if start == end or not _whole_words(source, start, end):
        message = "a quote starts and ends at whole words"
        raise records.Invalid([{"field": "text", "message": message}])
    return start, end


def quote_cut(files: ProjectFiles, report: str, quote_id: str) -> tuple[str, Cut | None]:
    """The report's text and where the quote is in it now (None: not found there)."""
    source = source_text(files, report)
    if source is None:
        message = f"the report's text is not kept in this project ({source_file(report)})"
        hint = "import the report again (briefpress import ... --merge) to keep it"
        raise records.Invalid([{"field": "text", "message": message, "hint": hint}])
    project, _ = records.load(files.root)
    quote = records.report_data(project, report).quotes.get(quote_id)
    if quote is None:
        raise Refused(f"no quote {quote_id!r} in {report}")
    found = locate(source, quote.text)
    return source, context(source, *found) if found else None


def recut(
    files: ProjectFiles,
    report: str,
    quote_id: str,
    wanted: dict[str, Any],
    based_on: str | None,
) -> str:
    """Write a new cut of the quote: ``{"start", "end"}`` (offsets in source.txt) or
    ``{"text"}`` (which must be a run of the report's text). Returns the new etag."""
    source, _ = quote_cut(files, report, quote_id)
    if wanted.get("text") is not None:
        found = locate(source, str(wanted["text"]))
        if found is None:
            message = "the new text is not, word for word, in the report's text"
            hint = "move the start and end of the quote instead of typing it"
            raise records.Invalid([{"field": "text", "message": message, "hint": hint}])
        start, end = found
    else:
        try:
            start, end = int(wanted.get("start", -1)), int(wanted.get("end", -1))
        except (TypeError, ValueError):
            start, end = -1, -1
        start, end = span(source, start, end)
    return _write_text(files, report, quote_id, written(source[start:end]), based_on)


def _write_text(
    files: ProjectFiles, report: str, quote_id: str, text: str | list[str], based_on: str | None
) -> str:
    relative, key = records.record_file(files.root, report, "quotes")
    files.check(relative, based_on)
    original = files.read(relative).decode("utf-8")
    doc = yamledit.load(original)
    before = yamledit.dump(doc)
    try:
        record = yamledit.find_record(doc, key, quote_id)
    except yamledit.EditError as exc:
        raise Refused(str(exc)) from None
    yamledit.set_text(record, "text", text)
    new = yamledit.carry_over(original, before, yamledit.dump(doc))
    problems = records.propose(files, relative, new, lambda p: "text")
    return records.written(files, relative, new, based_on, f"re-cut quote {quote_id}", problems)


ITEMS = "## To review"


def report_wrong(files: ProjectFiles, report: str, quote_id: str, note: str) -> str:
    """Put the person's note about a quote on the report's review list, as an item to
    settle; the quote itself is not changed."""
    note = fold(note)
    if not note:
        raise records.Invalid([{"field": "note", "message": "say what is wrong with the quote"}])
    if len(note) > MAX_NOTE:
        message = f"the note is longer than {MAX_NOTE} characters"
        raise records.Invalid([{"field": "note", "message": message}])
    project, _ = records.load(files.root)
    if quote_id not in records.report_data(project, report).quotes:
        raise Refused(f"no quote {quote_id!r} in {report}")
    relative = f"reports/{report}/{REVIEW}"
    try:
        text = files.read(relative).decode("utf-8")
    except FileNotFoundError:
        text = f"# Review: {report}\n"
    item = f"- [ ] **quotes.yaml ({quote_id})**: reported as wrong: {note}\n"
    return files.write(relative, add_item(text, item).encode("utf-8"), None, item_what(quote_id))


def item_what(quote_id: str) -> str:
    return f"reported quote {quote_id} as wrong"


def add_item(text: str, item: str) -> str:
    """REVIEW.md with ``item`` last in its "To review" list (made if it has none)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    heading = next((i for i, line in enumerate(lines) if line.strip() == ITEMS), None)
    if heading is None:
        return "".join(lines) + f"\n{ITEMS}\n\n{item}"
    end = next(
        (i for i in range(heading + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
    )
    last = max((i for i in range(heading + 1, end) if lines[i].startswith("- [")), default=None)
    if last is None:  # "Nothing uncertain was found." gives way to the first item
        body = [line for line in lines[heading + 1 : end] if line.startswith("- ")]
        tail = ["\n"] if end < len(lines) else []
        return "".join([*lines[: heading + 1], "\n", *body, item, *tail, *lines[end:]])
    return "".join([*lines[: last + 1], item, *lines[last + 1 :]])

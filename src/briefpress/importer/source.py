"""The report as the importer reads it: the normaliser's lines, joined once.

Every record the importer writes is cut from one string, the body text that
``check --against`` matches against (:mod:`briefpress.source`), so that a
verbatim field is verbatim by construction.  That string keeps a newline where
a line ended, so that headings and paragraph ends can still be seen; a plain
view of it (joints closed, reference marks kept) is what the patterns search,
with a map back to the marked text to cut from.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from briefpress.source.clean import (
    SourceLines,
    join_lines,
    mark_references,
    split_source,
    unmark,
    vocabulary,
)
from briefpress.source.read import docx_text, line_styles, read_paragraphs, read_source
from briefpress.source.text import HYPHEN_JOINT, SPACE_JOINT, fold_space

# Line ends in the marked body: a plain line break or one of the joints.
_LINE_ENDS = frozenset(("\n", HYPHEN_JOINT, SPACE_JOINT))
# A line this much shorter than the usual body line ends a paragraph.
_SHORT_LINE = 0.8
# A line this much shorter than the usual body line is a heading or a paragraph's end.
_HEADING_LINE = 0.6
_SENTENCE_END = (".", "!", "?", '"', "”", ")")
_OPENING_QUOTES = ('"', "“", "«", "„")


@dataclass(frozen=True)
class BodyLine:
    """One body line: where it lies in the marked and plain text, and its style."""

    start: int  # offset in the marked text
    end: int  # offset of its line end in the marked text
    raw: str  # the line as read
    style: str  # the paragraph's style (Word's, or read from a PDF's layout), or ""
    last: bool = True  # the last line of its paragraph (styled sources)


@dataclass
class Source:
    """The report's body and footnotes, prepared for cutting records from."""

    path: Path
    split: SourceLines
    marked: str
    lines: list[BodyLine]
    styled: bool  # a Word document or PDF: every line has its paragraph's style
    running: list[str] = field(default_factory=list)  # a PDF's running headers
    plain: str = ""
    to_marked: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Build the plain view and its map back to the marked text."""
        chars: list[str] = []
        positions: list[int] = []
        for index, char in enumerate(self.marked):
            if char in (HYPHEN_JOINT, SPACE_JOINT):
                continue
            chars.append(char)
            positions.append(index)
        positions.append(len(self.marked))
        self.plain = "".join(chars)
        self.to_marked = positions

    @cached_property
    def words(self) -> frozenset[str]:
        """The report's own words (body and footnotes), which decide line-end hyphens."""
        notes = "\n".join(text for _, text in self.footnotes())
        return vocabulary(f"{self.marked}\n{notes}")

    @cached_property
    def _plain_starts(self) -> list[int]:
        return [self.to_plain(line.start) for line in self.lines]

    def to_plain(self, marked_offset: int) -> int:
        """The plain offset of a marked offset (the next kept character)."""
        return bisect.bisect_left(self.to_marked, marked_offset)

    def cut(self, start: int, end: int) -> str:
        """The data text of the plain span ``[start, end)``: cut, never retyped."""
        return unmark(self.marked[self.to_marked[start] : self.to_marked[end]], self.words)

    def line_at(self, plain_offset: int) -> int:
        """The index of the body line holding a plain offset."""
        return max(bisect.bisect_right(self._plain_starts, plain_offset) - 1, 0)

    def line_span(self, index: int) -> tuple[int, int]:
        """A body line's plain span, without its line end."""
        line = self.lines[index]
        return self.to_plain(line.start), self.to_plain(line.end)

    def line_text(self, index: int) -> str:
        """A body line's plain text."""
        start, end = self.line_span(index)
        return self.plain[start:end]

    @cached_property
    def usual_width(self) -> float:
        """The usual length of a full body line (text and PDF dumps)."""
        widths = [len(line.raw.strip()) for line in self.lines if len(line.raw.strip()) > 20]
        return statistics.median(widths) if widths else 80.0

    def ends_paragraph(self, index: int) -> bool:
        """Whether body line ``index`` is the last line of a paragraph.

        A Word paragraph is one line.  In a text dump a paragraph's last line
        ends a sentence and stops short of the usual line width.
        """
        if self.styled:
            return self.lines[index].last
        text = self.lines[index].raw.strip()
        return text.endswith((".", "!", "?", '"', "”", ")", ":")) and (
            len(text) < _SHORT_LINE * self.usual_width
        )

    def reading(self) -> str:
        """The body as the data reads it, one paragraph a line, a blank line between.

        Each paragraph is :meth:`cut` whole, so a quote the import cut (or a person
        re-cuts) is a run of it, with whitespace folded. A short line that ends no
        sentence (a heading) is a paragraph of its own.
        """
        paragraphs: list[str] = []
        first = 0
        for index in range(len(self.lines)):
            if index + 1 < len(self.lines) and not self._paragraph_end(index):
                continue
            start, end = self.line_span(first)[0], self.line_span(index)[1]
            text = self.cut(start, end)
            if text:
                paragraphs.append(text)
            first = index + 1
        return "\n\n".join(paragraphs) + "\n"

    def _paragraph_end(self, index: int) -> bool:
        """Whether body line ``index`` ends a paragraph for :meth:`reading`: the
        dump has a blank line after it, or it ends one, or it is a heading."""
        if self.marked[self.lines[index].end : self.lines[index].end + 1] != "\n":
            return False  # a word or a URL goes on on the next line
        if self.ends_paragraph(index):
            return True
        if self.styled:
            return False
        text, following = self.lines[index].raw.strip(), self.lines[index + 1].raw.strip()
        if self._short(index) or self._short(index + 1):  # a heading: a paragraph of its own
            return True
        if text.endswith(_SENTENCE_END) and following.startswith(_OPENING_QUOTES):
            return True  # a quotation set apart starts
        return self._blank_after(index) and not self._double_spaced

    def _short(self, index: int) -> bool:
        return len(self.lines[index].raw.strip()) < _HEADING_LINE * self.usual_width

    def _blank_after(self, index: int) -> bool:
        after = self.split.body[index] + 1
        return after >= len(self.split.lines) or not self.split.lines[after].strip()

    @cached_property
    def _double_spaced(self) -> bool:
        """A dump with a blank line after most lines: blank lines end no paragraph."""
        blanks = sum(self._blank_after(index) for index in range(len(self.lines)))
        return blanks > len(self.lines) / 2

    def footnotes(self) -> list[tuple[int, str]]:
        """Each footnote block as (first raw line index, marked text)."""
        return [
            (block[0], join_lines(self.split.note_lines(block), fold=fold_space))
            for block in self.split.notes
        ]


def read(path: Path) -> Source:
    """Read a report (.txt, .pdf or .docx) into a :class:`Source`.

    The text comes from the same reader and normaliser as ``check
    --against``; a Word document's or PDF's paragraph styles come along,
    line by line.
    """
    paragraphs = read_paragraphs(path)
    styles: list[tuple[str, bool]] = []
    running: list[str] = []
    if paragraphs is not None:
        running = [p.text for p in paragraphs if p.style == "running"]
        styles = line_styles(paragraphs)
        raw = docx_text(paragraphs)  # what read_source returns, read once
    else:
        raw = read_source(path)
    split = split_source(raw)
    body_lines = split.body_lines()
    marked = mark_references(join_lines(body_lines, line_break="\n", fold=fold_space))
    lines: list[BodyLine] = []
    start = 0
    for index, raw_index in enumerate(split.body):
        end = start
        while end < len(marked) and marked[end] not in _LINE_ENDS:
            end += 1
        style, last = styles[raw_index] if raw_index < len(styles) else ("", True)
        lines.append(BodyLine(start, end, body_lines[index], style, last))
        start = end + 1
    return Source(path, split, marked, lines, styled=bool(styles), running=running)

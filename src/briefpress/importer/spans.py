"""Spans of the body text already taken by a record, asked in logarithmic time.

A report may hold thousands of quotes and quotations; asking every earlier
span whether a new one overlaps it made an import quadratic in their number
(a 1 MB line took minutes).  The spans kept never overlap, so sorted by start
they are sorted by end too, and one neighbour answers.
"""

from __future__ import annotations

import bisect


class Spans:
    """Non-overlapping ``[start, end)`` spans, sorted."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span kept."""
        index = bisect.bisect_left(self._starts, end)  # spans starting before ``end``
        return index > 0 and self._ends[index - 1] > start

    def holds(self, offset: int) -> bool:
        """Whether a kept span holds ``offset``."""
        index = bisect.bisect_right(self._starts, offset)
        return index > 0 and self._ends[index - 1] > offset

    def add(self, start: int, end: int) -> bool:
        """Keep ``[start, end)`` unless it overlaps a kept span; say whether it was kept."""
        if end <= start or self.overlaps(start, end):
            return False
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True

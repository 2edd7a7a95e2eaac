"""Problems as users read them: one line per distinct warning of a build."""

from __future__ import annotations

import pytest

from briefpress.core.errors import (
    BriefpressError,
    Location,
    Problem,
    grouped_warnings,
    raise_if_errors,
)


def warning(file: str, message: str, hint: str | None = None, line: int | None = None) -> Problem:
    return Problem(Location(file, line), message, hint, severity="warning")


def test_a_warning_every_brief_and_edition_repeats_is_one_line() -> None:
    found = [
        (brief, warning(f"briefs/{brief}.yaml", "WeasyPrint: font subset by fontTools"))
        for brief in ("a", "b", "c", "d", "e")
        for _edition in ("screen", "print")
    ]
    assert grouped_warnings(found) == [
        "briefpress: warning: WeasyPrint: font subset by fontTools [5 briefs: a, b, c and 2 more]"
    ]


def test_a_warning_seen_at_one_place_keeps_it() -> None:
    shared = warning("reports/r/quotes.yaml", "stigmatising term", "say 'people'", line=4)
    single = warning("briefs/a.yaml", "no catalog for 'xx'")
    lines = grouped_warnings([("a", shared), ("a", single), ("b", shared)])
    assert lines == [
        "reports/r/quotes.yaml:4: warning: stigmatising term (say 'people') [2 briefs: a, b]",
        "briefs/a.yaml: warning: no catalog for 'xx'",
    ]


def test_distinct_warnings_stay_apart_and_errors_are_left_out() -> None:
    found = [
        ("a", warning("briefs/a.yaml", "font Noto Sans")),
        ("a", warning("briefs/a.yaml", "font Noto Serif")),
        ("a", Problem(Location("briefs/a.yaml", 3), "over max_pages 1")),
    ]
    assert grouped_warnings(found) == [
        "briefs/a.yaml: warning: font Noto Sans",
        "briefs/a.yaml: warning: font Noto Serif",
    ]


def test_problems_with_and_without_a_line_sort_together() -> None:
    """A file's own problem (no line) beside its located ones: sorting never compares None
    with a number, and the file's lines come first."""
    whole = Problem(Location("briefpress.yaml"), "no mail: settings")
    line3 = Problem(Location("briefpress.yaml", 3, 3), "unknown field 'hots'")
    line2 = Problem(Location("briefpress.yaml", 2), "expected text")
    other = Problem(Location("a.csv", 9, 1), "missing email")
    assert sorted([whole, line3, other, line2]) == [other, line2, line3, whole]
    assert sorted([whole.location, line3.location]) == [line3.location, whole.location]
    with pytest.raises(BriefpressError) as raised:
        raise_if_errors([whole, line3, line2])
    assert raised.value.problems == [line2, line3, whole]

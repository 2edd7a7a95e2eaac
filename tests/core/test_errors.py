"""Problems as users read them: one line per distinct warning of a build."""

from __future__ import annotations

from briefpress.core.errors import Location, Problem, grouped_warnings


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

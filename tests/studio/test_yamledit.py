"""A change made in the studio is the change a careful person makes in an editor."""

from __future__ import annotations

import difflib

import pytest

from briefpress.studio import yamledit

QUOTES = """\
# Quotes, as the report prints them.
quotes:
  - id: q1
    order: 1
    text: "It was: a catastrophe!"   # verbatim
    country: arcadia
    attribution: 'Respondent [Arcadia]'
    section: "4.1"
    themes: [policing]
    organisation: null

  - id: q2
    order: 2
    text: "Second."
    country: arcadia
    attribution: "Respondent [Arcadia]"
    section: "4.2"
    themes:
      - fines
    note: null
"""


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_one_changed_field_is_a_one_line_diff() -> None:
    after = yamledit.edit_record(QUOTES, "quotes", "q1", {"themes": ["policing", "fines"]})
    assert changed_lines(QUOTES, after) == [
        "-    themes: [policing]",
        "+    themes: [policing, fines]",
    ]


def test_block_lists_nulls_comments_and_blank_lines_are_kept() -> None:
    after = yamledit.edit_record(QUOTES, "quotes", "q2", {"themes": ["fines", "policing"]})
    assert changed_lines(QUOTES, after) == ["+      - policing"]
    after = yamledit.edit_record(QUOTES, "quotes", "q2", {"note": "Said twice: once in 4.2."})
    assert changed_lines(QUOTES, after) == [
        "-    note: null",
        '+    note: "Said twice: once in 4.2."',
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [("Fines", "Fines"), ("no", '"no"'), ("Title: colon", '"Title: colon"'), ("2019", '"2019"')],
)
def test_new_text_is_quoted_only_when_yaml_needs_it(value: str, written: str) -> None:
    text = "themes:\n  - id: t\n    name: Old\n"
    assert yamledit.edit_record(text, "themes", "t", {"name": value}).splitlines()[2] == (
        f"    name: {written}"
    )


def test_a_written_field_loses_its_to_write_marker() -> None:
    text = 'findings:\n  - id: f\n    headline: "TO WRITE"  # TO WRITE: the headline\n'
    after = yamledit.edit_record(text, "findings", "f", {"headline": "Fines went up"})
    after = yamledit.clear_markers(text, after)
    assert after.splitlines()[2] == '    headline: "Fines went up"'


def test_an_unknown_record_is_an_edit_error() -> None:
    with pytest.raises(yamledit.EditError, match="no record 'q9'"):
        yamledit.edit_record(QUOTES, "quotes", "q9", {"themes": []})


def test_a_new_brief_field_goes_where_the_readme_lists_it() -> None:
    from briefpress.studio.compose import changed_text

    spec = 'report: r\nkind: country\nplace: x\ntitle: "T"  # ours\nsections:\n  - name: q\n'
    after = changed_text(spec, {"subtitle": "Sub: colon", "max_pages": 3})
    assert changed_lines(spec, after) == ['+subtitle: "Sub: colon"', "+max_pages: 3"]
    assert after.index("subtitle") > after.index("# ours") and after.index(
        "max_pages"
    ) < after.index("sections")

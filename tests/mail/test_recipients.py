"""The recipients file: checked in one streaming pass, read again in each pass that uses it."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest

from briefpress.core.errors import BriefpressError
from briefpress.mail.recipients import Recipient, load_recipients
from briefpress.mail.tables import MAX_LINE

HEADER = "name,title,organisation,address,language,email\n"


def rows(count: int, start: int = 1) -> str:
    return "".join(
        f'"Person {i} (SAMPLE)",MP,Parliament,"{i} Sample Street\nSample City",en,'
        f"p{i}@example.org\n"
        for i in range(start, start + count)
    )


def messages(problems: list[object]) -> list[str]:
    return [str(p) for p in problems]


def test_a_checked_file_is_read_again_each_time_and_gives_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + rows(5), encoding="utf-8")
    recipients, problems = load_recipients(path, "r.csv", "en")
    assert problems == []
    first, second = list(recipients), list(recipients)
    assert len(recipients) == 5 and first == second
    assert [(r.row, r.loc.line, r.name) for r in first[:2]] == [
        (1, 2, "Person 1 (SAMPLE)"),
        (2, 4, "Person 2 (SAMPLE)"),
    ]
    assert first[4].address == "5 Sample Street\nSample City"
    assert recipients.languages["en"].count == 5


def test_rows_are_not_all_held_while_a_file_is_read(tmp_path: Path) -> None:
    """A pass yields one recipient at a time: at no point are the file's rows all alive."""
    path = tmp_path / "r.csv"
    path.write_text(HEADER + rows(2000), encoding="utf-8")
    recipients, problems = load_recipients(path, "streamed.csv", "en")
    assert problems == [] and len(recipients) == 2000
    alive = []
    for recipient in recipients:
        if recipient.row % 500 == 0:
            alive.append(
                sum(
                    # type(), not isinstance(): a dead weak proxy another test left in
                    # gc's lists raises on isinstance, and is never a Recipient
                    type(o) is Recipient and o.loc.file == "streamed.csv"
                    for o in gc.get_objects()
                )
            )
    assert len(alive) == 4 and max(alive) <= 3, alive


def test_a_file_changed_after_it_was_checked_stops_the_pass(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + rows(3), encoding="utf-8")
    recipients, _ = load_recipients(path, "r.csv", "en")
    path.write_text(HEADER + rows(3) + rows(1, start=4), encoding="utf-8")  # a row more
    with pytest.raises(BriefpressError, match=r"r\.csv: error: the file changed while"):
        list(recipients)
    path.write_text(HEADER + rows(1) + ",MP,P,Street,en,\n", encoding="utf-8")  # a bad row
    with pytest.raises(BriefpressError, match="the file changed while"):
        list(recipients)
    path.unlink()
    with pytest.raises(BriefpressError) as error:
        list(recipients)
    assert str(error.value) == (
        "r.csv: error: the file cannot be read again: No such file or directory"
        " (nothing was replaced; run it again)"
    )


def test_a_pipe_is_read_once_and_kept(tmp_path: Path) -> None:
    """`--recipients <(make-list)`: a pipe cannot be read twice, so its bytes are kept."""
    read, write = os.pipe()
    data = (HEADER + rows(3)).encode()
    writer = threading.Thread(target=lambda: (os.write(write, data), os.close(write)))
    writer.start()
    try:
        recipients, problems = load_recipients(Path(f"/dev/fd/{read}"), "list", "en")
    finally:
        writer.join()
        os.close(read)
    assert problems == []
    assert [r.row for r in recipients] == [r.row for r in recipients] == [1, 2, 3]


def test_problems_of_a_streamed_file_keep_their_rows_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        (HEADER + rows(2)).encode()
        + b'"Bad \xe9 (SAMPLE)",MP,P,"9 Street",en,\n'  # line 6, row 3: Latin-1
        + b"\n"  # a blank line between rows
        + b'"Person 1 (SAMPLE)",MP,Parliament,"1 Sample Street\nSample City",en,\n'  # row 4
        + b'"Other (SAMPLE)",MP,P,"8 Street",en,P2@Example.org\n'  # row 5, line 10
    )
    _, problems = load_recipients(path, "r.csv", "en")
    assert messages(problems) == [
        "r.csv:6:6: error: not valid UTF-8 (byte 0xe9) (row 3)"
        " (save the file as 'CSV UTF-8' in your spreadsheet)",
        "r.csv:8: error: duplicate of row 1 on line 2 (row 4)"
        " (remove one: the same person would get two letters)",
        "r.csv:10: error: the address 'p2@example.org' is also in row 2 on line 4 (row 5)"
        " (one row per address: the same inbox would get the letter twice)",
    ]


def test_old_mac_line_ends_are_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(HEADER.replace("\n", "\r").encode() + b"A (SAMPLE),MP,P,1 Street,en,\r")
    recipients, problems = load_recipients(path, "r.csv", "en")
    assert problems == [] and [r.name for r in recipients] == ["A (SAMPLE)"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfen\x00a\x00", "r.csv:1: error: the file is UTF-16, not UTF-8"),
        (HEADER.encode() + b"A,B,C,D\x00,en,\n", "r.csv:2: error: the file contains a NUL"),
        (HEADER.encode() + b"x" * (MAX_LINE + 1), "r.csv:2: error: line 2 is longer than"),
        (b"", "r.csv:1: error: the file is empty"),
        (HEADER.encode(), "r.csv: error: no recipients in the file"),
    ],
)
def test_a_file_that_is_not_a_table_is_one_clear_problem(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    _, problems = load_recipients(path, "r.csv", "en")
    assert [m[: len(expected)] for m in messages(problems)] == [expected]


def test_an_address_in_one_rows_email_and_anothers_cc_is_one_inbox(tmp_path: Path) -> None:
    """Whatever the case, and whether it is in email or cc: a second copy is refused."""
    path = tmp_path / "r.csv"
    path.write_text(
        "name,title,organisation,address,email,cc\n"
        "A (SAMPLE),MP,P,1 Street,a@example.org,office@example.org\n"  # line 2
        "B (SAMPLE),MP,P,2 Street,b@example.org,A@Example.ORG\n"  # line 3: row 1's email
        "C (SAMPLE),MP,P,3 Street,Office@example.org,\n"  # line 4: row 1's cc
        "D (SAMPLE),MP,P,4 Street,d@example.org,x@example.org;X@EXAMPLE.org\n"  # line 5
        "E (SAMPLE),MP,P,5 Street,e@example.org,E@example.org\n",  # line 6
        encoding="utf-8",
    )
    _, problems = load_recipients(path, "r.csv", "en", need_email=True)
    assert [str(p).split(" (one row")[0] for p in problems] == [
        "r.csv:3: error: the address 'a@example.org' is also in row 1 on line 2 (row 2)",
        "r.csv:4: error: the address 'office@example.org' is also in row 1 on line 2 (row 3)",
        "r.csv:5: error: cc repeats the address 'X@EXAMPLE.org' (row 4)",
        "r.csv:6: error: cc repeats the address 'E@example.org' (row 5)",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana\u2028Maria (SAMPLE)", "name contains U+2028 LINE SEPARATOR (row 1)"),
        ("Ana\u2029 (SAMPLE)", "name contains U+2029 PARAGRAPH SEPARATOR (row 1)"),
        ("Ana\u0085 (SAMPLE)", "name contains U+0085 control character (row 1)"),
        ("Ana\x1b[31m (SAMPLE)", "name contains U+001B control character (row 1)"),
        ("A" * 1200, "the name is 1,200 characters long, over 200 (row 1)"),
    ],
)
def test_a_name_that_cannot_be_printed_or_sent_is_a_problem_of_its_row(
    tmp_path: Path, name: str, expected: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + f'"{name}",MP,P,1 Street,en,a@example.org\n', encoding="utf-8")
    _, problems = load_recipients(path, "r.csv", "en")
    assert len(problems) == 1 and str(problems[0]).startswith(f"r.csv:2: error: {expected}")

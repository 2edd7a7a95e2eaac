"""Folders briefpress owns, leftovers of killed runs, and inputs read safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefpress.core.errors import BriefpressError
from briefpress.core.files import (
    OWNER_FILE,
    check_replaceable,
    claim_folder,
    clean_stale,
    clean_temporaries,
    is_owned,
    read_input,
    replace_folder,
    staged_folder,
    write_atomic,
)


def dead_pid() -> int:
    """The id of a process that has ended (a real child, waited for)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_claiming_creates_and_marks_a_new_folder(tmp_path: Path) -> None:
    folder = claim_folder(tmp_path / "a" / "b")
    assert folder.is_dir() and is_owned(folder)
    assert "briefpress" in (folder / OWNER_FILE).read_text()


def test_an_empty_folder_is_taken_and_a_marked_one_is_ours(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert is_owned(claim_folder(tmp_path / "empty"))
    (tmp_path / "empty" / "x.pdf").write_bytes(b"mine now")
    claim_folder(tmp_path / "empty")  # marked: no refusal, nothing touched
    assert (tmp_path / "empty" / "x.pdf").read_bytes() == b"mine now"


def test_a_folder_with_files_and_no_marker_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "manifest.csv").write_text("not a mailing")
    with pytest.raises(BriefpressError) as caught:
        claim_folder(tmp_path / "notes", "notes/", "letters --out")
    message = str(caught.value)
    assert message.startswith("notes/: error: letters --out: the folder exists")
    assert OWNER_FILE in message and "choose a new or empty folder" in message
    assert not is_owned(tmp_path / "notes")
    assert (tmp_path / "notes" / "manifest.csv").read_text() == "not a mailing"


def test_a_file_is_refused_and_a_legacy_folder_can_be_adopted(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(BriefpressError, match="this is a file, not a folder"):
        claim_folder(tmp_path / "file")
    legacy = tmp_path / "out"
    legacy.mkdir()
    (legacy / ".briefpress-cache.json").write_text("{}")
    claim_folder(legacy, adopt=lambda f: (f / ".briefpress-cache.json").is_file())
    assert is_owned(legacy)


def test_a_marker_that_is_a_link_does_not_count(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("x")
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "data.txt").write_text("keep")
    (folder / OWNER_FILE).symlink_to(elsewhere)
    assert not is_owned(folder)
    with pytest.raises(BriefpressError):
        claim_folder(folder)


def test_a_staged_folder_replaces_an_owned_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "mailing"
    with staged_folder(target) as staging:
        (staging / "one.pdf").write_bytes(b"1")
    assert is_owned(target) and (target / "one.pdf").read_bytes() == b"1"
    with staged_folder(target) as staging:
        (staging / "two.pdf").write_bytes(b"2")
    assert sorted(p.name for p in target.iterdir()) == [OWNER_FILE, "two.pdf"]
    assert [p.name for p in tmp_path.iterdir()] == ["mailing"]  # no staging, no old copy


def test_a_failed_or_interrupted_stage_leaves_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "mailing"
    with staged_folder(target) as staging:
        (staging / "old.pdf").write_bytes(b"old")
    for error in (RuntimeError("a letter failed"), KeyboardInterrupt()):
        with pytest.raises(type(error)), staged_folder(target) as staging:
            (staging / "new.pdf").write_bytes(b"half")
            raise error
        assert sorted(p.name for p in target.iterdir()) == [OWNER_FILE, "old.pdf"]
        assert [p.name for p in tmp_path.iterdir()] == ["mailing"]


def test_a_folder_briefpress_did_not_make_is_never_replaced(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "manifest.csv").write_text("stray")
    refused = pytest.raises(BriefpressError, match="was not made by briefpress")
    with refused, staged_folder(project):
        raise AssertionError("never reached: refused before any work")
    assert (project / ".git").is_dir() and (project / "manifest.csv").exists()
    staging = tmp_path / "staging"
    claim_folder(staging)
    with pytest.raises(BriefpressError):
        replace_folder(staging, project)  # refused at the last step too
    assert (project / ".git").is_dir()
    link = tmp_path / "link"
    link.symlink_to(project)
    with pytest.raises(BriefpressError, match="symbolic link"):
        check_replaceable(link)


def test_leftovers_of_killed_runs_are_cleaned_and_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "mailing"
    dead, alive = dead_pid(), os.getppid()
    stale = tmp_path / f".mailing.new-{dead}-abc"
    running = tmp_path / f".mailing.new-{alive}-abc"
    old = tmp_path / ".mailing.old-1-abc"
    foreign = tmp_path / f".mailing.new-{dead}-xyz"  # no marker: not ours, kept
    for folder in (stale, running, old):
        claim_folder(folder)
        (folder / "letter.pdf").write_bytes(b"x")
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    assert sorted(p.name for p in clean_stale(target)) == sorted([stale.name, old.name])
    assert running.is_dir() and foreign.is_dir() and not stale.exists() and not old.exists()


def test_temporary_files_of_dead_writers_are_removed(tmp_path: Path) -> None:
    write_atomic(tmp_path / "sub" / "a.pdf", b"whole")
    dead = tmp_path / "sub" / f".a.pdf.{dead_pid()}-k2j_x9.tmp"
    mine = tmp_path / "sub" / f".b.pdf.{os.getpid()}-k2j_x9.tmp"
    dead.write_bytes(b"half")
    mine.write_bytes(b"being written")
    assert clean_temporaries(tmp_path) == [dead]
    assert mine.exists() and (tmp_path / "sub" / "a.pdf").read_bytes() == b"whole"


def test_inputs_must_be_regular_files_of_sane_size(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as caught:
        read_input(fifo, 100)  # returns at once: a pipe with no writer is never waited on
    assert caught.value.strerror == "it is a named pipe, not a file"
    with pytest.raises(OSError, match="a device"):
        read_input(Path("/dev/zero"), 100)
    with pytest.raises(OSError, match="a folder"):
        read_input(tmp_path, 100)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 101)
    with pytest.raises(OSError, match="too large"):
        read_input(big, 100)
    assert read_input(big, 101) == b"x" * 101

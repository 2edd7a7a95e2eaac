"""Random sequences of edits, deletions, damage to out/ and builds always end where a
clean build of the same inputs ends: the same PDFs, byte for byte, and no others, save
one by design: a PDF whose record was lost with a garbled cache and whose spec is gone
stays (briefpress deletes only outputs it recorded making)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpress.build.builder import build
from briefpress.build.cache import CACHE_FILE

FIXTURE = Path(__file__).parent.parent / "fixtures" / "project"
# Each input has two versions; q41-01 is quoted in the Arcadia brief only.
TITLE = ("no sanctions", "fewer sanctions")
QUOTE = ("not as harsh", "not as hard")
OPS = ("title", "quote", "remove-fines", "delete-pdf", "truncate-pdf", "garble-cache", "build")


class Inputs:
    """The project's inputs as three switches, written into a project folder."""

    def __init__(self) -> None:
        self.title, self.quote, self.fines = 0, 0, True

    def key(self) -> tuple[int, int, bool]:
        return self.title, self.quote, self.fines

    def write(self, root: Path) -> None:
        spec, quotes = "briefs/arcadia.yaml", "reports/mini-report/quotes.yaml"
        text = (FIXTURE / spec).read_text().replace(TITLE[0], TITLE[self.title])
        (root / spec).write_text(text)
        text = (FIXTURE / quotes).read_text().replace(QUOTE[0], QUOTE[self.quote])
        (root / quotes).write_text(text)
        fines = root / "briefs/fines.yaml"
        if self.fines and not fines.exists():
            shutil.copy(FIXTURE / "briefs/fines.yaml", fines)
        elif not self.fines:
            fines.unlink(missing_ok=True)


def pdfs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "out").glob("*.pdf"))}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project edited at random, and one where each state is built from scratch."""
    base = tmp_path_factory.mktemp("random-edits")
    for name in ("work", "clean"):
        shutil.copytree(FIXTURE, base / name, ignore=shutil.ignore_patterns("out"))
    return base / "work", base / "clean"


CLEAN: dict[tuple[int, int, bool], dict[str, bytes]] = {}


def clean_build(clean: Path, inputs: Inputs) -> dict[str, bytes]:
    """The PDFs a build from an empty out/ makes of these inputs (remembered per state)."""
    if inputs.key() not in CLEAN:
        inputs.write(clean)
        shutil.rmtree(clean / "out", ignore_errors=True)
        build(clean, jobs=1)
        CLEAN[inputs.key()] = pdfs(clean)
    return CLEAN[inputs.key()]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.booleans()), max_size=4))
def test_any_sequence_of_edits_and_builds_ends_as_a_clean_build(
    folders: tuple[Path, Path], steps: list[tuple[str, bool]]
) -> None:
    work, clean = folders
    shutil.rmtree(work / "out", ignore_errors=True)  # each example from nothing built:
    inputs = Inputs()  # hypothesis can then replay a failing example exactly
    inputs.write(work)
    forgotten: set[str] = set()  # PDFs in out/ when the cache lost its records of them
    for op, flag in steps:
        target = work / "out" / ("arcadia.pdf" if flag else "fines.pdf")
        if op == "title":
            inputs.title = 1 - inputs.title
        elif op == "quote":
            inputs.quote = 1 - inputs.quote
        elif op == "remove-fines":
            inputs.fines = not inputs.fines
        elif op == "delete-pdf":
            target.unlink(missing_ok=True)
        elif op == "truncate-pdf" and target.exists():
            target.write_bytes(target.read_bytes()[:100])
        elif op == "garble-cache" and (work / "out").is_dir():
            (work / "out" / CACHE_FILE).write_bytes(
                b'{"arcadia:screen": {"key": 1}' if flag else b""
            )
            forgotten |= set(pdfs(work))
        inputs.write(work)
        if op == "build":
            build(work, jobs=1)
            assert_clean(work, clean_build(clean, inputs), forgotten, steps)
    build(work, jobs=1)
    assert_clean(work, clean_build(clean, inputs), forgotten, steps)


def assert_clean(
    work: Path, expected: dict[str, bytes], forgotten: set[str], steps: list[tuple[str, bool]]
) -> None:
    """out/ holds what a clean build makes, and nothing else but forgotten PDFs of specs
    that are gone (a brief built again is recorded again, and so no longer forgotten)."""
    forgotten.difference_update(expected)
    made = pdfs(work)
    assert {name: pdf for name, pdf in made.items() if name not in forgotten} == expected, steps

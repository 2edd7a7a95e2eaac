"""One cache truth: a watcher's rebuilds and full builds share what they trust.

A watcher (``build --watch``, ``serve``) rebuilds one brief at a time; a full build may
skip rendering altogether when nothing changed since the last clean build. Whatever
the order of edits, undos, watcher rebuilds and full builds, no PDF is ever reported
up to date unless it is the PDF a clean build of the files as they are now would make.

WeasyPrint is replaced here by a stand-in that writes a digest of the brief's HTML:
the property is about what the cache trusts, and the stand-in makes each step cost
milliseconds instead of seconds (the CLI tests build real PDFs).
"""

from __future__ import annotations

import functools
import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpress.build import builder
from briefpress.build.builder import PdfJob, build
from briefpress.build.noop import unchanged_build
from briefpress.build.results import BriefResult
from briefpress.core.errors import Problem
from briefpress.live import watch
from briefpress.live.watch import Affected, LiveBuilder
from briefpress.render.html import make_environment

FIXTURE = Path(__file__).parent.parent / "fixtures" / "project"
EDITS = {
    "arcadia": ('title: "Arcadia: no sanctions"', 'title: "Arcadia: fewer sanctions"'),
    "fines": ('title: "Fines"', 'title: "Fines and fees"'),
}
BRIEFS = tuple(EDITS)


def stand_in(job: PdfJob) -> tuple[int, list[Problem], bool]:
    """A "PDF" that is the digest of the brief's HTML: stale when the HTML moved on."""
    job.output.parent.mkdir(parents=True, exist_ok=True)
    job.output.write_bytes(hashlib.sha256(job.rendered.html.encode()).digest())
    return 1, [], True


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in for WeasyPrint, and templates compiled once per project folder (no
    template changes here) rather than once per build."""
    monkeypatch.setattr(builder, "make_pdf", stand_in)
    monkeypatch.setattr(builder, "make_environment", ENVIRONMENTS)
    monkeypatch.setattr(watch, "make_environment", ENVIRONMENTS)


ENVIRONMENTS = functools.cache(make_environment)


def write_state(root: Path, state: dict[str, bool]) -> None:
    for brief, (before, after) in EDITS.items():
        spec = root / "briefs" / f"{brief}.yaml"
        text = (FIXTURE / "briefs" / f"{brief}.yaml").read_text(encoding="utf-8")
        spec.write_text(text.replace(before, after) if state[brief] else text, encoding="utf-8")


EXPECTED: dict[tuple[bool, ...], dict[str, bytes]] = {}


def expected(clean: Path, state: dict[str, bool]) -> dict[str, bytes]:
    """What a build from an empty out/ writes for these inputs."""
    key = tuple(state[b] for b in BRIEFS)
    if key not in EXPECTED:
        write_state(clean, state)
        shutil.rmtree(clean / "out", ignore_errors=True)
        build(clean, jobs=1)
        EXPECTED[key] = {b: (clean / "out" / f"{b}.pdf").read_bytes() for b in BRIEFS}
    return EXPECTED[key]


def assert_trusted(results: list[BriefResult], want: dict[str, bytes], steps: object) -> None:
    """Every brief reported up to date (or built) holds what a clean build would make."""
    for result in results:
        if result.failed(False):
            continue
        assert result.output.read_bytes() == want[result.brief.id], (result.brief.id, steps)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("one-truth")
    for name in ("work", "clean"):
        shutil.copytree(FIXTURE, base / name, ignore=shutil.ignore_patterns("out"))
    return base / "work", base / "clean"


OPS = st.one_of(
    st.tuples(st.sampled_from(["edit", "undo", "watch"]), st.sampled_from(BRIEFS)),
    st.tuples(st.sampled_from(["watch-all", "build", "no-op"]), st.just("")),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(OPS, max_size=6))
def test_no_stale_pdf_is_ever_called_up_to_date(
    folders: tuple[Path, Path], steps: list[tuple[str, str]], fast: None
) -> None:
    work, clean = folders
    shutil.rmtree(work / "out", ignore_errors=True)
    state = dict.fromkeys(BRIEFS, False)
    write_state(work, state)
    build(work, jobs=1)  # a clean build, then a watcher starts
    watcher = LiveBuilder(work)
    watcher.rebuild(Affected.all())
    for op, brief in steps:
        if op in ("edit", "undo"):
            state[brief] = op == "edit"
            write_state(work, state)
            continue
        if op == "watch":
            results = watcher.rebuild(Affected(briefs={brief})).results
        elif op == "watch-all":
            results = watcher.rebuild(Affected.all()).results
        elif op == "no-op":  # `briefpress build` when it answers without loading anything
            results = unchanged_build(work, None, (), False, False) or []
        else:
            results = build(work, jobs=1)
        assert_trusted(results, expected(clean, state), steps)
    assert_trusted(build(work, jobs=1), expected(clean, state), steps)


def test_an_edit_built_by_the_watcher_then_undone_is_rebuilt(
    folders: tuple[Path, Path], fast: None
) -> None:
    """The case seen in use: clean build; edit, the watcher rebuilds; undo; full build."""
    work, clean = folders
    shutil.rmtree(work / "out", ignore_errors=True)
    state = dict.fromkeys(BRIEFS, False)
    write_state(work, state)
    build(work, jobs=1)
    watcher = LiveBuilder(work)
    write_state(work, {**state, "arcadia": True})
    watcher.rebuild(Affected(briefs={"arcadia"}))
    write_state(work, state)  # undone, and the watcher has not caught up yet
    results = build(work, jobs=1)
    assert {r.brief.id: r.fresh for r in results} == {"arcadia": False, "fines": True}
    assert_trusted(results, expected(clean, state), "edit, watch, undo, build")

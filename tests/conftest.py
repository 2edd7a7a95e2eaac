"""Shared fixtures: a copy of the small fixture project and an in-process CLI runner."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from briefpress.cli import main

TESTS = Path(__file__).parent
FIXTURE = TESTS / "fixtures" / "project"
# A second report of another shape: cities, no typology, no facts, a logo.
CITIES = TESTS / "fixtures" / "cities"
REPO = TESTS.parent
SEED = REPO.parent / "shared" / "seeds" / "000_f3237e55bf94ab5f.txt"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


def build_states(result: Result) -> dict[str, str]:
    """brief id -> "built" or "fresh", from a build's output lines."""
    found = {}
    for line in result.out.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("built", "fresh"):
            found[Path(rest.split()[0]).stem] = word
    return found


def run_cli(args: list[str]) -> Result:
    """Run ``briefpress`` in-process, as a user would from a shell."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project that a test may change."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("out"))
    (target / "out").mkdir(exist_ok=True)
    return target


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    """The fixture project as ``briefpress build`` leaves it, built once per session (for
    :func:`built_project`), with the date its briefs print."""
    from briefpress.render.html import build_date

    root = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    result = run_cli(["-C", str(root), "build"])
    assert result.code == 0, result.output
    return root, build_date()


@pytest.fixture
def built_project(project: Path, built_once: tuple[Path, dt.date]) -> Path:
    """The test's fixture project copy after a ``briefpress build``, for tests whose
    subject comes after that first build: its out/ is a copy of one build made per session
    (the build cache trusts it, being the very bytes it recorded), built again here only if
    the printed date has changed since."""
    from briefpress.render.html import build_date

    source, day = built_once
    shutil.rmtree(project / "out")
    shutil.copytree(source / "out", project / "out")
    if build_date() != day:
        result = run_cli(["-C", str(project), "build"])
        assert result.code == 0, result.output
    return project


@pytest.fixture
def cities(tmp_path: Path) -> Path:
    """A fresh copy of the cities fixture project that a test may change."""
    target = tmp_path / "cities"
    shutil.copytree(CITIES, target, ignore=shutil.ignore_patterns("out"))
    return target


@pytest.fixture
def cli(project: Path) -> Callable[..., Result]:
    """``cli("build", "arcadia")`` runs briefpress on the fixture project copy."""

    def invoke(*args: str) -> Result:
        return run_cli(["-C", str(project), *args])

    return invoke


@pytest.fixture
def seed() -> Path:
    if not SEED.exists():
        pytest.skip(f"the report text is not at {SEED} (needs ../shared beside the repo)")
    return SEED


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture project copy shared by a module's tests (for fuzzing, where a copy per
    example would be slow); tests may only add files they own."""
    target = tmp_path_factory.mktemp("shared") / "project"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("out"))
    return target


def copy_shipped(root: Path) -> Path:
    """The shipped project (briefs, reports, templates, styles, config) copied to ``root``,
    for tests that build it without touching the repository's own out/."""
    for name in ("briefs", "reports", "templates", "styles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "briefpress.yaml", root / "briefpress.yaml")
    return root


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The shipped project copied aside and built once per session, every edition, with
    each PDF's HTML beside it: the brief tests, the edition tests, the conformance tests,
    the web tests and the translated-brief tests (tests/render/test_i18n.py) read it."""
    from briefpress.build.builder import build

    root = copy_shipped(tmp_path_factory.mktemp("shipped"))
    results = build(root, editions=("all",), write_html=True, jobs=2)
    return {
        "root": root,
        "results": {r.brief.id: r for r in results if r.edition == "screen"},
        "print": {r.brief.id: r for r in results if r.edition == "print"},
    }

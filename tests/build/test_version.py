"""A project remembers which briefpress built it; a new version says whether the look changed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import briefpress
from briefpress.build import cache
from briefpress.build.version import VERSION_FILE, recorded
from briefpress.render.html import build_date
from conftest import run_cli

BUILD = ["build", "handout", "overview", "-j", "1"]


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    """A new project with two of its briefs built, made once for this module's tests,
    and the date the briefs print."""
    root = tmp_path_factory.mktemp("demo") / "demo"
    assert run_cli(["init", str(root)]).code == 0
    assert run_cli(["-C", str(root), *BUILD]).code == 0
    return root, build_date()


@pytest.fixture
def built(demo_once: tuple[Path, dt.date], tmp_path: Path) -> Path:
    """The test's own copy of that project (the build cache trusts the copied outputs),
    built again only if the printed date has changed since."""
    source, day = demo_once
    root = tmp_path / "demo"
    shutil.copytree(source, root, symlinks=True)
    if build_date() != day:
        assert run_cli(["-C", str(root), *BUILD]).code == 0
    return root


def _as_if_newer(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """This briefpress claims ``version``: the cache then rebuilds every brief, as a
    real upgrade would."""
    monkeypatch.setattr(briefpress, "__version__", version)
    monkeypatch.setattr(cache, "__version__", version)


def test_a_build_records_its_version(built: Path) -> None:
    assert recorded(built / "out") == briefpress.__version__
    saved = json.loads((built / "out" / VERSION_FILE).read_text(encoding="utf-8"))
    assert saved == {"briefpress": briefpress.__version__}
    again = run_cli(["-C", str(built), "build", "handout"])
    assert "note:" not in again.err  # the same version: nothing to say


def test_a_newer_version_says_when_the_pages_look_the_same(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = recorded(built / "out")
    _as_if_newer(monkeypatch, "99.0.0")
    result = run_cli(["-C", str(built), "build", "handout", "overview", "-j", "1"])
    assert result.code == 0, result.output
    assert f"note: built by briefpress {before} before; this is 99.0.0:" in result.err
    assert "the 2 PDF(s) rebuilt look the same as before" in result.err
    assert recorded(built / "out") == "99.0.0"
    again = run_cli(["-C", str(built), "build", "handout", "overview"])
    assert "note:" not in again.err


def test_a_newer_version_names_the_briefs_whose_look_changed(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = recorded(built / "out")
    _as_if_newer(monkeypatch, "99.0.0")
    # Another brand colour stands in for what a new version may change in the theme.
    config = built / "briefpress.yaml"
    text = config.read_text(encoding="utf-8").replace('primary: "#1d3557"', 'primary: "#7a1d57"')
    config.write_text(text, encoding="utf-8")
    result = run_cli(["-C", str(built), "build", "handout", "overview", "-j", "1"])
    assert result.code == 0, result.output
    assert f"note: built by briefpress {before} before; this is 99.0.0:" in result.err
    assert "the look of" in result.err and "out/handout.pdf" in result.err


def test_build_json_carries_the_note(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as_if_newer(monkeypatch, "99.0.0")
    result = run_cli(["-C", str(built), "build", "--json", "handout", "-j", "1"])
    assert result.code == 0, result.output
    assert "this is 99.0.0: the 1 PDF(s) rebuilt look the same" in json.loads(result.out)["note"]

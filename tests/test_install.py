"""Installed as users install it: the wheel that ``make dist`` builds, in a fresh venv.

The venv is made in a temporary folder and briefpress is installed into it from the
wheel alone; its dependencies come from the test venv's site-packages through a path
file (a plain path line: that folder's own .pth files, the editable install of the
repository among them, are not read). Commands then run with the current folder outside
the repository and no PYTHONPATH, so every template, font and catalog they use must have
travelled in the wheel. Their PDFs are compared with those built from the source tree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, run_cli

SRC = REPO / "src"
# The wheel alone: its dependencies are already there, and nothing is downloaded.
PIP_OFFLINE = ("--no-deps", "--no-index", "--disable-pip-version-check")
SPAWNED_BUILD = (
    "import multiprocessing, sys\n"
    "multiprocessing.set_start_method('spawn')\n"
    "from briefpress.cli import main\n"
    "main(['-C', sys.argv[1], 'build', '-j', '2'])\n"
)


def _dist_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dist", REPO / "scripts" / "dist.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel, built as ``make dist`` builds them."""
    sdist, wheel = _dist_module().build_dist(tmp_path_factory.mktemp("dist"))
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the wheel installed (and nothing of the repo)."""
    home = tmp_path_factory.mktemp("tool")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    shared = sysconfig.get_path("purelib")  # the dependencies, already installed
    Path(purelib, "dependencies.pth").write_text(shared + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            *PIP_OFFLINE,
            dist[1],
        ],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin"


def _tool(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [bin_dir / "briefpress", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _shipped_files() -> set[str]:
    """Every file of the package in the source tree, as a path inside the wheel."""
    return {
        path.relative_to(SRC).as_posix()
        for path in (SRC / "briefpress").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_and_the_sdist_hold_every_file_of_the_package(dist: tuple[Path, Path]) -> None:
    sdist, wheel = dist
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert _shipped_files() - in_wheel == set()
    assert not [name for name in in_wheel if "__pycache__" in name or name.endswith(".pyc")]
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"src/{name}" for name in _shipped_files()} - in_sdist == set()
    assert {"pyproject.toml", "README.md", "CHANGELOG.md"} <= in_sdist


def _pdf_texts(out: Path) -> dict[str, tuple[int, str]]:
    found = {}
    for pdf in sorted(out.glob("*.pdf")):
        reader = PdfReader(pdf)
        text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
        found[pdf.name] = (len(reader.pages), text)
    return found


def test_the_installed_tool_starts_and_builds_a_project_as_the_clone_does(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _tool(installed, elsewhere, "--debug", "--version")
    assert where.returncode == 0, where.stderr
    assert "0." in where.stdout
    module = subprocess.run(
        [installed / "python", "-c", "import briefpress; print(briefpress.__file__)"],
        cwd=elsewhere,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(module).is_relative_to(installed.parent), module

    assert _tool(installed, elsewhere, "init", "demo").returncode == 0
    demo = elsewhere / "demo"
    built = _tool(installed, demo, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    checked = _tool(installed, demo, "check", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["ok"] is True and report["problems"] == []

    # The source tree's build, its workers started as macOS and Windows start them
    # (spawn: a fresh interpreter each, nothing inherited), the installed one's forked.
    clone = tmp_path / "clone"
    assert run_cli(["init", str(clone)]).code == 0
    spawned = subprocess.run(
        [sys.executable, "-c", SPAWNED_BUILD, str(clone)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert spawned.returncode == 0, spawned.stdout + spawned.stderr
    mine, theirs = _pdf_texts(demo / "out"), _pdf_texts(clone / "out")
    assert len(mine) >= 4 and mine.keys() == theirs.keys()
    for name, (pages, text) in mine.items():
        assert (pages, text) == theirs[name], name
        # Builds are reproducible: the same bytes, installed or not, forked or spawned.
        assert (demo / "out" / name).read_bytes() == (clone / "out" / name).read_bytes(), name


def _docker_lines() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_container_installs_what_a_build_needs() -> None:
    """The image is not built here (no container engine); what it installs is checked."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import system_deps
    finally:
        sys.path.pop(0)
    lines = _docker_lines()
    (apt,) = [line for line in lines if "apt-get install" in line]
    packages = set(apt.split("apt-get install", 1)[1].split("&&")[0].split())
    needed = {*system_deps.PANGO_PACKAGES, *system_deps.SUBSET_PACKAGES}
    fonts = set(getattr(system_deps, "FONT_PACKAGES", ()))  # the scripts beyond the brand's
    assert needed | fonts | {"fonts-noto-core", "fonts-noto-cjk"} <= packages
    assert lines[0].startswith("FROM python:3.11-slim-")
    assert "WORKDIR /project" in lines and 'ENTRYPOINT ["briefpress"]' in lines
    assert any("--require-hashes" in line and "requirements.lock" in line for line in lines)
    assert any("scripts/dist.py" in line for line in lines if line.startswith("RUN"))


def test_the_container_build_context_holds_what_the_wheel_is_made_from() -> None:
    let_in = {
        line[1:].rstrip("/")
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    sources = {*_dist_module().SOURCES, "requirements.lock", "scripts/dist.py"}
    assert sources <= let_in
    copied = set()
    for line in _docker_lines():
        if line.startswith("COPY") and "--from" not in line:
            copied.update(line.split()[1:-1])
    assert copied <= let_in | {"scripts/dist.py"}


def test_the_readme_starts_with_the_users_install() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sections = [line for line in readme.splitlines() if line.startswith("## ")]
    assert sections[:2] == ["## Install", "## Quick start for contributors"]
    first = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "uv tool install" in first and "pipx install" in first
    assert "briefpress init demo && cd demo && briefpress build" in first
    assert "make build" in readme and "make test" in readme

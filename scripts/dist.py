"""Build the sdist and the wheel into dist/ (``make dist``), as ``python -m build`` would.

    python scripts/dist.py [OUT_DIR]

The sdist is built from a copy of the files it needs, then unpacked, and the wheel is
built from the unpacked sdist: so a file the sdist leaves out (a font, a template, a new
folder of web assets) is missing from the wheel too, and the test that installs the
wheel (tests/test_install.py) notices. Nothing is written into the repository: the build
back end's scratch folders (build/, *.egg-info) stay in a temporary folder.

It calls setuptools' PEP 517 back end in the running Python, with the locked setuptools
of the venv, so it needs no network and no ``build`` package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What the sdist is made from: the package, its metadata, and the files MANIFEST.in names.
SOURCES = ("pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in", "src")
SCRATCH = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _backend(hook: str, source: Path, out: Path) -> Path:
    """Run one PEP 517 hook of setuptools in ``source``; the path of the file it made."""
    code = f"import sys\nfrom setuptools import build_meta\nprint(build_meta.{hook}(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    )
    return out / done.stdout.strip().splitlines()[-1]


def build_dist(out: Path, repo: Path = REPO) -> tuple[Path, Path]:
    """Write the sdist and the wheel of ``repo`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefpress-dist-") as scratch:
        copy = Path(scratch, "source")
        copy.mkdir()
        for name in SOURCES:
            path = repo / name
            if path.is_dir():
                shutil.copytree(path, copy / name, ignore=SCRATCH)
            elif path.is_file():
                shutil.copy2(path, copy / name)
        sdist = _backend("build_sdist", copy, out.resolve())
        unpacked = Path(scratch, "unpacked")
        with tarfile.open(sdist) as archive:
            archive.extractall(unpacked, filter="data")
        (top,) = unpacked.iterdir()
        wheel = _backend("build_wheel", top, out.resolve())
    return sdist, wheel


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "dist"
    try:
        sdist, wheel = build_dist(out)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr or "")
        sys.exit(f"dist: the build back end failed ({exc.returncode})")
    for path in (sdist, wheel):
        print(f"built {path} ({path.stat().st_size / 1_048_576:.1f} MB)")


if __name__ == "__main__":
    main()

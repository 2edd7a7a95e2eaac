"""Regenerate docs/pages/: page images of one brief of each kind, in each of the theme's
layouts (`make images`), and under docs/pages/scripts/ the first page of the handout in
each script (and two letters) of the scripts fixture (tests/fixtures/scripts, built into
the cities fixture project).

The images are committed, so a change in the look of a brief shows up in review
as a changed picture, not only as changed CSS. The project's own layout is drawn from
the project itself; each other layout from a copy of it whose briefpress.yaml chooses
that layout (`layout:`), and named <brief>-<layout>-<page>.png.

`python scripts/page_images.py --scripts` redraws only docs/pages/scripts/.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from briefpress.build.builder import build
from briefpress.build.thumbs import render_png
from briefpress.data.load import load_project
from briefpress.data.model import LAYOUTS

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "docs" / "pages"
SAMPLES = ["portugal", "theme-stigma", "overview-models", "handout-full-decriminalisation",
           "letter-policymakers"]  # fmt: skip
WIDTH = 620
SCRIPTS = REPO / "tests" / "fixtures" / "scripts" / "briefs"
CITIES = REPO / "tests" / "fixtures" / "cities"


def script_pages() -> int:
    """Page one of each script's handout and two letters, as docs/pages/scripts/<id>.png."""
    target = PAGES / "scripts"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        shutil.copytree(CITIES, root, ignore=shutil.ignore_patterns("out"))
        for spec in SCRIPTS.glob("*.yaml"):
            shutil.copy(spec, root / "briefs")
        # Every script's handout; letters in a right-to-left script and in Japanese.
        ids = [*sorted(s.stem for s in SCRIPTS.glob("handout-*.yaml")), "letter-ar", "letter-ja"]
        results = build(root, ids, editions=("screen",), jobs=2)
        failed = [r.brief.id for r in results if r.failed(strict=False)]
        if failed:
            print(f"could not build: {', '.join(failed)}", file=sys.stderr)
            return 1
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("*.png"):
            old.unlink()
        for result in results:
            image = target / f"{result.brief.id}.png"
            image.write_bytes(render_png(result.output, 0, WIDTH))
            print(f"wrote {image.relative_to(REPO)}")
    return 0


def copy_with_layout(target: Path, layout: str) -> Path:
    """The project in ``target``, its briefpress.yaml choosing ``layout``."""
    for name in ("reports", "briefs", "templates", "styles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    config = (REPO / "briefpress.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^layout:.*$", "", config) + f"\nlayout: {layout}\n"
    (target / "briefpress.yaml").write_text(config, encoding="utf-8")
    return target


def draw(root: Path, suffix: str) -> list[Path]:
    results = build(root, SAMPLES, editions=("screen",))
    failed = [r.brief.id for r in results if r.failed(strict=False)]
    if failed:
        raise SystemExit(f"could not build: {', '.join(failed)}")
    written = []
    for result in results:
        for index in range(result.pages):
            target = PAGES / f"{result.brief.id}{suffix}-{index + 1}.png"
            target.write_bytes(render_png(result.output, index, WIDTH))
            written.append(target)
    return written


def main(argv: list[str]) -> int:
    """All page images; with ``--scripts`` only those under docs/pages/scripts/."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    if "--scripts" in argv:
        return script_pages()
    PAGES.mkdir(parents=True, exist_ok=True)
    for old in PAGES.glob("*.png"):
        old.unlink()
    own = load_project(REPO).config.layout
    written = draw(REPO, "")
    for layout in (lo for lo in LAYOUTS if lo != own):
        with tempfile.TemporaryDirectory() as folder:
            written += draw(copy_with_layout(Path(folder), layout), f"-{layout}")
    for target in written:
        print(f"wrote {target.relative_to(REPO)}")
    return script_pages()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

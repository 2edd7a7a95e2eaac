"""Regenerate docs/pages/: page images of one brief of each kind, in each of the theme's
layouts (`make images`).

The images are committed, so a change in the look of a brief shows up in review
as a changed picture, not only as changed CSS. The project's own layout is drawn from
the project itself; each other layout from a copy of it whose briefpress.yaml chooses
that layout (`layout:`), and named <brief>-<layout>-<page>.png.
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


def main() -> int:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

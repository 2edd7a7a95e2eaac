"""Regenerate docs/pages/: page images of one brief of each kind (`make images`).

The images are committed, so a change in the look of a brief shows up in review
as a changed picture, not only as changed CSS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefpress.build.builder import build
from briefpress.build.thumbs import render_png

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "docs" / "pages"
SAMPLES = ["portugal", "theme-stigma", "overview-models", "handout-full-decriminalisation",
           "letter-policymakers"]  # fmt: skip
WIDTH = 620


def main() -> int:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    results = build(REPO, SAMPLES, editions=("screen",))
    failed = [r.brief.id for r in results if r.failed(strict=False)]
    if failed:
        print(f"could not build: {', '.join(failed)}", file=sys.stderr)
        return 1
    PAGES.mkdir(parents=True, exist_ok=True)
    for old in PAGES.glob("*.png"):
        old.unlink()
    for result in results:
        for index in range(result.pages):
            target = PAGES / f"{result.brief.id}-{index + 1}.png"
            target.write_bytes(render_png(result.output, index, WIDTH))
            print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The size of each script's briefs, and what renumbering the CJK fonts costs
(`make bench-scripts`; docs/benchmarks.md, "Every script"). Not a test.

Builds the handout and the letter of every language of the scripts fixture
(tests/fixtures/scripts) in a temporary copy of the cities project, screen edition,
and prints each PDF's size. For the Chinese, Japanese and Korean ones it also prints
the size WeasyPrint's own output would have (the finished PDF with its fonts as
WeasyPrint embeds them: the same finishing, without the renumbering) and the CPU time
the renumbering takes (pdf/compact.py), best of three.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "tests" / "fixtures" / "scripts" / "briefs"
CITIES = REPO / "tests" / "fixtures" / "cities"
CJK = ("zh", "ja", "ko")


def unrenumbered(brief_id: str, root: Path) -> bytes:
    """The brief built again in this process with the renumbering switched off."""
    from briefpress.build.builder import build

    with mock.patch("briefpress.pdf.finish.compact_fonts", lambda doc: None):
        (result,) = build(root, [brief_id], editions=("screen",), force=True, jobs=1)
    return result.output.read_bytes()


def renumbering_time(data: bytes) -> float:
    import pikepdf

    from briefpress.pdf.compact import compact_fonts

    best = float("inf")
    for _ in range(3):
        with pikepdf.open(io.BytesIO(data)) as doc:
            start = time.process_time()
            compact_fonts(doc)
            best = min(best, time.process_time() - start)
    return best


def main() -> int:
    from briefpress.build.builder import build

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        shutil.copytree(CITIES, root, ignore=shutil.ignore_patterns("out"))
        ids = sorted(spec.stem for spec in SCRIPTS.glob("*-*.yaml") if spec.stem[:2] != "co")
        for brief_id in ids:
            shutil.copy(SCRIPTS / f"{brief_id}.yaml", root / "briefs")
        results = {r.brief.id: r for r in build(root, ids, editions=("screen",), jobs=2)}
        print(f"{'brief':<12} {'size':>8}  without renumbering  renumbering (CPU)")
        sizes = {i: r.output.stat().st_size for i, r in results.items() if r.written}
        for brief_id in ids:
            if brief_id not in sizes:
                print(f"{brief_id:<12} not built")
                continue
            line = f"{brief_id:<12} {sizes[brief_id] / 1000:>6.0f} kB"
            if brief_id.split("-", 1)[1] in CJK:
                before = unrenumbered(brief_id, root)
                seconds = renumbering_time(before)
                line += f"  {len(before) / 1000:>10.0f} kB  {seconds:>12.2f} s"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

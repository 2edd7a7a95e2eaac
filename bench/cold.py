"""The cold build against an earlier commit's, on this machine (`make bench-cold`). Not a test.

The designed briefs may cost at most 1.3x the build of the round they were asked for in
(docs/benchmarks.md, "Designed briefs"). Both trees build the shipped project they carry
(34 briefs, screen edition, `build --force -j 2`) in a fresh copy, with the same Python
and libraries (this checkout's .venv), one after the other and in turns, so that a busy
spell of a shared machine falls on both. Wall time and CPU time (user + system, of the
build and its workers) are printed for each run, with the medians and their ratio.

    python bench/cold.py [--against c3ec594] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUND_START = "c3ec594"  # the tree when the designed briefs were asked for (#28)
PROJECT = ("briefs", "reports", "templates", "styles", "briefpress.yaml")


def export(commit: str, target: Path) -> Path:
    """The commit's source and shipped project, unpacked in ``target``."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "src", *PROJECT],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def cold_build(tree: Path, scratch: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one cold build of ``tree``'s project, in a fresh copy."""
    project = Path(tempfile.mkdtemp(dir=scratch))
    for name in PROJECT:
        source = tree / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy(source, project / name)
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "briefpress", "build", "--force", "--edition", "screen"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*command, "-j", "2"], cwd=project, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    shutil.rmtree(project)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=ROUND_START, help="the earlier commit")
    parser.add_argument("--runs", type=int, default=3, help="builds of each tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch_name:
        scratch = Path(scratch_name)
        trees = {args.against: export(args.against, scratch / "earlier"), "this tree": REPO}
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for run in range(1, args.runs + 1):
            for name, tree in trees.items():
                wall, cpu = cold_build(tree, scratch)
                figures[name].append((wall, cpu))
                print(f"run {run}  {name:>10}: wall {wall:5.1f} s, CPU {cpu:5.1f} s", flush=True)
        medians = {
            name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for name, runs in figures.items()
        }
        for name, (wall, cpu) in medians.items():
            print(f"median {name:>10}: wall {wall:5.1f} s, CPU {cpu:5.1f} s")
        (old_wall, old_cpu), (new_wall, new_cpu) = medians.values()
        ratio = max(new_wall / old_wall, new_cpu / old_cpu)
        print(
            f"this tree / {args.against}: {new_wall / old_wall:.2f}x wall, "
            f"{new_cpu / old_cpu:.2f}x CPU (target 1.3x: {'met' if ratio <= 1.3 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()

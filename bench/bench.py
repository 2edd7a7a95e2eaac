"""Benchmark of the build against the plain pipeline (`make bench`). Not a test.

Everything runs in one go on this machine, in a temporary copy of the project,
so the ratios compare like with like:

1. plain pipeline: each `out/<id>.html` rendered by the `weasyprint` command,
   one process per brief, one after another;
2. briefpress cold (`build --force`);
3. briefpress no-op (nothing changed);
4. latency from a one-line edit of a 4-page brief to its new PDF in watch mode;
5. peak memory of a worker process;
6. the shipped set at 1x, 4x and 16x its size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BRIEFPRESS = [sys.executable, "-m", "briefpress"]


def copy_project(target: Path, copies: int = 1) -> Path:
    """The shipped project in ``target``, with each brief repeated ``copies`` times."""
    for name in ("reports", "templates", "styles"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "briefpress.yaml", target)
    (target / "briefs").mkdir()
    for spec in sorted((REPO / "briefs").glob("*.yaml")):
        for n in range(copies):
            suffix = "" if n == 0 else f"-x{n}"
            # A distinct title per copy keeps every copy's content hash distinct.
            text = spec.read_text(encoding="utf-8")
            if n:
                text = text.replace('title: "', f'title: "({n}) ', 1)
            (target / "briefs" / f"{spec.stem}{suffix}.yaml").write_text(text, encoding="utf-8")
    return target


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def plain_pipeline(project: Path) -> float:
    """The `weasyprint` command on each brief's HTML, one process after another."""
    out = project / "out"
    target = project / "plain"
    target.mkdir(exist_ok=True)
    pages = sorted(out.glob("*.html"))
    start = time.perf_counter()
    for html in pages:
        subprocess.run(
            [str(BIN / "weasyprint"), str(html), str(target / f"{html.stem}.pdf")],
            cwd=out,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def peak_worker_memory(project: Path) -> float:
    """Peak resident memory (MB) of the largest child process of a cold build."""
    code = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({[*BRIEFPRESS, 'build', '--force']!r}, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44} {value:>12}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,4,16", help="brief set multiples to time")
    parser.add_argument(
        "--noop-only", action="store_true", help="only the no-op build (3.), after one build"
    )
    args = parser.parse_args()
    if args.noop_only:
        noop_only()
        return
    scales = [int(s) for s in args.scales.split(",")]
    print(f"briefpress benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="briefpress-bench-") as tmp:
        project = copy_project(Path(tmp) / "p1")
        briefs = len(list((project / "briefs").glob("*.yaml")))
        cold = timed([*BRIEFPRESS, "build", "--force", "--html"], project)
        plain = plain_pipeline(project)
        cold = min(cold, timed([*BRIEFPRESS, "build", "--force"], project))
        noop = min(timed([*BRIEFPRESS, "build"], project) for _ in range(3))
        latency = watch_latency(project)
        memory = peak_worker_memory(project)
        print(f"\n{briefs} briefs (screen edition)")
        row("1. plain pipeline (weasyprint per brief)", f"{plain:.2f} s")
        row(
            "2. briefpress cold (--force)",
            f"{cold:.2f} s",
            f"{cold / plain:.2f}x plain (target <= 0.30x)",
        )
        row("3. briefpress no-op", f"{noop:.2f} s", "(target <= 0.5 s)")
        row(
            "4. edit to new PDF in watch mode",
            f"{latency:.2f} s" if latency else "n/a",
            "(target <= 1.2 s)",
        )
        row("5. peak memory per worker", f"{memory:.0f} MB", "(target <= 250 MB)")
        print("\n6. scaling (cold builds)")
        base = None
        for scale in scales:
            scaled = copy_project(Path(tmp) / f"s{scale}", scale)
            n = len(list((scaled / "briefs").glob("*.yaml")))
            seconds = timed([*BRIEFPRESS, "build", "--force"], scaled)
            per = seconds / n
            base = base or per
            row(
                f"{scale}x: {n} briefs",
                f"{seconds:.1f} s",
                f"{per:.3f} s per brief ({per / base:.2f}x the 1x rate)",
            )
            shutil.rmtree(scaled)


def noop_only(tries: int = 5) -> None:
    """The no-op build alone: wall time (best of ``tries``) and the CPU time it took."""
    with tempfile.TemporaryDirectory(prefix="briefpress-bench-") as tmp:
        project = copy_project(Path(tmp) / "p1")
        briefs = len(list((project / "briefs").glob("*.yaml")))
        subprocess.run([*BRIEFPRESS, "build"], cwd=project, check=True, stdout=subprocess.DEVNULL)
        walls, cpus = [], []
        for _ in range(tries):
            before = os.times()
            walls.append(timed([*BRIEFPRESS, "build"], project))
            after = os.times()
            cpus.append(sum(after[i] - before[i] for i in (2, 3)))  # children's user + system
        print(f"\n{briefs} briefs (screen edition), load average {os.getloadavg()[0]:.1f}")
        row("3. briefpress no-op", f"{min(walls):.2f} s", "(target <= 0.5 s)")
        row("   its CPU time (user + system)", f"{min(cpus):.2f} s")


def watch_latency(project: Path, brief: str = "portugal", tries: int = 3) -> float | None:
    """Seconds from a one-line spec edit to the new PDF, with `build --watch` running."""
    pdf = project / "out" / f"{brief}.pdf"
    spec = project / "briefs" / f"{brief}.yaml"
    process = subprocess.Popen(
        [*BRIEFPRESS, "build", "--watch"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)  # the first pass: everything is fresh, the worker warms up
        if process.poll() is not None:
            return None
        best = None
        for attempt in range(tries):
            before = pdf.stat().st_mtime_ns
            text = spec.read_text(encoding="utf-8")
            spec.write_text(text.replace('title: "', f'title: "{attempt}', 1), encoding="utf-8")
            start = time.perf_counter()
            while pdf.stat().st_mtime_ns == before:
                if time.perf_counter() - start > 60:
                    return None
                time.sleep(0.01)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
            time.sleep(1.5)
        return best
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()

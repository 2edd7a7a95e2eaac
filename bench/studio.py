"""Benchmark of the studio's edit-to-preview loop (`make bench-studio`). Not a test: it
prints figures for docs/benchmarks.md ("Studio").

In a temporary copy of the shipped project, ``briefpress studio --port 0`` runs as a
user starts it. The preview of one 4-page brief is opened once (as the composer does
when the page loads); then, ~20 times, a change is saved through the JSON API as the page
saves it, and the clock runs until the updated preview is on the page: the preview's
JSON (the brief rebuilt) and the picture of its first page. Half the changes are to the
brief's spec (its subtitle), half to the report's data (the headline of a finding the
brief shows), which touches every brief of the report: only the one previewed is
built. Median and 95th percentile are printed with the targets (1.5 s and 3 s on
2 cores), and the number of other briefs that were built (should be 0).

Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
URL_RE = re.compile(r"(http://127\.0\.0\.1:\d+/)")
MEDIAN_TARGET, P95_TARGET = 1.5, 3.0


def copy_project(target: Path) -> None:
    for name in ("briefs", "reports", "templates", "styles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "briefpress.yaml", target / "briefpress.yaml")


def start(project: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-u", "-m", "briefpress", "-C", str(project), "studio"]
    process = subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = URL_RE.search(line)
            if match:
                found.put(match.group(1))

    threading.Thread(target=pump, daemon=True).start()
    return process, found.get(timeout=60)


def call(url: str, method: str = "GET", body: Any = None, token: str = "") -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-CSRF-Token", token)
    with urllib.request.urlopen(request, timeout=120) as response:
        raw = response.read()
    return json.loads(raw) if response.headers.get_content_type() == "application/json" else raw


def first_finding(base: str, brief_id: str) -> tuple[str, str]:
    brief = call(f"{base}api/briefs/{brief_id}")
    findings = next(s for s in brief["sections"] if s["from"] == "findings" and s["ids"])
    return brief["report"], findings["ids"][0]


def change(base: str, token: str, brief_id: str, report: str, finding: str, n: int) -> None:
    """One save as the page makes it: the brief's subtitle, or a finding's headline."""
    if n % 2 == 0:
        body = {"subtitle": f"What respondents said (version {n})"}
        call(f"{base}api/briefs/{brief_id}", "PATCH", body, token)
        return
    items = call(f"{base}api/reports/{report}/findings")["items"]
    headline = next(i["headline"] for i in items if i["id"] == finding)
    headline = re.sub(r" \(v\d+\)$", "", headline) + f" (v{n})"
    call(f"{base}api/reports/{report}/findings/{finding}", "PATCH", {"headline": headline}, token)


PARTS: dict[str, list[float]] = {"save": [], "build": [], "picture": []}


def timed(part: str, started: float) -> float:
    now = time.perf_counter()
    PARTS[part].append(now - started)
    return now


def preview(base: str, brief_id: str) -> int:
    """What the composer does after a save: the preview's state, then its first page."""
    started = time.perf_counter()
    state = call(f"{base}api/briefs/{brief_id}/preview")
    if not state["pdf"]:
        raise SystemExit(f"the preview failed: {state['problems']}")
    started = timed("build", started)
    call(f"{base}api/briefs/{brief_id}/page/1.png?v={state['stamp']}")
    timed("picture", started)
    return int(state["pages"])


def measure(project: Path, brief_id: str, changes: int) -> None:
    process, base = start(project)
    try:
        token = call(f"{base}api/session")["csrf_token"]
        report, finding = first_finding(base, brief_id)
        started = time.perf_counter()
        pages = preview(base, brief_id)
        for part in PARTS.values():
            part.clear()
        print(f"first preview of {brief_id} ({pages} pages): {time.perf_counter() - started:.2f} s")
        times, cpu = [], []
        for n in range(changes):
            used = cpu_seconds(process.pid)
            started = time.perf_counter()
            change(base, token, brief_id, report, finding, n)
            timed("save", started)
            preview(base, brief_id)
            times.append(time.perf_counter() - started)
            cpu.append(cpu_seconds(process.pid) - used)
        others = sorted(p.stem for p in (project / "out").glob("*.pdf") if p.stem != brief_id)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report_figures(times, cpu, others)


def verdict(value: float, target: float) -> str:
    return f"{value:.2f} s (target {target} s): {'met' if value <= target else 'NOT met'}"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux), 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report_figures(times: list[float], cpu: list[float], others: list[str]) -> None:
    ordered = sorted(times)
    median = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    spec, data = statistics.median(times[0::2]), statistics.median(times[1::2])
    print(f"{len(times)} changes, save to updated preview:")
    print(f"  median {verdict(median, MEDIAN_TARGET)}")
    print(f"  p95    {verdict(p95, P95_TARGET)}")
    print(f"  median of brief-spec changes {spec:.2f} s, of report-data changes {data:.2f} s")
    print(f"  slowest {ordered[-1]:.2f} s, fastest {ordered[0]:.2f} s")
    parts = ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in PARTS.items())
    print(f"  median of each part: {parts}")
    print(f"  CPU time of the studio a change: median {statistics.median(cpu):.2f} s")
    print(f"  load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    listed = f" ({', '.join(others)})" if others else ""
    print(f"other briefs built meanwhile: {len(others)}{listed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brief", default="estonia", help="a 4-page brief of the project")
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as folder:
        project = Path(folder) / "project"
        copy_project(project)
        measure(project, args.brief, args.changes)


if __name__ == "__main__":
    main()

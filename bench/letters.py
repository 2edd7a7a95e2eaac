"""Benchmark of `briefpress letters` against rendering every letter and brief from scratch
(`make bench-letters`). Not a test: it prints figures for docs/benchmarks.md.

In a temporary copy of the project, a letter that accompanies a 4-page brief is mailed
to 1,000 and 10,000 generated, fictional recipients (Latin, Vietnamese and Cyrillic
names), in the screen and the print edition. Then:

1. briefpress: `briefpress letters` as a user runs it (a fresh process, with nothing
   built yet, so every run renders its brief too), timed from start to the finished
   folder, with the CPU time of its processes (cores kept busy = CPU time / wall time)
   and the peak memory of the whole process tree (the command and its workers), sampled
   ten times a second: the sum of the processes' PSS, which counts a page they share
   once, and their RSS sum beside it, which counts it in each;
2. from scratch: for each of a sample of recipients, the letter and the whole brief are
   rendered with WeasyPrint (one warm renderer, in-process: the best case for this
   approach) and joined into one PDF. Its mean time per recipient is extrapolated to
   all recipients, on as many cores as briefpress used, as if it scaled perfectly.

Last, each target of the mailing-scale issue is printed with its figure, met or not.

Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 5.0


# Fictional recipients, a language a row: its code, given names and family names, then
# (on the row's second line) a title, an organisation and a city.
SCRIPTS = """
en | Alex, Sam, Jordan, Robin, Charlie | Sample, Example, Specimen, Placeholder
   | Member of Parliament | Sample Parliament | Sample City
es | María, José, Lucía, Andrés, Inés | Ejemplo, Muestra, Modelo, Prueba
   | Diputada | Asamblea de Ejemplo | San José
pt | João, Conceição, Gonçalo, Inês, Sebastião | Exemplo, Amostra, Modelo, Ensaio
   | Deputado | Assembleia de Exemplo | Lisboa
vi | Văn Mẫu, Thị Hồng, Đức Anh, Minh Thư, Quốc Bảo | Nguyễn, Trần, Lê, Phạm, Hoàng
   | Đại biểu Quốc hội | Quốc hội Mẫu | Hà Nội
ru | Иван, Анна, Сергей, Ольга, Дмитрий | Образцов, Примерова, Шаблонов, Тестова
   | Депутат | Образцовый парламент | Бишкек
"""
# The table's rows, each as its six fields.
ROWS = [
    [field.strip() for field in row.split("|")]
    for row in SCRIPTS.strip().replace("\n   |", " |").splitlines()
]


def recipients(count: int) -> list[dict[str, str]]:
    """``count`` distinct fictional recipients, cycling through the scripts."""
    rows = []
    for i in range(count):
        language, given_names, family_names, title, organisation, city = ROWS[i % len(ROWS)]
        given, family = given_names.split(", "), family_names.split(", ")
        first, last = given[(i // 5) % len(given)], family[(i // 25) % len(family)]
        name = f"{last} {first}" if language == "vi" else f"{first} {last}"
        rows.append(
            {
                "name": f"{name} (SAMPLE {i + 1})",
                "title": title,
                "organisation": organisation,
                "address": f"{i + 1} Sample Street\n{city}",
                "language": language,
            }
        )
    return rows


def write_recipients(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["name", "title", "organisation", "address", "language"])
        writer.writeheader()
        writer.writerows(rows)


def make_project(target: Path, brief_id: str) -> Path:
    """The shipped project's data and theme, a letter that accompanies ``brief_id``."""
    for name in ("reports", "templates", "styles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "briefpress.yaml", target)
    (target / "briefs").mkdir()
    shutil.copy(REPO / "briefs" / f"{brief_id}.yaml", target / "briefs")
    letter = (REPO / "briefs" / "letter-policymakers.yaml").read_text(encoding="utf-8")
    letter = letter.replace("accompanies: overview-models", f"accompanies: {brief_id}")
    (target / "briefs" / "letter-policymakers.yaml").write_text(letter, encoding="utf-8")
    return target


@dataclass
class Run:
    """One `briefpress letters` run: wall time, CPU time and peak memory of its processes."""

    recipients: int
    edition: str
    seconds: float
    cpu: float
    peak_mb: float  # PSS sum of the process tree
    peak_rss_mb: float  # RSS sum (shared pages counted in each process)

    @property
    def per_second(self) -> float:
        return self.recipients / self.seconds

    @property
    def cpu_ms_per_letter(self) -> float:
        return self.cpu / self.recipients * 1000


def tree_pids(root_pid: int) -> list[int]:
    """A process and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_memory(root_pid: int) -> tuple[int, int]:
    """Resident bytes of a process tree, as the sum of each process's RSS and of its PSS.

    RSS counts a page shared by several processes once in each of them: the workers are
    forked from the command and share its imported modules and the libraries (Python,
    Pango, HarfBuzz), so the RSS sum counts those two or three times over. PSS (the
    proportional set size, /proc/PID/smaps_rollup) divides each shared page among the
    processes sharing it, so the PSS sum is the memory the tree takes from the machine.
    """
    rss = pss = 0
    for pid in tree_pids(root_pid):
        try:
            statm = Path(f"/proc/{pid}/statm").read_text().split()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue  # ended meanwhile
        rss += int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
        pss += next(
            int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:")
        )
    return rss, pss


def run_briefpress(
    project: Path, recipients_file: Path, jobs: int, edition: str, count: int
) -> Run:
    """`briefpress letters` as a user runs it, watched: wall time, CPU, peak tree memory."""
    command = [str(Path(sys.executable).parent / "briefpress"), "-C", str(project)]
    command += ["letters", "letter-policymakers", "--recipients", str(recipients_file)]
    command += ["--jobs", str(jobs), "--edition", edition]
    cpu_before = children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = tree_memory(process.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"briefpress letters failed ({process.returncode})")
    cpu = children_cpu() - cpu_before
    return Run(count, edition, seconds, cpu, peak_pss / 1e6, peak_rss / 1e6)


def from_scratch_per_recipient(project: Path, rows: list[dict[str, str]], brief_id: str) -> float:
    """Mean seconds to render one letter and the whole brief and join them, warm."""
    import pikepdf

    from briefpress import editions
    from briefpress.build.builder import warm_renderer
    from briefpress.core.errors import Location
    from briefpress.mail.letters import load_mailing
    from briefpress.mail.personal import personalise
    from briefpress.mail.recipients import Recipient
    from briefpress.render.html import build_date, render_brief

    loaded = load_mailing(project, "letter-policymakers")
    letter, brief = loaded.briefs["letter-policymakers"], loaded.briefs[brief_id]
    renderer = warm_renderer(project)
    today = build_date()

    def one(row: dict[str, str], n: int) -> None:
        who = Recipient(
            n,
            Location("sample"),
            row["name"],
            row["title"],
            row["organisation"],
            row["address"],
            None,
            row["language"],
            None,
        )
        parts = []
        for spec in (personalise(letter, who, today), brief):
            pdf, _, _, _ = renderer.render(render_brief(spec, loaded, editions.medium("screen")))
            parts.append(pdf)
        out = pikepdf.new()
        with contextlib.ExitStack() as stack:
            for part in parts:
                out.pages.extend(stack.enter_context(pikepdf.open(io.BytesIO(part))).pages)
            out.save(io.BytesIO())

    one(rows[0], 0)  # warm up: fonts, imports, caches
    start = time.perf_counter()
    for n, row in enumerate(rows, start=1):
        one(row, n)
    return (time.perf_counter() - start) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="recipient counts to run")
    parser.add_argument("--editions", default="screen,print")
    parser.add_argument("--sample", type=int, default=20, help="recipients made from scratch")
    parser.add_argument("--brief", default="vietnam", help="the accompanying brief (4 pages)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    editions = args.editions.split(",")

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="briefpress-bench-letters-") as tmp:
        project = make_project(Path(tmp) / "project", args.brief)
        for count in sizes:
            recipients_file = Path(tmp) / f"recipients-{count}.csv"
            write_recipients(recipients_file, recipients(count))
            for edition in editions:
                # Every run starts with nothing built: each renders its brief, as a first
                # mailing does, and runs of different sizes compare like for like.
                shutil.rmtree(project / "out", ignore_errors=True)
                runs.append(run_briefpress(project, recipients_file, args.jobs, edition, count))
                report(runs[-1])
        folder = project / "out" / "letters" / "letter-policymakers"
        built = [project / "out" / f"{args.brief}.pdf", project / "out/print" / f"{args.brief}.pdf"]
        brief_pages = page_count(next(path for path in built if path.exists()))
        mailing_pages = page_count(folder / "mailing.pdf")
        rows = recipients(sizes[0])
        sample = rows[:: max(1, len(rows) // args.sample)][: args.sample]
        per_recipient = from_scratch_per_recipient(project, sample, args.brief)

    print()
    print(
        f"machine: {len(os.sched_getaffinity(0))} cores; workers: {args.jobs}; "
        f"accompanying brief: {args.brief} ({brief_pages} pages); "
        f"last mailing.pdf: {mailing_pages} pages"
    )
    print(
        f"{'recipients':>10} {'edition':>7} {'wall s':>8} {'letters/s':>9} "
        f"{'CPU ms/letter':>13} {'cores busy':>10} {'peak PSS MB':>11} {'peak RSS MB':>11}"
    )
    for run in runs:
        print(
            f"{run.recipients:>10} {run.edition:>7} {run.seconds:>8.1f} {run.per_second:>9.1f} "
            f"{run.cpu_ms_per_letter:>13.0f} {run.cpu / run.seconds:>10.2f} "
            f"{run.peak_mb:>11.0f} {run.peak_rss_mb:>11.0f}"
        )
    first = next(r for r in runs if r.edition == "screen") if "screen" in editions else runs[0]
    scratch = per_recipient * first.recipients / args.jobs
    print(
        f"from scratch (screen): {per_recipient:.2f} s a recipient on one core, measured on "
        f"{len(sample)} recipients; extrapolated to {first.recipients} on {args.jobs} cores "
        f"(perfect scaling): {scratch:.0f} s, {scratch / first.seconds:.1f}x briefpress "
        f"(target {TARGET_RATIO:g}x)"
    )
    print()
    print("targets (peak memory: PSS sum of the process tree; see tree_memory):")
    for line in targets(runs, editions):
        print("  " + line)


def targets(runs: list[Run], editions: list[str]) -> list[str]:
    """Each target of the mailing-scale issue, with this run's figures and met or not."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    lines = []
    for run in runs:
        if run.edition == "screen" and run.recipients == 1000:
            ok = run.seconds <= 45
            lines.append(
                f"1,000 screen letters with their brief within 45 s: {run.seconds:.1f} s "
                f"on {run.cpu / run.seconds:.1f} busy cores, {verdict(ok)}"
            )
        if run.edition == "print":
            ok = run.cpu_ms_per_letter <= 150
            lines.append(
                f"print, {run.recipients} letters: {run.cpu_ms_per_letter:.0f} CPU ms a letter "
                f"(at most 150), {verdict(ok)}"
            )
    for edition in editions:
        mine = sorted((r for r in runs if r.edition == edition), key=lambda r: r.recipients)
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        times = large.seconds / small.seconds
        limit = 1.1 * large.recipients / small.recipients
        memory = large.peak_mb / small.peak_mb
        lines += [
            f"{edition}: {large.recipients} vs {small.recipients} recipients, time {times:.1f}x "
            f"(at most {limit:.0f}x), {verdict(times <= limit)}",
            f"{edition}: peak memory at {large.recipients} {large.peak_mb:.0f} MB (at most 300; "
            f"RSS sum {large.peak_rss_mb:.0f}), {memory:.2f}x the {small.recipients}-recipient "
            f"peak (at most 1.10x), {verdict(large.peak_mb <= 300 and memory <= 1.10)}",
        ]
    return lines


def report(run: Run) -> None:
    print(
        f"  {run.recipients} {run.edition} letters: {run.seconds:.1f} s, "
        f"{run.cpu_ms_per_letter:.0f} CPU ms a letter, peak {run.peak_mb:.0f} MB PSS "
        f"({run.peak_rss_mb:.0f} MB RSS)",
        flush=True,
    )


def children_cpu() -> float:
    """CPU seconds used by finished child processes and theirs (the pool's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def page_count(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


if __name__ == "__main__":
    main()

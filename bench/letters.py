"""Benchmark of `briefpress letters` against rendering every letter and brief from scratch
(`make bench-letters`). Not a test: it prints figures for docs/benchmarks.md.

In a temporary copy of the project, a letter that accompanies a 4-page brief is mailed
to 1,000 generated, fictional recipients (Latin, Vietnamese and Cyrillic names). Then:

1. briefpress: `briefpress letters` as a user runs it (a fresh process, an empty build
   cache, so the brief is rendered too), timed from start to the finished folder;
2. from scratch: for each of a sample of recipients, the letter and the whole brief are
   rendered with WeasyPrint (one warm renderer, in-process: the best case for this
   approach) and joined into one PDF. Its mean time per recipient is extrapolated to
   all recipients, on as many cores as briefpress used, as if it scaled perfectly.

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 5.0
TARGET_SECONDS = 90.0

# Fictional name parts: (given names, family names, title, organisation, city, language).
SCRIPTS = [
    (
        ["Alex", "Sam", "Jordan", "Robin", "Charlie"],
        ["Sample", "Example", "Specimen", "Placeholder"],
        "Member of Parliament",
        "Sample Parliament",
        "Sample City",
        "en",
    ),
    (
        ["María", "José", "Lucía", "Andrés", "Inés"],
        ["Ejemplo", "Muestra", "Modelo", "Prueba"],
        "Diputada",
        "Asamblea de Ejemplo",
        "San José",
        "es",
    ),
    (
        ["João", "Conceição", "Gonçalo", "Inês", "Sebastião"],
        ["Exemplo", "Amostra", "Modelo", "Ensaio"],
        "Deputado",
        "Assembleia de Exemplo",
        "Lisboa",
        "pt",
    ),
    (
        ["Văn Mẫu", "Thị Hồng", "Đức Anh", "Minh Thư", "Quốc Bảo"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"],
        "Đại biểu Quốc hội",
        "Quốc hội Mẫu",
        "Hà Nội",
        "vi",
    ),
    (
        ["Иван", "Анна", "Сергей", "Ольга", "Дмитрий"],
        ["Образцов", "Примерова", "Шаблонов", "Тестова"],
        "Депутат",
        "Образцовый парламент",
        "Бишкек",
        "ru",
    ),
]


def recipients(count: int) -> list[dict[str, str]]:
    """``count`` distinct fictional recipients, cycling through the scripts."""
    rows = []
    for i in range(count):
        given, family, title, organisation, city, language = SCRIPTS[i % len(SCRIPTS)]
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


def time_briefpress(project: Path, recipients_file: Path, jobs: int) -> float:
    """Wall time of the `briefpress letters` command, start to finished folder."""
    command = [str(Path(sys.executable).parent / "briefpress"), "-C", str(project)]
    command += ["letters", "letter-policymakers"]
    command += ["--recipients", str(recipients_file), "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def from_scratch_per_recipient(project: Path, rows: list[dict[str, str]], brief_id: str) -> float:
    """Mean seconds to render one letter and the whole brief and join them, warm."""
    import pikepdf

    from briefpress.build.builder import warm_renderer
    from briefpress.core.errors import Location
    from briefpress.mail.letters import load_mailing, personalise
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
            pdf, _, _ = renderer.render(render_brief(spec, loaded, "screen"))
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
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20, help="recipients made from scratch")
    parser.add_argument("--brief", default="vietnam", help="the accompanying brief (4 pages)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefpress-bench-letters-") as tmp:
        project = make_project(Path(tmp) / "project", args.brief)
        rows = recipients(args.recipients)
        recipients_file = Path(tmp) / "recipients.csv"
        write_recipients(recipients_file, rows)

        cpu_before = children_cpu()
        ours = time_briefpress(project, recipients_file, args.jobs)
        cpu = children_cpu() - cpu_before
        folder = project / "out" / "letters" / "letter-policymakers"
        brief_pages = page_count(project / "out" / f"{args.brief}.pdf")
        files = len(list(folder.glob("[0-9]*.pdf")))
        mailing_pages = page_count(folder / "mailing.pdf")
        mailing_mb = (folder / "mailing.pdf").stat().st_size / 1e6

        sample = rows[:: max(1, len(rows) // args.sample)][: args.sample]
        per_recipient = from_scratch_per_recipient(project, sample, args.brief)
        scratch = per_recipient * len(rows) / args.jobs

    print(f"machine: {len(os.sched_getaffinity(0))} cores; workers: {args.jobs}")
    print(
        f"briefpress used {cpu:.0f} s of CPU in {ours:.0f} s: {cpu / ours:.2f} cores busy on "
        f"average (well under {args.jobs} means other work shared the machine)"
    )
    print(f"recipients: {len(rows)}; accompanying brief: {args.brief} ({brief_pages} pages)")
    print(f"briefpress letters: {ours:.1f} s ({ours / len(rows) * 1000:.0f} ms a recipient)")
    print(f"  made {files} recipient PDFs, mailing.pdf {mailing_pages} pages ({mailing_mb:.1f} MB)")
    print(
        f"from scratch: {per_recipient:.2f} s a recipient on one core, measured on "
        f"{len(sample)} recipients; extrapolated to {len(rows)} on {args.jobs} cores "
        f"(perfect scaling): {scratch:.0f} s"
    )
    ratio = scratch / ours
    print(
        f"speed-up: {ratio:.1f}x (target {TARGET_RATIO:g}x); "
        f"{'under' if ours < TARGET_SECONDS else 'OVER'} {TARGET_SECONDS:g} s"
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

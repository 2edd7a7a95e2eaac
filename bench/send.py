"""Benchmark of `briefpress send` against a local SMTP server (`make bench-send`). Not a
test: it prints figures for docs/benchmarks.md.

In a temporary copy of the project, the letter `letter-policymakers` accompanies a
4-page brief and goes to generated, fictional recipients at example.org addresses
(1,000 and 10,000 by default: memory must not grow with them). For each size:

1. `briefpress letters` makes the letters (timed, for context);
2. `briefpress send --dry-run` writes every draft (checks and builds each message);
3. `briefpress send --yes` writes the drafts again and hands every message to an
   aiosmtpd server on 127.0.0.1 (no encryption: a relay on this machine), which counts
   the messages and bytes it receives and keeps none of them.

Each command runs as a user runs it, in a new process; its peak memory is that
process's maximum resident set size (wait4). Messages a second are those the send's
own summary reports for the sending phase; the wall time covers the whole command.
Nothing is sent anywhere but 127.0.0.1, nothing written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters import make_project, recipients

BRIEFPRESS = str(Path(sys.executable).parent / "briefpress")


@dataclass
class Counter:
    """An SMTP handler that counts what it receives and keeps nothing."""

    messages: int = 0
    bytes: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory in MB, and the output of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def measure(count: int, brief: str, jobs: int) -> dict[str, float]:
    from aiosmtpd.controller import Controller

    with tempfile.TemporaryDirectory(prefix="briefpress-bench-send-") as tmp:
        project = make_project(Path(tmp) / "project", brief)
        rows = recipients(count)
        people = Path(tmp) / "people.csv"
        with people.open("w", encoding="utf-8", newline="") as handle:
            columns = ["name", "title", "organisation", "address", "language", "email"]
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            for i, row in enumerate(rows):
                writer.writerow({**row, "email": f"sample-{i + 1}@example.org"})
        port = free_port()
        config = project / "briefpress.yaml"
        config.write_text(
            config.read_text(encoding="utf-8")
            + f"\nmail:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n"
            '  from: "Advocacy Team (SAMPLE) <team@example.org>"\n',
            encoding="utf-8",
        )
        base = [BRIEFPRESS, "-C", str(project)]
        letter = ["letter-policymakers", "--recipients", str(people)]
        made, _, _ = run([*base, "letters", *letter, "--jobs", str(jobs)])
        counter = Counter()
        controller = Controller(counter, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            dry, dry_mb, _ = run([*base, "send", *letter, "--dry-run"])
            sent, sent_mb, output = run([*base, "send", *letter, "--yes"])
        finally:
            controller.stop()
        rate = re.search(r"sent ([\d,]+) messages in ([\d.]+) s \(([\d.]+) a second\)", output)
        assert rate is not None, output
        folder = project / "out" / "letters" / "letter-policymakers"
        pdfs = list(folder.glob("[0-9]*.pdf"))
        return {
            "recipients": count,
            "letters_s": made,
            "dry_run_s": dry,
            "dry_run_mb": dry_mb,
            "send_s": sent,
            "send_mb": sent_mb,
            "received": counter.messages,
            "message_kb": counter.bytes / max(1, counter.messages) / 1024,
            "attachment_kb": sum(p.stat().st_size for p in pdfs) / len(pdfs) / 1024,
            "per_second": float(rate.group(3)),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--brief", default="vietnam", help="the accompanying brief (4 pages)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    print(f"machine: {len(os.sched_getaffinity(0))} cores; brief: {args.brief}")
    results = []
    for count in args.recipients:
        r = measure(count, args.brief, args.jobs)
        results.append(r)
        print(
            f"{r['recipients']:,} recipients: letters {r['letters_s']:.1f} s; "
            f"dry run {r['dry_run_s']:.1f} s, peak {r['dry_run_mb']:.0f} MB; "
            f"send {r['send_s']:.1f} s, peak {r['send_mb']:.0f} MB, "
            f"{r['per_second']:.1f} messages a second while sending; "
            f"server received {r['received']:,} messages of {r['message_kb']:.0f} kB "
            f"(attachment {r['attachment_kb']:.0f} kB)",
            flush=True,
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"peak memory at {large['recipients']:,} vs {small['recipients']:,} recipients: "
            f"dry run {large['dry_run_mb'] / small['dry_run_mb']:.2f}x, "
            f"send {large['send_mb'] / small['send_mb']:.2f}x "
            f"({large['send_mb'] - small['send_mb']:.0f} MB more for "
            f"{large['recipients'] - small['recipients']:,} more recipients)"
        )


if __name__ == "__main__":
    main()

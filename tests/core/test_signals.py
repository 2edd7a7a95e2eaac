"""SIGTERM and SIGHUP stop a command as Ctrl-C does, workers included (real signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# A program that starts two workers on jobs that would take a minute, reports their
# process ids, and reports how it ended: the cleanup path (KeyboardInterrupt) or not.
PROGRAM = textwrap.dedent(
    """
    import os, sys, time
    from briefpress.core.signals import interrupt_on_signals, worker_pool

    def slow(n):
        time.sleep(60)
        return n

    def pid(_):
        return os.getpid()

    if __name__ == "__main__":
        try:
            with interrupt_on_signals():
                with worker_pool(2) as pool:
                    pids = set(pool.map(pid, range(8)))
                    print("workers", *sorted(pids), flush=True)
                    list(pool.map(slow, range(4)))
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("cleaned up", flush=True)
            sys.exit(130)
    """
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\tZ" in status.read_text())  # a zombie has ended


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_takes_the_ctrl_c_path_and_ends_the_workers(
    tmp_path: Path, sig: signal.Signals
) -> None:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("workers"), line + process.stderr.read() if process.stderr else ""
    workers = [int(p) for p in line.split()[1:]]
    assert workers and all(alive(p) for p in workers)
    time.sleep(0.3)  # the slow jobs are running now
    started = time.monotonic()
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    took = time.monotonic() - started
    assert process.returncode == 130, err
    assert out.strip() == "cleaned up"
    assert "Traceback" not in err  # workers ignore Ctrl-C: no traceback per worker
    assert took < 8, f"stopping took {took:.1f} s"
    deadline = time.monotonic() + 5
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in workers), "a worker outlived the stop"


def test_handlers_are_restored_after_the_block() -> None:
    from briefpress.core.signals import interrupt_on_signals, interrupted

    before = signal.getsignal(signal.SIGTERM)
    with interrupt_on_signals():
        assert signal.getsignal(signal.SIGTERM) is not before
        assert not interrupted()
    assert signal.getsignal(signal.SIGTERM) is before

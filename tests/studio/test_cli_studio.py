"""``briefpress studio`` from the command line: this machine only, a free port, Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import run_cli

URL = re.compile(r"Studio open at (http://127\.0\.0\.1:\d+/)")


def test_other_hosts_are_refused_without_a_login(project: Path) -> None:
    result = run_cli(["-C", str(project), "studio", "--host", "0.0.0.0"])
    assert result.code == 1
    assert "listens on this machine only" in result.err and "Traceback" not in result.err


def test_port_0_picks_a_free_port_and_ctrl_c_stops_it(project: Path) -> None:
    code = "from briefpress.cli import main; main()"
    command = [sys.executable, "-u", "-c", code, "-C", str(project), "studio", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the port is bound
        match = URL.search(line)
        assert match, line
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(match.group(1) + "api/session", timeout=5) as answer:
                    assert "csrf_token" in json.loads(answer.read())
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise

"""The send log's lock is portable: nothing POSIX-only is imported (Windows has no fcntl)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_the_send_log_imports_without_fcntl() -> None:
    code = "import sys; sys.modules['fcntl'] = None; import briefpress.channels.log"
    env = {"PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

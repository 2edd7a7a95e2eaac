"""Debian's Chromium under Playwright, started the one way every browser test needs.

There is no network here: without these flags Chromium waits on connections it should
never make. CI must run the browser tests (``make system-deps`` installs Chromium as
root), so a missing Chromium fails there and skips elsewhere.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sync_api() -> Any:
    """Playwright's sync API, once Chromium is known to be there (else fail or skip)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser tests, but Debian's chromium is missing")
        pytest.skip("needs Debian's chromium (make system-deps installs it as root)")
    return pytest.importorskip("playwright.sync_api", reason="needs playwright (pip)")


def launch(playwright: Any) -> Any:
    """A headless Chromium with the flags above."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)

"""Incremental builds: only what changed is rebuilt, and a no-op never loads WeasyPrint."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, build_states

Cli = Callable[..., Result]


def test_second_build_is_a_no_op(cli: Cli) -> None:
    assert build_states(cli("build")) == {"arcadia": "built", "fines": "built"}
    second = cli("build")
    assert build_states(second) == {"arcadia": "fresh", "fines": "fresh"}
    assert "2 up to date" in second.out


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_only_briefs_whose_records_changed_are_rebuilt(project: Path, cli: Cli) -> None:
    quotes = project / "reports/mini-report/quotes.yaml"
    # q41-01 is an Arcadia quote about policing: in the Arcadia brief, not in the fines brief.
    quotes.write_text(quotes.read_text().replace("not as harsh", "not as hard"))
    assert build_states(cli("build")) == {"arcadia": "built", "fines": "fresh"}


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_styles_and_force_rebuild_everything(project: Path, cli: Cli) -> None:
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles/extra.css").write_text("h1 { letter-spacing: 0.01em }")
    assert build_states(cli("build")) == {"arcadia": "built", "fines": "built"}
    assert build_states(cli("build", "--force")) == {"arcadia": "built", "fines": "built"}


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_a_deleted_pdf_is_rebuilt(project: Path, cli: Cli) -> None:
    (project / "out/fines.pdf").unlink()
    assert build_states(cli("build")) == {"arcadia": "fresh", "fines": "built"}


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_no_op_build_does_not_import_weasyprint(project: Path) -> None:
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('weasyprint loaded:', 'weasyprint' in sys.modules))\n"
        "from briefpress.cli import main\n"
        f"main(['-C', {str(project)!r}, 'build'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "2 up to date" in out
    assert "weasyprint loaded: False" in out

"""Windows and macOS, simulated on Linux: what differs by system is tested here.

Importing: every module of briefpress is imported in a Python where the POSIX-only
modules (fcntl, termios, pwd, grp, resource, tty, pty) raise ImportError and os and
signal lack what Windows lacks (fork, SIGHUP, SIGKILL...); ``python -m briefpress
--version`` runs there too. A module that fails is traced to the briefpress file whose
import was refused.
Files: names that Windows refuses or reads as devices, CRLF and CR line endings, the
process check that must not use os.kill there, and folders swapped without renameat2.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefpress.core import files
from briefpress.core.errors import BriefpressError
from briefpress.core.files import name_problem, portable_name, windows_device
from briefpress.mail.recipients import load_recipients
from conftest import REPO, run_cli

SRC = REPO / "src"
POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource", "tty", "pty")

# Run in a fresh Python: refuse the POSIX-only modules, import each module named on the
# command line, and print, for each that fails, the error and the innermost briefpress
# file in its traceback (the one whose import was refused).
SIMULATION = """
import importlib, json, sys, traceback
BLOCKED = set(sys.argv[1].split(","))

class NotOnWindows:
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            raise ImportError(f"No module named {name!r} (as on Windows)", name=name)
        return None

for name in BLOCKED:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NotOnWindows())
import os, signal  # what Windows has not of them either
for name in ("SIGHUP", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD", "SIGQUIT"):
    if hasattr(signal, name):
        delattr(signal, name)
for name in ("fork", "getuid", "geteuid", "sched_getaffinity", "killpg", "setsid",
             "O_NOFOLLOW", "O_NONBLOCK", "O_DIRECTORY", "uname", "statvfs", "mkfifo"):
    if hasattr(os, name):
        delattr(os, name)
failed = {}
for module in sys.argv[2:]:
    argv, sys.argv = sys.argv, ["briefpress", "--version"]  # __main__ runs the command
    try:
        importlib.import_module(module)
    except SystemExit as exc:
        if exc.code:
            failed[module] = {"error": f"exit status {exc.code}", "file": None}
    except Exception as exc:
        frames = [f.filename for f in traceback.extract_tb(exc.__traceback__)]
        ours = [f for f in frames if "/briefpress/" in f.replace("\\\\", "/")]
        failed[module] = {"error": repr(exc), "file": ours[-1] if ours else None}
    finally:
        sys.argv = argv
print(json.dumps(failed))
"""


def _modules() -> list[str]:
    """Every module of the package, found from the files (nothing imported here)."""
    found = []
    for path in sorted((SRC / "briefpress").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append(".".join(parts))
    return found


MODULES = _modules()


@pytest.fixture(scope="module")
def without_posix() -> dict[str, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", SIMULATION, ",".join(POSIX_ONLY), *MODULES],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    failed: dict[str, dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return failed


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_without_posix_only_modules(
    module: str, without_posix: dict[str, dict[str, Any]]
) -> None:
    failure = without_posix.get(module)
    if failure is None:
        return
    raise AssertionError(f"{module} does not import on Windows: {failure}")


def test_the_list_of_modules_is_complete() -> None:
    assert {"briefpress.cli", "briefpress.core.files", "briefpress.channels.log"} <= set(MODULES)


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "portable"),
    [
        ("ok-name.pdf", "ok-name.pdf"),
        ("Brief: Portugal?.pdf", "Brief- Portugal-.pdf"),
        ('a<b>c"d|e*f\\g/h', "a-b-c-d-e-f-g-h"),
        ("con", "_con"),
        ("NUL.pdf", "_NUL.pdf"),
        ("com1.txt", "_com1.txt"),
        ("Lpt9", "_Lpt9"),
        ("console.pdf", "console.pdf"),
        ("trailing. ", "trailing"),
        ("tab\there", "tab-here"),
        ("...", "file"),
        ("Nguyễn Văn Mẫu.pdf", "Nguyễn Văn Mẫu.pdf"),
    ],
)
def test_portable_names_are_valid_on_windows(name: str, portable: str) -> None:
    assert portable_name(name) == portable
    assert name_problem(portable) is None
    assert (name_problem(name) is None) == (name == portable)


def test_device_names_are_found_whatever_the_case_and_extension() -> None:
    assert windows_device("Aux.tar.gz") and windows_device("prn") and windows_device("COM²")
    assert not windows_device("auxiliary") and not windows_device("com0")


@pytest.mark.parametrize("brief_id", ["con", "nul", "aux", "com1", "lpt3"])
def test_a_device_name_is_no_brief_id(project: Path, brief_id: str) -> None:
    spec = (project / "briefs").glob("*.yaml").__next__()
    (project / "briefs" / f"{brief_id}.yaml").write_bytes(spec.read_bytes())
    result = run_cli(["-C", str(project), "check"])
    assert result.code == 1
    assert f"briefs/{brief_id}.yaml: error: brief id '{brief_id}' is the name of a device" in (
        result.err
    )
    refused = run_cli(["-C", str(project), "new", "handout", "prn"])
    assert refused.code == 1 and "'prn' is not a brief id" in refused.err


def test_the_studio_refuses_device_names_as_ids() -> None:
    from briefpress.studio.store import Refused, check_id

    assert check_id("console") == "console"
    for name in ("con", "NUL", "com1"):
        with pytest.raises(Refused):
            check_id(name.lower())


def test_letter_and_attachment_names_are_portable() -> None:
    from briefpress.mail.personal import file_name
    from briefpress.mail.recipients import Recipient

    fields = Recipient.__dataclass_fields__
    values: dict[str, Any] = {name: "" for name in fields}
    values.update(row=7, name="CON: Ana / Pérez?", language="en")
    made = file_name(Recipient(**values), 4)
    assert made.startswith("0007-") and name_problem(made) is None
    from types import SimpleNamespace

    from briefpress.channels.email.messages import attachment_name

    for title in ("CON", "Nul", "Drug policy: a letter?", " . "):
        named = attachment_name(SimpleNamespace(title=title, id="letter"))  # type: ignore[arg-type]
        assert name_problem(named) is None, named


# --- line endings ----------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_recipients_read_alike_whatever_the_line_endings(tmp_path: Path, newline: str) -> None:
    rows = [
        "name,title,organisation,address,email",
        f'Ana Pérez,Minister,Health,"Calle 1{newline}28001 Madrid",ana@example.org',
        "Bo Li,MP,Parliament,Main St 2,bo@example.org",
    ]
    path = tmp_path / "recipients.csv"
    path.write_bytes(("\ufeff" + newline.join(rows) + newline).encode("utf-8"))
    found, problems = load_recipients(path, "recipients.csv", "en", need_email=True)
    assert problems == []
    assert [(r.name, r.address, r.email) for r in found] == [
        ("Ana Pérez", "Calle 1\n28001 Madrid", "ana@example.org"),
        ("Bo Li", "Main St 2", "bo@example.org"),
    ]


def test_a_project_in_crlf_builds_as_in_lf(tmp_path: Path) -> None:
    """Files saved by a Windows editor (CRLF) check like the same files in LF."""
    root = tmp_path / "crlf"
    assert run_cli(["init", str(root)]).code == 0
    for path in root.rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli(["-C", str(root), "check", "--json"])
    assert result.code == 0, result.output
    assert json.loads(result.out)["problems"] == []


# --- processes and folders -------------------------------------------------------------


class FakeKernel32:
    """Windows' OpenProcess, GetExitCodeProcess and CloseHandle, for a few processes."""

    def __init__(self, exit_codes: dict[int, int], denied: set[int]) -> None:
        self.exit_codes = exit_codes
        self.denied = denied
        self.error = 0
        self.open_handles: set[int] = set()

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        if pid in self.denied:
            self.error = files.ERROR_ACCESS_DENIED
            return 0
        if pid not in self.exit_codes:
            self.error = 87  # ERROR_INVALID_PARAMETER: no such process
            return 0
        self.open_handles.add(pid + 1000)
        return pid + 1000

    def GetExitCodeProcess(self, handle: int, code: Any) -> int:
        ctypes.cast(code, ctypes.POINTER(ctypes.c_ulong)).contents.value = self.exit_codes[
            handle - 1000
        ]
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.open_handles.discard(handle)
        return 1


def test_on_windows_a_process_is_asked_about_never_signalled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kernel32 = FakeKernel32({100: files.STILL_ACTIVE, 101: 0}, denied={102})
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(files, "_kernel32", lambda: (kernel32, lambda: kernel32.error))

    def no_kill(pid: int, sig: int) -> None:
        raise AssertionError("os.kill(pid, 0) ends the process on Windows")

    monkeypatch.setattr(os, "kill", no_kill)
    assert files.process_alive(100) is True  # running
    assert files.process_alive(101) is False  # exited
    assert files.process_alive(102) is True  # another user's: keep its files
    assert files.process_alive(103) is False  # no such process
    assert files.process_alive(os.getpid()) is True
    assert kernel32.open_handles == set()


def test_without_renameat2_a_folder_is_replaced_by_moving_the_old_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS and Windows have no renameat2: the old folder is moved aside, then deleted."""
    monkeypatch.setattr(files.ctypes.util, "find_library", lambda name: None)
    target = tmp_path / "letters"
    with files.staged_folder(target) as staging:
        (staging / "a.pdf").write_bytes(b"old")
    with files.staged_folder(target) as staging:
        (staging / "b.pdf").write_bytes(b"new")
    assert sorted(p.name for p in target.iterdir()) == [".briefpress-owned", "b.pdf"]
    assert [p.name for p in tmp_path.iterdir()] == ["letters"]


def test_a_pdf_locked_by_a_viewer_fails_its_brief_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file another program has open (a PDF viewer):
    that brief fails with a located message, the others are built."""
    root = tmp_path / "demo"
    assert run_cli(["init", str(root)]).code == 0
    replace = os.replace

    def locked(source: str, target: str) -> None:
        if Path(target).name == "handout.pdf":
            raise PermissionError(13, "Permission denied", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    result = run_cli(["-C", str(root), "build", "handout", "letter", "-j", "1"])
    assert result.code == 1
    assert "out/handout.pdf: error: cannot write the file: Permission denied" in result.err
    assert "close it and build again" in result.err and "internal error" not in result.err
    assert (root / "out/letter.pdf").is_file() and not (root / "out/handout.pdf").exists()
    assert not [p for p in (root / "out").iterdir() if p.name.endswith(".tmp")]


def test_default_jobs_counts_cores_where_there_is_no_affinity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefpress.build import builder

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert builder.default_jobs() == 6


def test_a_user_mistake_on_windows_is_still_a_clean_error(project: Path) -> None:
    with pytest.raises(BriefpressError):
        from briefpress.scaffold.new import check_brief_id

        check_brief_id("aux")

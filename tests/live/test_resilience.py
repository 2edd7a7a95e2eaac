"""The watcher and the preview survive file-system events; stop signals stop them cleanly.

Real processes, real signals, real files (classes 5 and 6 of the red-team pass).
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from serving import fetch, serving

CODE = "from briefpress.cli import main; main()"


class Watcher:
    """``briefpress build --watch`` in a subprocess, its output read as it comes."""

    def __init__(self, project: Path) -> None:
        command = [sys.executable, "-u", "-c", CODE, "-C", str(project), "build", "--watch", "-j1"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace",
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "the watcher died:\n" + "".join(self.log)
                continue
            self.log.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout} s:\n" + "".join(self.log))

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """Wait for the watcher to end on its own: its exit status and all it printed."""
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return code, "".join(self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def remove_tree(folder: Path, timeout: float = 30) -> None:
    """Delete a folder that a running watcher or server may be writing into: a file that
    vanishes between listing and unlinking (the watcher's temporary file, renamed into
    place) is already gone, and one that appears meanwhile is removed by another pass."""

    def gone_already(
        function: object, path: str, exc_info: tuple[type, BaseException, object]
    ) -> None:
        if not isinstance(exc_info[1], FileNotFoundError):
            raise exc_info[1]

    deadline = time.monotonic() + timeout
    while True:
        try:
            shutil.rmtree(folder, onerror=gone_already)
            return
        except OSError:  # not empty: something was written into it meanwhile
            if time.monotonic() > deadline:
                raise


def replace_in(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_the_watcher_survives_odd_file_system_events(project: Path) -> None:
    watcher = Watcher(project)
    briefs = project / "briefs"
    try:
        watcher.wait_for("Watching for changes")
        events: list[tuple[str, Callable[[], object]]] = [
            ("a folder named like a spec", lambda: (briefs / "x.yaml").mkdir()),
            ("a named pipe as a spec", lambda: os.mkfifo(briefs / "pipe.yaml")),
            ("a file name that is not UTF-8",
             lambda: (Path(os.fsdecode(os.fsencode(briefs) + b"/\xff.yaml"))).write_text("x")),
            ("a new line in a file name", lambda: (briefs / "a\nb.yaml").write_text("x: 1")),
            ("a link loop among the styles", lambda: (
                (project / "styles").mkdir(),
                (project / "styles" / "loop").symlink_to(project / "styles" / "loop"))),
            ("out/ deleted", lambda: remove_tree(project / "out")),
            ("briefs/ renamed away and back", lambda: (
                briefs.rename(project / "gone"), (project / "gone").rename(briefs))),
        ]  # fmt: skip
        for _name, event in events:  # at once: the watcher takes a burst as one change
            event()
        watcher.wait_for("is a named pipe, not a file")
        replace_in(briefs / "arcadia.yaml", "no sanctions", "after the storm")
        line = watcher.wait_for("built  out/arcadia.pdf", timeout=90)
        assert watcher.process.poll() is None, line
        assert (project / "out" / "arcadia.pdf").is_file()
        text = "".join(watcher.log)
        assert "Traceback" not in text and "internal error" not in text
        assert "briefs/x.yaml: error: cannot read the file: it is a folder, not a file" in text
        assert "brief id 'a\\\\x0ab' is not usable" in text or "a\\x0ab" in text
    finally:
        watcher.stop()


def test_sigterm_stops_a_build_and_its_workers_leaving_the_old_outputs(project: Path) -> None:
    """A build killed by a service stop: exit as Ctrl-C, workers gone, no half file."""
    subprocess.run([sys.executable, "-c", CODE, "-C", str(project), "build", "-j1"],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    before = {p.name: p.read_bytes() for p in (project / "out").glob("*.pdf")}
    command = [sys.executable, "-c", CODE, "-C", str(project), "build", "--force", "-j2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline:  # wait for the workers to start
        time.sleep(0.05)
        children = set(map(int, Path(f"/proc/{process.pid}/task/{process.pid}/children")
                           .read_text().split() or []))  # fmt: skip
    assert children, "the build started no workers"
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 20  # workers get 3 s before SIGKILL; a busy CI
    assert process.returncode == 130, err
    assert "Stopped" in err and "Traceback" not in err
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "\tZ" in Path(f"/proc/{pid}/status").read_text()
    after = {p.name: p.read_bytes() for p in (project / "out").glob("*.pdf")}
    assert after == before  # reproducible: whatever was written again is the same file
    assert not [p for p in (project / "out").rglob("*.tmp")]


def test_the_preview_survives_out_deleted_and_hides_hidden_files(project: Path) -> None:
    with serving(project) as server:
        staging = project / "out" / ".letters.new-1-abc"
        staging.mkdir()
        (staging / "001-someone.pdf").write_bytes(b"%PDF- a recipient's letter")
        assert fetch(server.url + "out/.letters.new-1-abc/001-someone.pdf")[0] == 404
        assert fetch(server.url + "out/.briefpress-cache.json")[0] == 404
        assert fetch(server.url + "out/arcadia.pdf")[0] == 200
        remove_tree(project / "out")
        assert fetch(server.url + "out/arcadia.pdf")[0] == 404
        assert fetch(server.url)[0] == 200
        replace_in(project / "briefs" / "arcadia.yaml", "no sanctions", "rebuilt")
        deadline = time.monotonic() + 90
        while fetch(server.url + "out/arcadia.pdf")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert fetch(server.url + "out/arcadia.pdf")[0] == 200
        server.process.send_signal(signal.SIGHUP)
        assert server.process.wait(timeout=15) == 130
        assert "Traceback" not in server.log and "internal error" not in server.log


def test_a_stop_during_a_watchers_full_rebuild_stops_it(project: Path) -> None:
    """Ctrl-C while the watcher rebuilds every brief: no further brief is made, and the
    exit says the work was stopped (130), as for a plain build."""
    spec = (project / "briefs" / "arcadia.yaml").read_text()
    for n in range(4):  # enough briefs that a rebuild of all of them takes a while
        copy = spec.replace("no sanctions", f"no sanctions ({n})")
        (project / "briefs" / f"arcadia-{n}.yaml").write_text(copy)
    watcher = Watcher(project)
    try:
        watcher.wait_for("Watching for changes", timeout=120)
        (project / "styles").mkdir()
        (project / "styles" / "extra.css").write_text("p { orphans: 3; }\n")  # every brief
        watcher.wait_for("built  out/")
        before = len(watcher.log)
        watcher.process.send_signal(signal.SIGINT)
        started = time.monotonic()
        code, out = watcher.finish()
        assert time.monotonic() - started < 20, out  # the brief under way at most finishes
        assert code == 130, out
        assert "".join(watcher.log[before:]).count("built  out/") <= 1, out
        assert "Traceback" not in out
    finally:
        watcher.stop()


FULL_DISK = """
import errno, sys
from briefpress.core import files
real_replace = files.os.replace

def full(source, target, *args, **kwargs):
    if str(target).endswith(".pdf"):  # the disk fills up as the first PDF is written
        raise OSError(errno.ENOSPC, "No space left on device")
    return real_replace(source, target, *args, **kwargs)

files.os.replace = full
from briefpress.cli import main
main(sys.argv[1:])
"""


def test_a_full_disk_during_a_parallel_build_is_a_clean_error(project: Path) -> None:
    """The workers' writes fail: one located error, the command ends (no pool thread left
    waiting), no temporary file stays behind."""
    spec = (project / "briefs" / "arcadia.yaml").read_text()
    for n in range(4):
        copy = spec.replace("no sanctions", f"no sanctions ({n})")
        (project / "briefs" / f"arcadia-{n}.yaml").write_text(copy)
    command = [sys.executable, "-c", FULL_DISK, "-C", str(project), "build", "-j2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stderr
    assert ": error: cannot write the output: No space left on device" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert not list((project / "out").rglob("*.tmp"))
    assert not list((project / "out").glob("*.pdf"))

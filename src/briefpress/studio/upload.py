"""A report uploaded from the page and imported, as ``briefpress import`` does.

Only what the importer reads is taken (.pdf, .docx, .txt), checked by its first bytes as
well as its name, and no larger than ``MAX_UPLOAD``; anything else is refused with a
sentence saying why, before a byte is kept. The file is imported from a temporary folder
outside the project, which is removed afterwards.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefpress.core.errors import BriefpressError
from briefpress.importer import STAGES, import_report, summary_lines

MAX_UPLOAD = 40 * 1024 * 1024
KINDS = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".txt": None}


class Unacceptable(Exception):
    """An upload refused: the message says why, in plain words."""


def check_upload(name: str, data: bytes) -> str:
    """The file's suffix if the studio may import it."""
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS:
        raise Unacceptable(
            f"{name!r} is not a report briefpress can import: upload a .pdf, .docx or .txt file"
        )
    if len(data) > MAX_UPLOAD:
        raise Unacceptable(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    if not data:
        raise Unacceptable("the file is empty")
    magic = KINDS[suffix]
    if magic is not None and not data.startswith(magic):
        raise Unacceptable(f"the file is named {suffix} but is not a {suffix[1:].upper()} file")
    if magic is None:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Unacceptable(
                "the text file is not UTF-8: save it as UTF-8 and upload it again"
            ) from None
    return suffix


def safe_name(name: str, suffix: str) -> str:
    """The uploaded file's name as REVIEW.md will cite it: its last part, plain characters."""
    stem = re.sub(r"[^\w.-]+", "-", Path(name).stem).strip("-.") or "report"
    return f"{stem[:80]}{suffix}"


def run_import(
    root: Path,
    report_id: str,
    name: str,
    data: bytes,
    stage: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Import the upload into ``reports/<report_id>/``; the summary the terminal prints."""
    suffix = check_upload(name, data)
    with tempfile.TemporaryDirectory(prefix="briefpress-upload-") as folder:
        source = Path(folder) / safe_name(name, suffix)
        source.write_bytes(data)
        result = import_report(source, root, report_id, "safe", stage)
    return {
        "report": report_id,
        "lines": summary_lines(result),
        "review": len(result.draft.review),
        "to_write": len(result.to_write),
        "verified": not result.mismatches,
    }


class Imports:
    """Imports running in the background, so that the page can show their progress.

    The upload is checked before a job starts (a refused file never becomes one); the
    page then polls the job's status, a few hundred bytes, until it is done. Only the
    last few jobs are kept, and one report is imported by one job at a time.
    """

    KEPT = 20

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.jobs: dict[str, dict[str, Any]] = {}

    def start(self, report_id: str, name: str, data: bytes) -> str:
        check_upload(name, data)
        with self.lock:
            if any(j["report"] == report_id and not j["done"] for j in self.jobs.values()):
                raise Unacceptable(f"the report {report_id} is being imported already")
            job = secrets.token_urlsafe(9)
            self.jobs[job] = {"report": report_id, "done": False, "stage": 0}
            for old in list(self.jobs)[: -self.KEPT]:
                del self.jobs[old]
        thread = threading.Thread(target=self._run, args=(job, report_id, name, data))
        thread.daemon = True
        thread.start()
        return job

    def _run(self, job: str, report_id: str, name: str, data: bytes) -> None:
        def tell(index: int) -> None:
            self.jobs[job]["stage"] = index

        try:
            outcome: dict[str, Any] = {"result": run_import(self.root, report_id, name, data, tell)}
        except BriefpressError as exc:
            outcome = {"error": str(exc), "problems": exc.problems}
        except Unacceptable as exc:
            outcome = {"error": str(exc), "problems": []}
        except Exception as exc:  # a fault of briefpress, not of the report: say how to see it
            kind = type(exc).__name__
            error = f"the import stopped ({kind}): run briefpress import --debug to see why"
            outcome = {"error": error, "problems": []}
        with self.lock:
            self.jobs[job].update(outcome, done=True, stage=len(STAGES))

    def status(self, job: str) -> dict[str, Any] | None:
        """The job's progress: its stage (index and words), and its result once done."""
        with self.lock:
            found = self.jobs.get(job)
            if found is None:
                return None
            state = dict(found)
        index = int(state["stage"])
        words = STAGES[index] if index < len(STAGES) else "Done"
        return {**state, "step": index, "steps": len(STAGES), "words": words}

"""A report uploaded from the page and imported, as ``briefpress import`` does.

Only what the importer reads is taken (.pdf, .docx, .txt), checked by its first bytes as
well as its name, and no larger than ``MAX_UPLOAD``; anything else is refused with a
sentence saying why, before a byte is kept. The file is imported from a temporary folder
outside the project, which is removed afterwards.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from briefpress.importer import import_report, summary_lines

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


def run_import(root: Path, report_id: str, name: str, data: bytes) -> dict[str, Any]:
    """Import the upload into ``reports/<report_id>/``; the summary the terminal prints."""
    suffix = check_upload(name, data)
    with tempfile.TemporaryDirectory(prefix="briefpress-upload-") as folder:
        source = Path(folder) / safe_name(name, suffix)
        source.write_bytes(data)
        result = import_report(source, root, report_id, "safe")
    return {
        "report": report_id,
        "lines": summary_lines(result),
        "review": len(result.draft.review),
        "to_write": len(result.to_write),
        "verified": not result.mismatches,
    }

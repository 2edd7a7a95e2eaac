"""One recipient's own letter, as ``briefpress letters`` made it, shown to a sender.

Before a send, an officer wants to see what one person will get: their name in the
window, the salutation in their language, the note written for them. The letter is the
PDF in ``out/letters/<id>/`` that the manifest names for their row; it is read here,
by row number, and never served as a file from ``out/`` (team.py's ``ROUTE_ROLES``:
``/api/letters`` is a sender's).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from briefpress.core.files import FORMULA_STARTS
from briefpress.data.load import Project
from briefpress.studio.store import Refused, check_id


def letter_file(root: Path, letter_id: str, row: int) -> Path | None:
    """The PDF the latest mailing made for ``row``, or None."""
    folder = Project(root=root).out_dir / "letters" / check_id(letter_id, "letter's id")
    try:
        with (folder / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
            for entry in csv.DictReader(handle):
                if entry.get("row") == str(row):
                    name = entry.get("file") or ""
                    path = folder / name
                    if "/" in name or "\\" in name or name.startswith("."):
                        return None
                    return path if path.is_file() else None
    except (OSError, csv.Error, UnicodeDecodeError):
        return None
    return None


def unguarded(cell: str) -> str:
    """A manifest's cell as the row had it (``spreadsheet_text`` added a ``'`` to some)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def made_letters(root: Path, letter_id: str) -> dict[str, Any]:
    """The latest mailing's letters by row (name, language, pages), when it was made, and
    whether the letter's file changed since (its letters then show the earlier text)."""
    project = Project(root=root)
    folder = project.out_dir / "letters" / check_id(letter_id, "letter's id")
    manifest = folder / "manifest.csv"
    rows: list[dict[str, Any]] = []
    try:
        made = manifest.stat().st_mtime
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            for entry in csv.DictReader(handle):
                rows.append(
                    {
                        "row": int(entry["row"]),
                        "name": unguarded(entry.get("name", "")),
                        "language": entry.get("language", ""),
                        "pages": int(entry.get("pages") or 0),
                    }
                )
    except (OSError, csv.Error, UnicodeDecodeError, KeyError, ValueError):
        return {"letter": letter_id, "rows": [], "made": None, "stale": False}
    spec = root / "briefs" / f"{letter_id}.yaml"
    stale = spec.is_file() and spec.stat().st_mtime > made
    when = dt.datetime.fromtimestamp(made, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {"letter": letter_id, "rows": rows, "made": when, "stale": stale}


class LetterFiles:
    """``GET /api/letters/<id>/<row>.pdf``: one recipient's letter, inline."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def routes(self) -> list[Route]:
        return [Route("/api/letters/{letter_id}/{row:int}.pdf", self.letter)]

    async def letter(self, request: Request) -> Response:
        try:
            path = await asyncio.to_thread(
                letter_file, self.root, request.path_params["letter_id"], request.path_params["row"]
            )
        except Refused:
            path = None
        if path is None:
            message = "no letter for this row: make the letters (a dry run makes them) first"
            return JSONResponse({"error": message}, 404)
        headers = {"Cache-Control": "no-store", "Content-Disposition": "inline"}
        return FileResponse(path, media_type="application/pdf", headers=headers)

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
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

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

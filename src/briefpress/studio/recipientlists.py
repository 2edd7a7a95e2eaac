"""The studio's Recipients pages: a recipients file uploaded into ``briefs/recipients/``
and shown as a table, every problem on its row.

An officer's mailing list is a spreadsheet or a CSV export; the checks ``letters`` and
``send`` make (addresses, duplicates, header injection, languages) are the ones shown
here, read by the same code (mail/recipients.py), so a list the page shows clean is one
the commands accept. The rows are names and addresses: the routes are a sender's
(team.py's ``ROUTE_ROLES``), and the files are never served as files.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from briefpress.core.errors import Problem
from briefpress.core.files import name_problem, write_atomic
from briefpress.core.i18n import SOURCE_LANGUAGE
from briefpress.mail.recipients import load_recipients
from briefpress.mail.sheets import MAX_FILE
from briefpress.mail.tables import COLUMNS, open_source
from briefpress.studio import records, words
from briefpress.studio.pages import Pages

FOLDER = Path("briefs") / "recipients"
SUFFIXES = (".csv", ".yaml", ".yml", ".xlsx", ".ods")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,99}")
MAX_SHOWN = 2000  # rows in the page's table; the checks still read them all
ZIP = b"PK\x03\x04"


class Refusal(Exception):
    """An upload or a name the studio will not take, with its HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def check_name(name: str) -> str:
    """A recipients file's name: a plain file name with a known suffix, never a path."""
    if not NAME.fullmatch(name) or ".." in name or name_problem(name):
        raise Refusal(f"{name[:60]!r} is not a file name briefpress accepts", 404)
    if not name.lower().endswith(SUFFIXES):
        raise Refusal(f"a recipients file is {', '.join(SUFFIXES)}", 415)
    return name


def listing(root: Path) -> list[str]:
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(SUFFIXES)
    )


def newest(root: Path, files: list[str]) -> str | None:
    """The list changed last (a row just fixed, a file just uploaded): the one a dry run
    is most likely meant for."""
    folder = root / FOLDER

    def changed(name: str) -> float:
        try:
            return (folder / name).stat().st_mtime
        except OSError:
            return 0.0

    return max(files, key=changed, default=None)


def uploaded_name(name: str) -> str:
    """An uploaded file's name as it is saved: as it was when it is a plain name, else spelled
    in Latin letters when it has other letters ("قائمة اللجنة.xlsx" -> qi-mh-lljnh.xlsx,
    "名单.csv" -> mingdan.csv), so a list named in any script is kept rather than refused."""
    name = re.split(r"[/\\]", name)[-1]
    if name.isascii():  # plain, or refused as it is by check_name
        return name
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    return f"{words.slug(stem, 80) or 'recipients'}{suffix}"


def save(root: Path, name: str, data: bytes, replace: bool) -> str:
    """Write an uploaded recipients file whole; an existing one only when asked."""
    name = check_name(name)
    if not data:
        raise Refusal("the file is empty", 415)
    if len(data) > MAX_FILE:
        raise Refusal(f"the file is larger than {MAX_FILE // 2**20} MB", 413)
    spreadsheet = name.lower().endswith((".xlsx", ".ods"))
    if spreadsheet != data.startswith(ZIP):
        raise Refusal(f"the file is named {Path(name).suffix} but is not one", 415)
    path = root / FOLDER / name
    if path.exists() and not replace:
        raise Refusal(f"{FOLDER / name} exists already: replace it, or rename yours", 409)
    write_atomic(path, data)
    return name


def digest(data: bytes) -> str:
    """The version of a list's bytes the page was shown (a fix names it: rowfix.py)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def table(root: Path, name: str) -> dict[str, Any]:
    """The file's rows with their values and their own problems; the file's problems."""
    name = check_name(name)
    path, display = root / FOLDER / name, f"{FOLDER.as_posix()}/{name}"
    try:
        version = digest(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError):
        raise Refusal(f"no recipients file {display}", 404) from None
    _, problems = load_recipients(path, display, SOURCE_LANGUAGE)
    rows: list[dict[str, Any]] = []
    by_line: dict[tuple[str, int | None], dict[str, Any]] = {}
    source = open_source(path, display, [])
    if source is not None:
        for raw in source.rows([], hashlib.blake2b()):
            if len(rows) >= MAX_SHOWN:
                break
            shown: dict[str, Any] = {
                "row": raw.row,
                "line": raw.loc.line,
                "values": raw.values,
                "problems": [],
            }
            rows.append(shown)
            by_line[(raw.loc.file, raw.loc.line)] = shown
    general: list[dict[str, Any]] = []
    for problem in problems:
        found = by_line.get((problem.location.file, problem.location.line))
        (found["problems"] if found else general).append(described(problem))
    columns = [c for c in COLUMNS if any(c in r["values"] for r in rows)]
    errors = sum(1 for p in problems if p.is_error)
    return {
        "file": name,
        "columns": columns,
        "rows": rows,
        "problems": general,
        "errors": errors,
        "digest": version,
        "fixable": not any(p["severity"] == "error" for p in general),
    }


def described(problem: Problem) -> dict[str, Any]:
    return {
        "where": str(problem.location),
        "message": problem.message,
        "hint": problem.hint,
        "severity": problem.severity,
    }


def saved_notice(shown: dict[str, Any], saved: int | None, source: str) -> str:
    """What the page says after row ``saved`` was written: whether it is clean now, and
    which file is the list from now on when a spreadsheet's fix made a CSV of it."""
    if saved is None:
        return ""
    row = next((r for r in shown["rows"] if r["row"] == saved), None)
    notice = f"Row {saved} saved."
    if row is not None and row["problems"]:
        notice = f"Row {saved} saved, but it still has a problem: see it below."
    name = shown["file"]
    if NAME.fullmatch(source) and source != name:
        notice += (
            f" The list is now {name}, kept next to {source}, which stays as you uploaded"
            f" it: choose {name} to make letters and send."
        )
    return notice


class Recipients:
    """The Recipients pages and their JSON API."""

    def __init__(self, root: Path, pages: Pages) -> None:
        self.root = root
        self.pages = pages

    def routes(self) -> list[Route]:
        return [
            Route("/recipients", self.index),
            Route("/recipients", self.upload_form, methods=["POST"]),
            Route("/recipients/{name}", self.page),
            Route("/api/recipients", self.files_json),
            Route("/api/recipients", self.upload, methods=["POST"]),
            Route("/api/recipients/{name}", self.table_json),
        ]

    async def index(self, request: Request, status: int = 200, error: str = "") -> Response:
        """The recipients files and the upload form; ``error``: why an upload sent
        without script was refused, shown at the file field."""
        project, _ = await asyncio.to_thread(records.load, self.root)
        files = await asyncio.to_thread(listing, self.root)
        return self.pages.render(
            "recipients.html.j2",
            project,
            status,
            title="Recipients",
            files=files,
            table=None,
            limit=MAX_FILE // 2**20,
            error="",
            upload_error=error,
            notice="",
        )

    async def page(self, request: Request) -> Response:
        name, saved = request.path_params["name"], request.query_params.get("saved", "")
        return await self.shown(
            name,
            saved=int(saved) if saved.isdigit() else None,
            source=request.query_params.get("from", ""),
            uploaded=request.query_params.get("uploaded") == "1",
        )

    async def shown(
        self,
        name: str,
        status: int = 200,
        error: str = "",
        saved: int | None = None,
        source: str = "",
        uploaded: bool = False,
    ) -> Response:
        """The table of ``name``, with what happened to the last fix (rowfix.py): the row
        ``saved`` from the list ``source``, or the ``error`` that kept it from being saved."""
        project, _ = await asyncio.to_thread(records.load, self.root)
        try:
            shown = await asyncio.to_thread(table, self.root, name)
        except Refusal as exc:
            shown, status, error = None, exc.status, str(exc)
        return self.pages.render(
            "recipients.html.j2",
            project,
            status,
            title=f"Recipients: {shown['file']}" if shown else "Recipients",
            files=[],
            table=shown,
            limit=MAX_FILE // 2**20,
            error=error,
            notice=(f"Uploaded {shown['file']}." if shown and uploaded else "")
            + (saved_notice(shown, saved, source) if shown else ""),
        )

    async def files_json(self, request: Request) -> Response:
        files = await asyncio.to_thread(listing, self.root)
        return JSONResponse({"files": files}, headers={"Cache-Control": "no-store"})

    async def table_json(self, request: Request) -> Response:
        try:
            shown = await asyncio.to_thread(table, self.root, request.path_params["name"])
        except Refusal as exc:
            return JSONResponse({"error": str(exc)}, exc.status)
        return JSONResponse(shown, headers={"Cache-Control": "no-store"})

    async def upload(self, request: Request) -> Response:
        """A recipients file from the page's script (multipart: ``file``, optional
        ``replace``)."""
        try:
            saved = await self.received(request)
        except Refusal as exc:
            return JSONResponse({"error": str(exc)}, exc.status)
        return JSONResponse({"file": saved, "url": f"/recipients/{saved}"}, 201)

    async def upload_form(self, request: Request) -> Response:
        """The same upload from the page's form without script: its table (303), or
        the page again with the reason at the file field."""
        try:
            saved = await self.received(request)
        except Refusal as exc:
            return await self.index(request, exc.status, str(exc))
        return RedirectResponse(f"/recipients/{quote(saved)}?uploaded=1", 303)

    async def received(self, request: Request) -> str:
        """The uploaded file checked and saved under briefs/recipients/: its name."""
        if int(request.headers.get("content-length") or 0) > MAX_FILE + 64 * 1024:
            raise Refusal(f"the file is larger than {MAX_FILE // 2**20} MB", 413)
        async with request.form(max_files=1, max_fields=3, max_part_size=MAX_FILE) as form:
            sent = form.get("file")
            if not isinstance(sent, UploadFile) or not sent.filename:
                raise Refusal("choose a recipients file to upload", 415)
            data = await sent.read(MAX_FILE + 1)
            name, replace = uploaded_name(sent.filename), form.get("replace") == "1"
        return await asyncio.to_thread(save, self.root, name, data, replace)

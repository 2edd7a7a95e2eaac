"""A recipient's row fixed in the Recipients page's table, and the list saved whole.

An officer who sees "not an e-mail address" on row 3 wants to correct it there, not
open the spreadsheet, fix it, export it and upload it again. The row's new values are
written into the list, which is then checked again by the same code as ``letters`` and
``send`` (recipientlists.table), so the page shows what the commands will say.

What the studio writes is a CSV file (UTF-8 with a byte-order mark, so a spreadsheet
opens it right), always whole (core/files.write_atomic):

- a ``.csv`` list is written again in place, under its own name;
- an uploaded ``.xlsx``, ``.ods`` or ``.yaml`` list is never rewritten: a spreadsheet
  may hold other sheets, formulas, formatting and notes that a rewrite would lose. The
  fixed list is saved next to it as ``<name>.csv``, which is the list from then on
  (letters and send take it); the upload stays as it came, and an existing
  ``<name>.csv`` is never overwritten from the spreadsheet.

Only values are fixed here: a file with a problem of its own (an unknown column, a
value in a column without a name, a line that cannot be read) is refused, because
writing it again would drop what could not be read. Two people fixing the same list:
the second save names the file's version it was shown (``digest``) and is refused if
the file changed since, never silently overwriting the first.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import hashlib
import io
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from briefpress.core.errors import Problem
from briefpress.core.files import write_atomic
from briefpress.mail.sheets import MAX_FILE
from briefpress.mail.tables import COLUMNS, RawRow, open_source
from briefpress.studio.bodies import small_json
from briefpress.studio.recipientlists import FOLDER, Recipients, Refusal, check_name, digest

MAX_VALUE = 2000  # characters of one value: an address has a few lines
MAX_FORM = 64 * 1024
LOCK = threading.Lock()  # one fix at a time: read, compare, write


def saved_name(name: str) -> str:
    """The file a fix of ``name`` is written to: itself for a CSV, else ``<name>.csv``."""
    return name if name.lower().endswith(".csv") else f"{Path(name).stem}.csv"


def read_rows(path: Path, display: str) -> list[RawRow]:
    """Every row of the list, or a refusal when the file itself has a problem."""
    problems: list[Problem] = []
    source = open_source(path, display, problems)
    rows = list(source.rows(problems, hashlib.blake2b())) if source else []
    errors = [p for p in problems if p.is_error]
    if errors:
        raise Refusal(
            f"{errors[0]}: the file itself has a problem, so its rows cannot be fixed here. "
            "Fix it in the spreadsheet and upload it again",
            409,
        )
    return rows


def cleaned(values: dict[str, str]) -> dict[str, str]:
    """The values a form sent, for the known columns only, line ends made plain."""
    fixed = {}
    for column, value in values.items():
        if column not in COLUMNS:
            continue
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > MAX_VALUE:
            raise Refusal(f"{column}: longer than {MAX_VALUE} characters", 422)
        fixed[column] = text if column == "address" else text.strip()
    return fixed


def as_csv(rows: list[RawRow]) -> bytes:
    """The rows as a CSV file with the columns they use, in the usual order."""
    columns = [c for c in COLUMNS if any(c in r.values for r in rows)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.values.get(c, "") for c in columns])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def fix_row(root: Path, name: str, number: int, values: dict[str, str], version: str) -> str:
    """Write row ``number`` of the list ``name`` with ``values``; the file written."""
    with LOCK:
        return _fix_row(root, check_name(name), number, values, version)


def _fix_row(root: Path, name: str, number: int, values: dict[str, str], version: str) -> str:
    path, display = root / FOLDER / name, f"{FOLDER.as_posix()}/{name}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Refusal(f"no recipients file {display}", 404) from None
    if len(data) > MAX_FILE:
        raise Refusal(f"{display} is too large to fix here: fix it in the file", 413)
    if version != digest(data):
        raise Refusal(
            f"{display} changed since this page was opened: open it again, then fix the row",
            409,
        )
    rows = read_rows(path, display)
    row = next((r for r in rows if r.row == number), None)
    if row is None:
        raise Refusal(f"{display} has no row {number}", 404)
    row.values.update(cleaned(values))
    target = saved_name(name)
    if target != name and (root / FOLDER / target).exists():
        raise Refusal(
            f"{FOLDER.as_posix()}/{target} exists already (the list fixed before): "
            "fix the row there",
            409,
        )
    write_atomic(root / FOLDER / target, as_csv(rows))
    return target


class RowFixes:
    """``POST /recipients/<file>/rows/<n>`` (the page's form, without script) and
    ``POST /api/recipients/<file>/rows/<n>`` (JSON ``{"values": {...}, "digest"}``)."""

    def __init__(self, root: Path, recipients: Recipients) -> None:
        self.root = root
        self.recipients = recipients

    def routes(self) -> list[Route]:
        return [
            Route("/recipients/{name}/rows/{row:int}", self.form, methods=["POST"]),
            Route("/api/recipients/{name}/rows/{row:int}", self.api, methods=["POST"]),
        ]

    async def form(self, request: Request) -> Response:
        """The row's form: saved, then the table again at that row (303), or the table
        with the reason the row was not saved."""
        name, row = request.path_params["name"], request.path_params["row"]
        if int(request.headers.get("content-length") or 0) > MAX_FORM:
            return await self.recipients.shown(name, 413, f"Row {row} not saved: too long")
        async with request.form(max_files=0, max_fields=len(COLUMNS) + 4) as sent:
            values = {k: v for k, v in sent.items() if isinstance(v, str)}
        try:
            saved = await asyncio.to_thread(
                fix_row, self.root, name, row, values, values.get("digest", "")
            )
        except Refusal as exc:
            return await self.recipients.shown(name, exc.status, f"Row {row} not saved: {exc}")
        source = f"&from={quote(name)}" if saved != name else ""
        return RedirectResponse(f"/recipients/{quote(saved)}?saved={row}{source}#row-{row}", 303)

    async def api(self, request: Request) -> Response:
        body = await small_json(request)
        values: Any = body.get("values")
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            return JSONResponse({"error": "values: the row's columns and their text"}, 422)
        try:
            saved = await asyncio.to_thread(
                fix_row,
                self.root,
                request.path_params["name"],
                request.path_params["row"],
                values,
                str(body.get("digest", "")),
            )
        except Refusal as exc:
            return JSONResponse({"error": str(exc)}, exc.status)
        return JSONResponse({"file": saved, "url": f"/recipients/{quote(saved)}"})

"""The report data pages' forms, posted without JavaScript.

The same changes as the JSON API (records.edit, edit_fact, drop, bulk.tag, the
review's tick and fields), made from a plain ``<form method="post">``: the form's
fields are read as the page wrote them, the change is checked and written exactly as
the API's, and the answer is a redirect back to the list (what was done said there),
or the list again with the refusal next to its record and nothing written.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from briefpress.studio import bulk, create, fold, records, review, upload
from briefpress.studio.api import received_upload
from briefpress.studio.forms import REFUSALS, back, form_fields, problems_of
from briefpress.studio.pages import Pages, said
from briefpress.studio.store import ProjectFiles, check_id

LISTS = {"themes", "places"}  # boxes to tick: none ticked is an empty list
LINES = {"notes"}  # one a line
COMMAS = {"quotes", "organisations"}  # ids separated by commas
NUMBERS = {"respondents"}


def record_values(collection: str, form: FormData) -> dict[str, Any]:
    """A record's form as the API's fields: every editable field the page shows."""
    values: dict[str, Any] = {}
    for name in records.EDITABLE[collection]:
        if name in LISTS:
            values[name] = [str(v) for v in form.getlist(name)]
            continue
        if name not in form:
            continue
        text = str(form.get(name) or "")
        if name in LINES:
            values[name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif name in COMMAS:
            values[name] = [part.strip() for part in text.split(",") if part.strip()]
        elif name in NUMBERS:
            values[name] = int(text) if text.strip().isdigit() else None
        else:
            values[name] = text.strip()
    return values


def bulk_change(collection: str, form: FormData) -> bulk.BulkChange:
    """The bulk form's action (the button pressed) as one change."""
    action, theme = str(form.get("do") or ""), str(form.get("theme") or "")
    place = str(form.get("place") or "")
    actions: dict[str, dict[str, Any]] = {
        "add-theme": {"add_themes": [theme]},
        "remove-theme": {"remove_themes": [theme]},
        "add-place": {"add_places": [place]},
        "remove-place": {"remove_places": [place]},
        "set": {"place": place, "organisation": str(form.get("organisation") or "")},
    }
    return bulk.BulkChange.from_json(actions.get(action, {}))


def _said(problems: list[dict[str, Any]]) -> str:
    return " ".join(said(p) for p in problems)


def by_field(
    problems: list[dict[str, Any]], record_id: str, fields: tuple[str, ...]
) -> dict[str, str]:
    """A record's problems keyed ``<id>.<field>`` (shown under that field), the others
    under the record."""
    shown: dict[str, list[str]] = {}
    for problem in problems:
        field = str(problem.get("field") or "")
        key = f"{record_id}.{field}" if field in fields else record_id
        shown.setdefault(key, []).append(said(problem))
    return {key: " ".join(texts) for key, texts in shown.items()}


class DataForms:
    def __init__(self, files: ProjectFiles, pages: Pages) -> None:
        self.files = files
        self.pages = pages

    def routes(self) -> list[Route]:
        base = "/reports/{report}/{collection}"
        return [
            Route("/reports/{report}/new/{collection}", self.add, methods=["POST"]),
            Route(f"{base}/tag", self.tag, methods=["POST"]),
            Route("/reports/{report}/places/{place}/facts/{fact}", self.fact, methods=["POST"]),
            Route(f"{base}/{{record_id}}/drop", self.drop, methods=["POST"]),
            Route(f"{base}/{{record_id}}", self.edit, methods=["POST"]),
            Route("/reports/{report}/review", self.settle, methods=["POST"]),
            Route("/import", self.upload, methods=["POST"]),
            Route("/reports/{report}/fields", self.write_field, methods=["POST"]),
            Route("/reports/{report}/fold", self.fold, methods=["POST"]),
        ]

    async def _refused(self, request: Request, exc: Exception, where: str) -> Response:
        problems, status = problems_of(exc)
        key = "page" if status in (404, 409) else where
        return await self.pages.collection(request, {key: _said(problems)}, status)

    async def add(self, request: Request) -> Response:
        """A new finding or theme from the form at the foot of its list."""
        p = request.path_params
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        fields: dict[str, Any] = {}
        for name in create.FIELDS.get(p["collection"], ()):
            if name in LISTS or name == "quotes":
                fields[name] = [str(v) for v in form.getlist(name)]
            elif form.get(name):
                fields[name] = str(form.get(name)).strip()
        try:
            record_id, _ = await asyncio.to_thread(
                create.create, self.files, p["report"], p["collection"], fields, based_on
            )
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            key = "page" if status in (404, 409) else "new"
            return await self.pages.collection(request, {key: _said(problems)}, status, fields)
        return back(form, f"/reports/{p['report']}/{p['collection']}", done="added", id=record_id)

    async def edit(self, request: Request) -> Response:
        p = request.path_params
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        try:
            fields = record_values(p["collection"], form)
            await asyncio.to_thread(
                records.edit,
                self.files,
                p["report"],
                p["collection"],
                p["record_id"],
                fields,
                based_on,
            )
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            if status != 422:
                return await self._refused(request, exc, p["record_id"])
            shown = by_field(problems, p["record_id"], records.EDITABLE[p["collection"]])
            return await self.pages.collection(request, shown, status)
        except KeyError:  # a collection the studio has no form for
            return await self.pages.collection(request)
        return back(
            form, f"/reports/{p['report']}/{p['collection']}", done="saved", id=p["record_id"]
        )

    async def drop(self, request: Request) -> Response:
        p = request.path_params
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        try:
            await asyncio.to_thread(
                records.drop, self.files, p["report"], p["collection"], p["record_id"], based_on
            )
        except REFUSALS as exc:
            return await self._refused(request, exc, p["record_id"])
        return back(
            form, f"/reports/{p['report']}/{p['collection']}", done="dropped", id=p["record_id"]
        )

    async def tag(self, request: Request) -> Response:
        p = request.path_params
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        ids = [str(i) for i in form.getlist("ids")]
        try:
            change = bulk_change(p["collection"], form)
            await asyncio.to_thread(
                bulk.tag, self.files, p["report"], p["collection"], ids, change, based_on
            )
        except REFUSALS as exc:
            return await self._refused(request, exc, "bulk")
        done = f"{len(ids)} {p['collection']}"
        return back(form, f"/reports/{p['report']}/{p['collection']}", done="tagged", id=done)

    async def fact(self, request: Request) -> Response:
        p = request.path_params
        request.path_params["collection"] = "places"
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        fields = {name: str(form.get(name) or "").strip() for name in records.FACT_FIELDS}
        try:
            await asyncio.to_thread(
                records.edit_fact, self.files, p["report"], p["place"], p["fact"], fields, based_on
            )
        except REFUSALS as exc:
            return await self._refused(request, exc, f"{p['place']}/{p['fact']}")
        return back(form, f"/reports/{p['report']}/places", done="saved", id=p["fact"])

    async def upload(self, request: Request) -> Response:
        """A report uploaded from the import page without script: imported, then its
        review; or the page again with the reason."""
        try:
            report, name, data = await received_upload(request)
            await asyncio.to_thread(upload.run_import, self.files.root, report, name, data)
        except upload.Unacceptable as exc:
            return await self.pages.import_page(request, f"{said({'message': str(exc)})}", 415)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            return await self.pages.import_page(request, _said(problems), status)
        return RedirectResponse(f"/reports/{report}/review?done=imported&id={report}", 303)

    async def settle(self, request: Request) -> Response:
        """Tick (or untick) an item of REVIEW.md from the review page."""
        report = check_id(request.path_params["report"], "report id")
        form = await form_fields(request)
        line = int(str(form.get("line") or "0")) if str(form.get("line") or "").isdigit() else 0
        settled = str(form.get("settled") or "") == "1"
        try:
            await asyncio.to_thread(review.settle, self.files, report, line, settled)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            return await self.pages.review(request, {"page": _said(problems)}, status)
        return back(form, f"/reports/{report}/review", done="settled")

    async def write_field(self, request: Request) -> Response:
        """Write a ``TO WRITE`` field from the review page."""
        report = check_id(request.path_params["report"], "report id")
        form = await form_fields(request)
        relative = str(form.get("file") or "")
        line = int(str(form.get("line") or "0")) if str(form.get("line") or "").isdigit() else 0
        empty = str(form.get("empty") or "") == "1"  # "None for now": a list left empty
        value: str | list[str] = [] if empty else str(form.get("value") or "").strip()
        try:
            if not relative.startswith(f"reports/{report}/"):
                raise records.Invalid([{"field": None, "message": "not a file of this report"}])
            if not value and not empty:
                raise records.Invalid([{"field": None, "message": "write something first"}])
            await asyncio.to_thread(review.write_field, self.files, report, relative, line, value)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            where = f"{relative}:{line}"
            return await self.pages.review(request, {where: _said(problems)}, status)
        return back(form, f"/reports/{report}/review", done="written", id=relative)

    async def fold(self, request: Request) -> Response:
        """Towns merged into a place from the review page (fold.fold, as the API)."""
        report = check_id(request.path_params["report"], "report id")
        form = await form_fields(request)
        towns = [str(t) for t in form.getlist("towns")]
        into = str(form.get("into") or "") or None
        name = str(form.get("name") or "").strip() or None
        try:
            done = await asyncio.to_thread(fold.fold, self.files, report, towns, into, name)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            return await self.pages.review(request, {"fold": _said(problems)}, status)
        return back(form, f"/reports/{report}/review", done="merged", id=done["place"])

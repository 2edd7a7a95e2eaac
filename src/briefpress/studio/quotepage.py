"""A quote's own page and its API: the quote in the report's text, re-cut, reported.

The page is complete without JavaScript: each move of the start or the end is a
button of a plain GET form (the proposed cut is in the address, so the back button
and a bookmark work), saving the cut and reporting the quote are POST forms with the
CSRF token in a hidden field, answered with a redirect back to the page and what was
done, or with the page and the refusal next to its field. The API does the same for
scripts (docs/studio.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from briefpress.studio import records, recut
from briefpress.studio.api import body_json, if_match, refusals
from briefpress.studio.forms import REFUSALS, form_fields, refused_on_page
from briefpress.studio.pages import Pages
from briefpress.studio.store import ProjectFiles, Refused, check_id

DONE = {"recut": "The new cut is saved.", "reported": "Your note is on the review list."}


def _offsets(values: Any) -> tuple[int, int] | None:
    try:
        return int(values.get("start")), int(values.get("end"))
    except (TypeError, ValueError):
        return None


def _changed(cut: recut.Cut | None, proposal: recut.Cut | None) -> bool:
    """Whether the page proposes a cut other than the quote's own."""
    if proposal is None:
        return False
    return cut is None or (proposal.start, proposal.end) != (cut.start, cut.end)


class QuotePages:
    def __init__(self, files: ProjectFiles, pages: Pages) -> None:
        self.files = files
        self.pages = pages

    def routes(self) -> list[Route]:
        api = "/api/reports/{report}/quotes/{quote_id}"
        page = "/reports/{report}/quotes/{quote_id}"
        return [
            Route(f"{api}/source", refusals(self.source)),
            Route(f"{api}/recut", refusals(self.recut), methods=["POST"]),
            Route(f"{api}/wrong", refusals(self.wrong), methods=["POST"]),
            Route(page, self.page),
            Route(f"{page}/recut", self.recut_form, methods=["POST"]),
            Route(f"{page}/wrong", self.wrong_form, methods=["POST"]),
        ]

    def _ids(self, request: Request) -> tuple[str, str]:
        report = check_id(request.path_params["report"], "report id")
        return report, check_id(request.path_params["quote_id"], "quote id")

    def _proposal(
        self, values: Mapping[str, Any], source: str, cut: recut.Cut | None
    ) -> recut.Cut | None:
        """The cut the page proposes: the quote's own, or the one asked for (the address,
        or a refused form), moved."""
        asked = _offsets(values)
        if asked is not None:
            start, end = recut.snap(source, *asked)
            cut = recut.context(source, start, end) if start < end else cut
        how = values.get("move")
        if cut is not None and how in recut.MOVES:
            cut = recut.context(source, *recut.move(source, cut.start, cut.end, how))
        return cut

    async def source(self, request: Request) -> Response:
        report, quote_id = self._ids(request)
        source, cut = await asyncio.to_thread(recut.quote_cut, self.files, report, quote_id)
        proposal = self._proposal(request.query_params, source, cut)
        relative, _ = records.record_file(self.files.root, report, "quotes")
        body = {
            "quote": quote_id,
            "file": recut.source_file(report),
            "found": cut is not None,
            "current": cut.json() if cut else None,
            "proposed": proposal.json() if proposal else None,
            "moves": list(recut.MOVES),
            "etag": self.files.version(relative),
        }
        return JSONResponse(body)

    async def recut(self, request: Request) -> Response:
        report, quote_id = self._ids(request)
        body = await body_json(request)
        based_on = if_match(request, body)
        etag = await asyncio.to_thread(recut.recut, self.files, report, quote_id, body, based_on)
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def wrong(self, request: Request) -> Response:
        report, quote_id = self._ids(request)
        body = await body_json(request)
        note = str(body.get("note") or "")
        await asyncio.to_thread(recut.report_wrong, self.files, report, quote_id, note)
        return JSONResponse({"reported": quote_id, "undo": self.files.undo[-1].what}, 201)

    async def page(
        self,
        request: Request,
        problems: list[dict[str, Any]] | None = None,
        status: int = 200,
        asked: Mapping[str, Any] | None = None,
    ) -> Response:
        """The quote in the report's text (``asked``: the cut a refused form proposed)."""
        project, _ = await asyncio.to_thread(records.load, self.files.root)
        try:
            report, quote_id = self._ids(request)
            data = records.report_data(project, report)
            quote = data.quotes.get(quote_id)
            if quote is None:
                raise Refused(f"no quote {quote_id!r} in {report}")
        except Refused as exc:
            return self.pages.render(
                "missing.html.j2", project, 404, what=str(exc), title="Not found"
            )
        source, cut, proposal, kept = None, None, None, True
        try:
            source, cut = await asyncio.to_thread(recut.quote_cut, self.files, report, quote_id)
            proposal = self._proposal(asked or request.query_params, source, cut)
        except records.Invalid:
            kept = False
        relative, _ = records.record_file(self.files.root, report, "quotes")
        done = DONE.get(request.query_params.get("done", ""))
        by_field = {str(p.get("field")): p for p in problems or []}
        return self.pages.render(
            "quote.html.j2",
            project,
            status,
            title=f"Quote {quote_id} · {data.report.title}",
            report=report,
            data=data,
            quote=quote,
            kept=kept,
            source_file=recut.source_file(report),
            cut=cut,
            proposal=proposal,
            changed=_changed(cut, proposal),
            moves=recut.MOVES,
            etag=self.files.version(relative),
            status_text=done,
            problems=by_field,
        )

    async def recut_form(self, request: Request) -> Response:
        report, quote_id = self._ids(request)
        form = await form_fields(request)
        wanted = {"start": form.get("start"), "end": form.get("end")}
        try:
            await asyncio.to_thread(
                recut.recut,
                self.files,
                report,
                quote_id,
                wanted,
                str(form.get("etag") or "") or None,
            )
        except REFUSALS as exc:
            return await refused_on_page(exc, lambda p, s: self.page(request, p, s, wanted))
        return RedirectResponse(f"/reports/{report}/quotes/{quote_id}?done=recut", 303)

    async def wrong_form(self, request: Request) -> Response:
        report, quote_id = self._ids(request)
        form = await form_fields(request)
        try:
            await asyncio.to_thread(
                recut.report_wrong, self.files, report, quote_id, str(form.get("note") or "")
            )
        except REFUSALS as exc:
            return await refused_on_page(exc, lambda p, s: self.page(request, p, s))
        return RedirectResponse(f"/reports/{report}/quotes/{quote_id}?done=reported", 303)

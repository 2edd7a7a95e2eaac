"""The studio's JSON API under ``/api/``: what its own pages use, for scripts too.

Every handler reads the project afresh (the files are the source of truth), answers
in JSON, and maps the studio's refusals to plain statuses: 404 for a path or id that
is not the project's, 409 for a file changed since it was read, 422 for a change
that would break something (with each problem next to its field). docs/studio.md
documents every route.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from briefpress.build.gallery import BriefCard
from briefpress.build.thumbs import render_png
from briefpress.core.errors import BriefpressError
from briefpress.data import kinds
from briefpress.data.model import PAPERS
from briefpress.live.serve import pdf_stamp, picture_sizes
from briefpress.studio import bulk, compose, create, fold, records, review, upload, words, yamledit
from briefpress.studio.preview import Previewer
from briefpress.studio.security import Session
from briefpress.studio.store import Conflict, ProjectFiles, Refused, check_id

Handler = Callable[[Request], Awaitable[Response]]
MAX_BODY = 256 * 1024
PREVIEW_WIDTH = 900  # pixels: a page beside the composer's form, sharp on a laptop


def refusals(handler: Handler) -> Handler:
    """The studio's refusals as HTTP answers, so no handler repeats them."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except records.Invalid as exc:
            return JSONResponse({"error": "not saved", "problems": exc.problems}, 422)
        except yamledit.EditError as exc:
            return JSONResponse({"error": str(exc)}, 422)
        except Conflict as exc:
            body = {
                "error": f"{exc.file} changed on disk since it was read: nothing was saved",
                "conflict": {
                    "file": exc.file,
                    "expected": exc.expected,
                    "current": exc.current,
                    "text": exc.text,
                },
            }
            return JSONResponse(body, 409)
        except upload.Unacceptable as exc:
            return JSONResponse({"error": str(exc)}, 415)
        except BriefpressError as exc:
            problems = [records.problem_json(p) for p in exc.problems]
            return JSONResponse({"error": str(exc), "problems": problems}, 422)

    return wrapped


async def body_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise records.Invalid([{"field": None, "message": "the request is too large"}])
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        raise records.Invalid([{"field": None, "message": "the request is not JSON"}]) from None
    if not isinstance(value, dict):
        raise records.Invalid([{"field": None, "message": "expected a JSON object"}])
    return value


async def received_upload(request: Request) -> tuple[str, str, bytes]:
    """The report id, file name and bytes of an upload, refused before it is read
    whole when it is larger than the studio takes."""
    length = int(request.headers.get("content-length") or 0)
    if length > upload.MAX_UPLOAD + 64 * 1024:
        raise upload.Unacceptable(f"the file is larger than {upload.MAX_UPLOAD // 2**20} MB")
    async with request.form(max_files=1, max_fields=4, max_part_size=upload.MAX_UPLOAD) as form:
        report = check_id(str(form.get("report") or ""), "report id")
        sent = form.get("file")
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise upload.Unacceptable("choose a report file to upload")
        data = await sent.read(upload.MAX_UPLOAD + 1)
        return report, sent.filename, data


def card_json(card: BriefCard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return {
        "status": card.status,
        "pages": card.pages,
        "problems": [records.problem_json(p) for p in card.problems],
    }


class Api:
    """The handlers, over one project's files, session and previewer."""

    def __init__(
        self,
        files: ProjectFiles,
        session: Session,
        previewer: Previewer,
        imports: upload.Imports,
    ) -> None:
        self.files = files
        self.session = session
        self.previewer = previewer
        self.imports = imports

    def routes(self) -> list[Route]:
        r = refusals
        return [
            Route("/api/session", r(self.session_info)),
            Route("/api/reports", r(self.reports)),
            Route("/api/import", r(self.upload), methods=["POST"]),
            Route("/api/import/{job}", r(self.import_status)),
            Route("/api/reports/{report}/review", r(self.review)),
            Route("/api/reports/{report}/review", r(self.settle), methods=["POST"]),
            Route("/api/reports/{report}/fields", r(self.write_field), methods=["POST"]),
            Route("/api/reports/{report}/fold", r(self.fold), methods=["POST"]),
            Route("/api/reports/{report}/{collection}", r(self.listing)),
            Route("/api/reports/{report}/{collection}", r(self.add), methods=["POST"]),
            Route("/api/reports/{report}/{collection}/tag", r(self.tag), methods=["POST"]),
            Route(
                "/api/reports/{report}/{collection}/{record_id}", r(self.edit), methods=["PATCH"]
            ),
            Route(
                "/api/reports/{report}/{collection}/{record_id}", r(self.drop), methods=["DELETE"]
            ),
            Route(
                "/api/reports/{report}/places/{record_id}/facts/{fact_id}",
                r(self.edit_fact),
                methods=["PATCH"],
            ),
            Route("/api/briefs", r(self.briefs)),
            Route("/api/briefs", r(self.create_brief), methods=["POST"]),
            Route("/api/briefs/{brief_id}", r(self.brief)),
            Route("/api/briefs/{brief_id}", r(self.change_brief), methods=["PATCH"]),
            Route("/api/briefs/{brief_id}/preview", r(self.preview)),
            Route("/api/briefs/{brief_id}/preview.pdf", r(self.preview_pdf)),
            Route("/api/briefs/{brief_id}/page/{number:int}.png", r(self.page_image)),
            Route("/api/build", r(self.build), methods=["POST"]),
            Route("/api/undo", r(self.undo), methods=["POST"]),
        ]

    async def session_info(self, request: Request) -> Response:
        undo = self.files.undo[-1].what if self.files.undo else None
        return JSONResponse(
            {"csrf_token": self.session.csrf_token, "undo": undo},
            headers={"Cache-Control": "no-store"},
        )

    async def reports(self, request: Request) -> Response:
        project, _ = await asyncio.to_thread(records.load, self.files.root)
        items = [{"id": rid, "title": data.report.title} for rid, data in project.reports.items()]
        return JSONResponse({"reports": items})

    async def listing(self, request: Request) -> Response:
        report, collection = request.path_params["report"], request.path_params["collection"]
        check_id(report, "report id")
        relative, _ = records.record_file(self.files.root, report, collection)
        version = self.files.version(relative)
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        items = records.listing(project, report, collection, dict(request.query_params))
        shown = [records.problem_json(p) for p in problems if p.location.file == relative]
        body = {"file": relative, "etag": version, "items": items, "problems": shown}
        return JSONResponse(body, headers={"ETag": f'"{version}"'})

    async def add(self, request: Request) -> Response:
        """A new finding or theme, last in its file."""
        p = request.path_params
        fields = await body_json(request)
        based_on = if_match(request, fields)
        record_id, etag = await asyncio.to_thread(
            create.create, self.files, p["report"], p["collection"], fields, based_on
        )
        body = {"id": record_id, "etag": etag, "undo": self.files.undo[-1].what}
        return JSONResponse(body, 201)

    async def edit(self, request: Request) -> Response:
        p = request.path_params
        fields = await body_json(request)
        based_on = if_match(request, fields)
        etag = await asyncio.to_thread(
            records.edit, self.files, p["report"], p["collection"], p["record_id"], fields, based_on
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def edit_fact(self, request: Request) -> Response:
        p = request.path_params
        fields = await body_json(request)
        based_on = if_match(request, fields)
        etag = await asyncio.to_thread(
            records.edit_fact,
            self.files,
            p["report"],
            p["record_id"],
            p["fact_id"],
            fields,
            based_on,
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def drop(self, request: Request) -> Response:
        p = request.path_params
        based_on = if_match(request, {})
        etag = await asyncio.to_thread(
            records.drop, self.files, p["report"], p["collection"], p["record_id"], based_on
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def tag(self, request: Request) -> Response:
        p = request.path_params
        body = await body_json(request)
        based_on = if_match(request, body)
        ids = [str(i) for i in body.get("ids") or []]
        change = bulk.BulkChange.from_json(body)
        etag = await asyncio.to_thread(
            bulk.tag, self.files, p["report"], p["collection"], ids, change, based_on
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def upload(self, request: Request) -> Response:
        """A report file from the page, imported into reports/<report>/."""
        report, name, data = await received_upload(request)
        if "respond-async" in request.headers.get("prefer", ""):
            job = self.imports.start(report, name, data)
            where = f"/api/import/{job}"
            return JSONResponse({"job": job, "status": where}, 202, headers={"Location": where})
        summary = await asyncio.to_thread(upload.run_import, self.files.root, report, name, data)
        return JSONResponse(summary, 201)

    async def import_status(self, request: Request) -> Response:
        """An import's progress (stage ``step`` of ``steps``), then its summary or problems."""
        state = self.imports.status(request.path_params["job"])
        if state is None:
            raise Refused("no such import")
        state["problems"] = [records.problem_json(p) for p in state.get("problems") or []]
        return JSONResponse(state, headers={"Cache-Control": "no-store"})

    async def review(self, request: Request) -> Response:
        report = request.path_params["report"]
        items = await asyncio.to_thread(review.review_items, self.files, report)
        fields = await asyncio.to_thread(review.to_write, self.files, report)
        towns = await asyncio.to_thread(fold.towns_to_fold, self.files, report)
        left = review.count_left(items, fields)
        return JSONResponse({"items": items, "fields": fields, "towns": towns, "left": left})

    async def fold(self, request: Request) -> Response:
        """Towns folded into one place, in every file of the report at once."""
        body = await body_json(request)
        towns = [str(t) for t in body.get("towns") or []]
        into = str(body["into"]) if body.get("into") else None
        name = str(body["name"]) if body.get("name") else None
        based_on = body.get("etags") if isinstance(body.get("etags"), dict) else None
        done = await asyncio.to_thread(
            fold.fold, self.files, request.path_params["report"], towns, into, name, based_on
        )
        return JSONResponse(done)

    async def settle(self, request: Request) -> Response:
        body = await body_json(request)
        report = request.path_params["report"]
        etag = await asyncio.to_thread(
            review.settle,
            self.files,
            report,
            int(body.get("line") or 0),
            bool(body.get("settled", True)),
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def write_field(self, request: Request) -> Response:
        body = await body_json(request)
        report = check_id(request.path_params["report"], "report id")
        relative = str(body.get("file") or "")
        if not relative.startswith(f"reports/{report}/") or not relative.endswith(".yaml"):
            raise Refused(f"{relative!r} is not a file of the report {report}")
        etag = await asyncio.to_thread(
            review.write_field,
            self.files,
            report,
            relative,
            int(body.get("line") or 0),
            body.get("value"),
        )
        return JSONResponse({"etag": etag, "undo": self.files.undo[-1].what})

    async def briefs(self, request: Request) -> Response:
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        items = []
        for brief_id, brief in project.briefs.items():
            own = [records.problem_json(p) for p in problems if p.location.file == brief.file]
            items.append(
                {
                    "id": brief_id,
                    "title": brief.title,
                    "kind": brief.kind,
                    "report": brief.report,
                    "problems": own,
                }
            )
        return JSONResponse({"briefs": items, "kinds": list(kinds.names()), "papers": list(PAPERS)})

    async def brief(self, request: Request) -> Response:
        brief_id = request.path_params["brief_id"]
        relative = compose.brief_path(self.files.root, brief_id)
        version = self.files.version(relative)
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        brief = project.briefs.get(brief_id)
        if brief is None:
            own = [records.problem_json(p) for p in problems if p.location.file == relative]
            if version is None:
                raise Refused(f"no brief {brief_id!r}")
            return JSONResponse({"id": brief_id, "etag": version, "problems": own}, 422)
        body = compose.brief_json(project, brief)
        body["etag"] = version
        body["problems"] = [
            records.problem_json(p) for p in problems if p.location.file == relative
        ]
        return JSONResponse(body, headers={"ETag": f'"{version}"'})

    async def create_brief(self, request: Request) -> Response:
        spec = await body_json(request)
        # No id: one spelled from the title (or the place), in whatever script it is.
        brief_id = str(
            spec.get("id") or words.slug(str(spec.get("title") or spec.get("place") or ""))
        )
        etag = await asyncio.to_thread(compose.save, self.files, brief_id, spec, None, True)
        return JSONResponse({"id": brief_id, "etag": etag, "undo": self.files.undo[-1].what}, 201)

    async def change_brief(self, request: Request) -> Response:
        brief_id = request.path_params["brief_id"]
        spec = await body_json(request)
        based_on = if_match(request, spec)
        etag = await asyncio.to_thread(compose.save, self.files, brief_id, spec, based_on, False)
        return JSONResponse({"id": brief_id, "etag": etag, "undo": self.files.undo[-1].what})

    async def preview(self, request: Request) -> Response:
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        result = await asyncio.to_thread(self.previewer.build, brief_id)
        if result.card is None:
            raise Refused(f"no brief {brief_id!r}")
        stamp = pdf_stamp(result.pdf) if result.pdf else None
        body = {
            "id": brief_id,
            **(card_json(result.card) or {}),
            "pdf": result.pdf is not None,
            "stamp": stamp,
        }
        return JSONResponse(body)

    async def preview_pdf(self, request: Request) -> Response:
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        result = await asyncio.to_thread(self.previewer.build, brief_id)
        if result.card is None:
            raise Refused(f"no brief {brief_id!r}")
        if result.pdf is None:
            body = {
                "error": f"the brief {brief_id} does not build",
                **(card_json(result.card) or {}),
            }
            return JSONResponse(body, 422)
        headers = {
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="{brief_id}.pdf"',
        }
        return FileResponse(result.pdf, media_type="application/pdf", headers=headers)

    async def page_image(self, request: Request) -> Response:
        """A picture of one page of the brief's current PDF (as the preview built it)."""
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        number = request.path_params["number"]
        pdf = self.previewer.pdf(brief_id)
        stamp = pdf_stamp(pdf)
        count = len(await asyncio.to_thread(picture_sizes, pdf, stamp)) if stamp else 0
        if stamp is None or not 1 <= number <= count:
            raise Refused(f"no page {number} of {brief_id}")
        png = await asyncio.to_thread(page_picture, pdf, stamp, number)
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    async def build(self, request: Request) -> Response:
        outcome = await asyncio.to_thread(self.previewer.build_all)
        return JSONResponse(outcome)

    async def undo(self, request: Request) -> Response:
        change = await asyncio.to_thread(self.files.undo_last)
        if change is None:
            return JSONResponse({"error": "nothing to undo"}, 409)
        return JSONResponse({"undone": change.what, "file": change.file})


@functools.lru_cache(maxsize=64)
def page_picture(pdf: Path, stamp: str, number: int) -> bytes:
    """A page of a preview, as fast as it can be made: it is seen once, on this machine."""
    return render_png(pdf, number - 1, PREVIEW_WIDTH, quick=True)


def if_match(request: Request, body: dict[str, Any]) -> str | None:
    """The version of the file the change was based on: If-Match, or ``etag`` in the body."""
    header = request.headers.get("if-match")
    value = header.strip().strip('"') if header else body.pop("etag", None)
    body.pop("etag", None)
    return str(value) if value else None

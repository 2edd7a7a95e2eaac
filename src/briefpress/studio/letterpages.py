"""The letter's page: its words edited like a brief's, its preview, and its letters made.

``/briefs/<id>/letter`` is an editor's page as much as a sender's: the subject,
paragraphs, closing, signature and translations are the letter's text, like a brief's.
What names the recipients (the choice of a recipient's own letter to preview, the
letters made for a recipients file) is shown and served only to a sender (team.py's
``ROUTE_ROLES``: ``/api/letters`` is a sender's), and always read through these routes,
never as files from ``out/``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from briefpress.live.serve import pdf_stamp, picture_sizes
from briefpress.studio import compose, letteredit, letterforms, records
from briefpress.studio.api import body_json, if_match, page_picture, refusals
from briefpress.studio.bodies import small_json
from briefpress.studio.forms import REFUSALS, form_fields, problems_of
from briefpress.studio.letterfiles import letter_file, made_letters
from briefpress.studio.lettermaking import Busy, LetterMaking
from briefpress.studio.pages import LANGUAGES, Pages, done_notice, said
from briefpress.studio.recipientlists import Refusal, listing
from briefpress.studio.sending import may_send
from briefpress.studio.store import ProjectFiles, Refused, check_id
from briefpress.studio.team import current_user

# Languages a translation is offered in, beyond the shipped catalogs' (pages.LANGUAGES).
MORE_LANGUAGES = ("ar", "de", "id", "it", "ka", "ro", "sw", "tr", "uk", "zh")


def by_path(problems: list[dict[str, Any]]) -> dict[str, str]:
    """A refusal's problems by the field path they concern (``form`` for the others)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(str(problem.get("field") or "form"), []).append(said(problem))
    return {path: " ".join(texts) for path, texts in found.items()}


class LetterPages:
    """The letter page, its JSON, and the mailings made from it."""

    def __init__(self, files: ProjectFiles, pages: Pages, making: LetterMaking) -> None:
        self.files = files
        self.pages = pages
        self.making = making

    def routes(self) -> list[Route]:
        r = refusals
        return [
            Route("/briefs/{brief_id}/letter", self.page),
            Route("/briefs/{brief_id}/letter", self.post, methods=["POST"]),
            Route("/api/briefs/{brief_id}/letter", r(self.letter_json)),
            Route("/api/briefs/{brief_id}/letter", r(self.change), methods=["PATCH"]),
            Route("/api/letters/{letter_id}", r(self.made)),
            Route("/api/letters/{letter_id}/{row:int}/page/{number:int}.png", r(self.page_image)),
            Route("/api/letters/{letter_id}/make", self.job),
            Route("/api/letters/{letter_id}/make", self.make, methods=["POST"]),
            Route("/api/letters/{letter_id}/make/stop", self.stop, methods=["POST"]),
            Route("/letters/{letter_id}/make", self.make_form, methods=["POST"]),
            Route("/letters/{letter_id}/make/stop", self.stop_form, methods=["POST"]),
        ]

    async def page(
        self,
        request: Request,
        page_problems: dict[str, str] | None = None,
        status: int = 200,
        typed: dict[str, Any] | None = None,
    ) -> Response:
        """The letter's page (``page_problems``: a refused form's, by field path;
        ``typed``: the letter as typed in it, shown again rather than lost)."""
        brief_id = request.path_params["brief_id"]
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        try:
            relative = compose.brief_path(self.files.root, brief_id)
            brief = letteredit.letter_brief(project, brief_id)
        except Refused as exc:
            what = str(exc)
            return self.pages.render("missing.html.j2", project, 404, what=what, title="Not found")
        letter = {**letteredit.letter_json(brief), **(typed or {})}
        text = self.files.read(relative).decode("utf-8")
        sender = await asyncio.to_thread(self.sender_view, brief_id) if may_send() else None
        offered = sorted({*LANGUAGES, *MORE_LANGUAGES} - {brief.language, *letter["translations"]})
        return self.pages.render(
            "letter.html.j2",
            project,
            status,
            title=f"Letter: {brief.title}",
            letter=letter,
            etag=self.files.version(relative),
            problems=[p for p in problems if p.location.file == relative],
            field_of=lambda p: compose.field_of(text, p),
            offered=[(tag, letteredit.language_name(tag)) for tag in offered],
            sender=sender,
            page_problems=page_problems or {},
            status_text=done_notice(request),
        )

    async def post(self, request: Request) -> Response:
        """The form posted without the page's script: saved, or shown again."""
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        typed = letterforms.typed_letter(form)
        try:
            project, _ = await asyncio.to_thread(records.load, self.files.root)
            saved = letteredit.letter_json(letteredit.letter_brief(project, brief_id))
            if letterforms.operate(typed, str(form.get("op") or ""), form):
                return await self.page(request, {}, 200, typed)
            change = letterforms.changes(typed, saved)
            if change:
                await asyncio.to_thread(letteredit.save, self.files, brief_id, change, based_on)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            return await self.page(request, by_path(problems), status, typed)
        return RedirectResponse(f"/briefs/{brief_id}/letter?done=saved&id={brief_id}", 303)

    def sender_view(self, letter_id: str) -> dict[str, Any]:
        """What only a sender sees: the recipients files, the letters made, the job."""
        job = self.making.job(letter_id)
        return {
            "files": listing(self.files.root),
            "made": made_letters(self.files.root, letter_id),
            "job": job.json() if job else None,
        }

    async def letter_json(self, request: Request) -> Response:
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        relative = compose.brief_path(self.files.root, brief_id)
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        body = letteredit.letter_json(letteredit.letter_brief(project, brief_id))
        body["etag"] = version = self.files.version(relative)
        text = self.files.read(relative).decode("utf-8")
        body["problems"] = [
            records.problem_json(p, compose.field_of(text, p))
            for p in problems
            if p.location.file == relative
        ]
        return JSONResponse(body, headers={"ETag": f'"{version}"', "Cache-Control": "no-store"})

    async def change(self, request: Request) -> Response:
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        changes = await body_json(request)
        based_on = if_match(request, changes)
        etag = await asyncio.to_thread(letteredit.save, self.files, brief_id, changes, based_on)
        return JSONResponse({"id": brief_id, "etag": etag, "undo": self.files.undo[-1].what})

    async def made(self, request: Request) -> Response:
        found = await asyncio.to_thread(
            made_letters, self.files.root, request.path_params["letter_id"]
        )
        return JSONResponse(found, headers={"Cache-Control": "no-store"})

    async def page_image(self, request: Request) -> Response:
        """A page of one recipient's letter, as the preview beside the form shows it."""
        p = request.path_params
        pdf = await asyncio.to_thread(letter_file, self.files.root, p["letter_id"], p["row"])
        stamp = pdf_stamp(pdf) if pdf else None
        count = len(await asyncio.to_thread(picture_sizes, pdf, stamp)) if pdf and stamp else 0
        if pdf is None or stamp is None or not 1 <= p["number"] <= count:
            raise Refused(f"no page {p['number']} of row {p['row']}'s letter")
        png = await asyncio.to_thread(page_picture, pdf, stamp, p["number"])
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def job(self, request: Request) -> Response:
        job = self.making.job(request.path_params["letter_id"])
        body = job.json() if job else {"state": "none", "running": False}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def make(self, request: Request) -> Response:
        """``briefpress letters`` for a recipients file, in the background: 202 and the job."""
        body = await small_json(request)
        user = current_user()
        try:
            job = self.making.start(
                request.path_params["letter_id"],
                str(body.get("recipients") or ""),
                user["name"] if user else None,
            )
        except (Refused, Refusal) as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except Busy as exc:
            return JSONResponse({"error": str(exc)}, 409)
        return JSONResponse(job.json(), 202)

    async def make_form(self, request: Request) -> Response:
        """Make the letters from the page's form without its script: back to the page,
        which shows how far they are."""
        letter_id = check_id(request.path_params["letter_id"], "letter's id")
        form = await form_fields(request)
        user = current_user()
        try:
            self.making.start(
                letter_id, str(form.get("recipients") or ""), user["name"] if user else None
            )
        except (Refused, Refusal, Busy) as exc:
            request.path_params["brief_id"] = letter_id
            reason = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
            return await self.page(request, {"make": reason}, 409 if isinstance(exc, Busy) else 404)
        return RedirectResponse(f"/briefs/{letter_id}/letter#make-letters", 303)

    async def stop_form(self, request: Request) -> Response:
        letter_id = check_id(request.path_params["letter_id"], "letter's id")
        self.making.stop(letter_id)
        return RedirectResponse(f"/briefs/{letter_id}/letter#make-letters", 303)

    async def stop(self, request: Request) -> Response:
        stopped = self.making.stop(request.path_params["letter_id"])
        return JSONResponse({"stopping": stopped}, 202 if stopped else 409)

"""The studio's Sending pages: each mailing's send log as a table, for senders only.

The send log (``out/mail/<id>/send-log.sqlite``) says who was sent their letter, who
failed and why, and whose message may or may not have left (unknown). An officer needs
that without a terminal, but the folder holds names and addresses: so the studio never
serves it as a file; these pages read it through the channel's own log API and show it
to those whose role allows (team.py's ``ROUTE_ROLES``: ``/sending`` and ``/api/send``
are a sender's).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from briefpress.channels.drafts import FAILED_FILE, mail_folder
from briefpress.channels.log import LOG_FILE, STATES, open_log
from briefpress.core.errors import BriefpressError
from briefpress.data.load import Project
from briefpress.studio import mailsettings, records
from briefpress.studio.bodies import small_json
from briefpress.studio.mailing import Busy, Job, Mailings
from briefpress.studio.pages import Pages
from briefpress.studio.recipientlists import Refusal, listing, newest
from briefpress.studio.store import ProjectFiles, Refused, check_id
from briefpress.studio.team import current_user


def mailings(root: Path) -> list[str]:
    """The letters that have a send log, by id."""
    folder = root / "out" / "mail"
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{LOG_FILE}") if p.is_file())


def send_log(root: Path, letter_id: str) -> dict[str, Any]:
    """One mailing's counts by state and every recipient's line, as JSON."""
    project = Project(root=root)
    folder = mail_folder(project, check_id(letter_id, "letter's id"))
    if not (folder / LOG_FILE).is_file():
        raise Refused(f"no send log for {letter_id!r} yet")
    with open_log(folder, display=project.display(folder / LOG_FILE)) as log:
        entries = [
            {
                "row": e.row,
                "name": e.name,
                "email": e.email,
                "state": e.state,
                "attempts": e.attempts,
                "answer": e.answer or "",
                "finished": when(e.finished),
            }
            for e in sorted(log.entries(), key=lambda e: e.row)
        ]
        return {"letter": letter_id, "counts": log.counts(), "entries": entries}


LOG_FIELDS = (
    ("row", "Row"),
    ("name", "Name"),
    ("email", "E-mail"),
    ("state", "State"),
    ("attempts", "Attempts"),
    ("answer", "Server's answer"),
    ("finished", "Finished"),
)


def failed_file(root: Path, letter_id: str) -> Path | None:
    """The mailing's failed.csv (who did not get the letter, and why), if it has one."""
    folder = mail_folder(Project(root=root), check_id(letter_id, "letter's id"))
    path = folder / FAILED_FILE
    return path if path.is_file() else None


def progress(root: Path, letter_id: str, job: Job | None) -> dict[str, Any]:
    """What the page follows while a send runs: the job, the send log, failed.csv."""
    log = send_log(root, letter_id) if letter_id in mailings(root) else None
    return {
        "job": job.json() if job else None,
        "log": log,
        "failed": failed_file(root, letter_id) is not None,
    }


RUNNING = ("preparing", "sending")
DONE = {  # what a form sent without script did, said on the page it comes back to
    "dry-run": "Dry run made: nothing was sent. Check the drafts, then send.",
    "sending": "The send has started.",
    "stopping": "Stopping: the message being handed over finishes first.",
    "ended": "The send had already ended.",
}


def when(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def may_send() -> bool:
    """Whether this request's person may see recipients and sending (always, alone)."""
    user = current_user()
    return user is None or user["role"] == "sender"


DRAFT = re.compile(r"[^/\\\x00-\x1f.][^/\\\x00-\x1f]{0,200}\.eml")  # a file name, never a path


def letter_ids(project: Project, root: Path) -> list[str]:
    """The project's letters (briefs with a ``letter:``) and any mailing with a log."""
    letters = {i for i, b in project.briefs.items() if getattr(b, "letter", None) is not None}
    return sorted(letters | set(mailings(root)))


class Sending:
    """The Sending pages and their JSON: dry runs, sends, their progress and the log."""

    def __init__(self, root: Path, pages: Pages) -> None:
        self.root = root
        self.pages = pages
        self.mailings = Mailings(root)

    def hook_pages(self, env: jinja2.Environment) -> None:
        env.globals["may_send"] = may_send

    def routes(self) -> list[Route]:
        return [
            Route("/sending", self.index),
            Route("/sending/{letter_id}", self.letter),
            Route("/api/send/{letter_id}/log", self.log_json),
            Route("/api/send/{letter_id}/job", self.job_json),
            Route("/api/send/{letter_id}/progress", self.progress_json),
            Route("/api/send/{letter_id}/failed.csv", self.failed_csv),
            Route("/api/send/{letter_id}/dry-run", self.dry_run, methods=["POST"]),
            Route("/api/send/{letter_id}/start", self.start, methods=["POST"]),
            Route("/api/send/{letter_id}/stop", self.stop, methods=["POST"]),
            Route("/api/send/{letter_id}/drafts/{name}", self.draft),
        ]

    async def index(self, request: Request) -> Response:
        saved = request.query_params.get("done") == "mail-saved"
        return await self.overview(notice="Mail settings saved." if saved else "")

    async def overview(
        self, status: int = 200, said: dict[str, Any] | None = None, notice: str = ""
    ) -> Response:
        """The letters to send and the mail settings form; ``said``: what a form sent
        without script was refused for (sendforms.py), shown next to its fields, with
        the values it sent."""
        project, _ = await asyncio.to_thread(records.load, self.root)
        found = await asyncio.to_thread(letter_ids, project, self.root)
        settings = await asyncio.to_thread(mailsettings.current, ProjectFiles(self.root))
        if said and said.get("values"):
            settings["settings"].update(said["values"])
        return self.pages.render(
            "sending.html.j2",
            project,
            status,
            title="Sending",
            mailings=found,
            letter=None,
            mail=settings,
            security=mailsettings.SECURITY,
            said=said or {},
            status_text=notice,
        )

    async def letter(self, request: Request) -> Response:
        done = request.query_params.get("done", "")
        notice = DONE.get(done, "")
        return await self.shown(request.path_params["letter_id"], notice=notice)

    async def shown(
        self,
        letter_id: str,
        status: int = 200,
        said: dict[str, Any] | None = None,
        notice: str = "",
    ) -> Response:
        """A letter's page: its last dry run, the send form, the job and the send log;
        ``said``: what a form sent without script was refused for, by form."""
        project, _ = await asyncio.to_thread(records.load, self.root)
        log, error = None, None
        try:
            known = await asyncio.to_thread(letter_ids, project, self.root)
            if check_id(letter_id, "letter's id") not in known:
                raise Refused(f"no letter {letter_id!r} in briefs/")
            if letter_id in mailings(self.root):
                log = await asyncio.to_thread(send_log, self.root, letter_id)
        except (Refused, BriefpressError) as exc:
            error = str(exc)
        job = None if error else self.mailings.job(letter_id)
        files = await asyncio.to_thread(listing, self.root)
        failed = (
            not error and (await asyncio.to_thread(failed_file, self.root, letter_id)) is not None
        )
        plan = None if error or (job and job.state in RUNNING) else self.mailings.plan(letter_id)
        chosen = plan["recipients"] if plan else await asyncio.to_thread(newest, self.root, files)
        return self.pages.render(
            "sending.html.j2",
            project,
            404 if error else status,
            title=f"Sending {letter_id}",
            mailings=[],
            letter=None if error else letter_id,
            log=log,
            states=STATES,
            job=job.json() if job else None,
            files=files,
            chosen=chosen,
            plan=plan,
            failed=failed,
            log_fields=LOG_FIELDS,
            said=said or {},
            status_text=notice,
            **({"error": error} if error else {}),
        )

    async def log_json(self, request: Request) -> Response:
        try:
            log = await asyncio.to_thread(send_log, self.root, request.path_params["letter_id"])
        except (Refused, BriefpressError) as exc:
            return JSONResponse({"error": str(exc)}, 404)
        return JSONResponse(log, headers={"Cache-Control": "no-store"})

    async def job_json(self, request: Request) -> Response:
        job = self.mailings.job(request.path_params["letter_id"])
        body = job.json() if job else {"state": "none", "running": False}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def progress_json(self, request: Request) -> Response:
        """The job, the log and whether failed.csv exists: one request per tick of the page."""
        letter_id = request.path_params["letter_id"]
        job = self.mailings.job(letter_id)
        try:
            body = await asyncio.to_thread(progress, self.root, letter_id, job)
        except (Refused, BriefpressError) as exc:
            return JSONResponse({"error": str(exc)}, 404)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def failed_csv(self, request: Request) -> Response:
        """failed.csv of the mailing, downloaded through the studio (never from out/)."""
        letter_id = request.path_params["letter_id"]
        try:
            path = await asyncio.to_thread(failed_file, self.root, letter_id)
        except (Refused, BriefpressError):
            path = None
        if path is None:
            return JSONResponse({"error": "no failed.csv: nobody's message failed"}, 404)
        headers = {
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{letter_id}-failed.csv"',
        }
        return FileResponse(path, media_type="text/csv; charset=utf-8", headers=headers)

    async def dry_run(self, request: Request) -> Response:
        body = await small_json(request)
        try:
            plan = await asyncio.to_thread(
                self.mailings.dry_run,
                request.path_params["letter_id"],
                str(body.get("recipients", "")),
                body.get("resend_unknown") is True,
            )
        except (Refused, Refusal, Busy) as exc:
            return JSONResponse({"error": str(exc)}, 409 if isinstance(exc, Busy) else 404)
        except BriefpressError as exc:
            problems = [str(p) for p in exc.problems]
            return JSONResponse({"error": str(exc), "problems": problems}, 422)
        return JSONResponse(plan)

    async def start(self, request: Request) -> Response:
        """A send, confirmed by the number of messages typed; it runs on without the page."""
        body = await small_json(request)
        confirm = body.get("confirm")
        if not isinstance(confirm, int) or isinstance(confirm, bool):
            return JSONResponse({"error": "type the number of messages to send"}, 422)
        password = body.get("password") or None
        user = current_user()
        try:
            job = self.mailings.start(
                request.path_params["letter_id"],
                str(body.get("recipients", "")),
                confirm,
                str(password) if password else None,
                user["name"] if user else None,
                body.get("resend_unknown") is True,
            )
        except (Refused, Refusal) as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except Busy as exc:
            return JSONResponse({"error": str(exc)}, 409)
        return JSONResponse(job.json(), 202)

    async def stop(self, request: Request) -> Response:
        stopped = self.mailings.stop(request.path_params["letter_id"])
        return JSONResponse({"stopping": stopped}, 202 if stopped else 409)

    async def draft(self, request: Request) -> Response:
        """A draft of the last dry run, to open in a mail program: a sender's download."""
        name = request.path_params["name"]
        try:
            folder = mail_folder(
                Project(root=self.root), check_id(request.path_params["letter_id"], "letter")
            )
        except (Refused, BriefpressError):
            return JSONResponse({"error": "not found"}, 404)
        path = folder / "drafts" / name
        if not DRAFT.fullmatch(name) or ".." in name or not path.is_file():
            return JSONResponse({"error": "not found"}, 404)
        headers = {
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{name}"',
        }
        return FileResponse(path, media_type="message/rfc822", headers=headers)

"""The Sending page's forms, without script: the mail settings, a dry run, a send, a stop.

Each is a real ``<form method="post">`` with the CSRF token in its hidden field
(security.py reads it there), so an officer whose browser runs no script, or whose
script failed to load, can still set up, try and make a send. The answer is a redirect
back to the page, which says what was done (its ``done`` in the address) and shows the
dry run's drafts and the send's progress (it reloads itself while a send runs); or the
page again, with the reason next to the field, and the status a script would get from
the same request under ``/api/``. The page's script does the same through the JSON
routes (sending.py, mailsettings.py): it only spares the reloads.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from briefpress.core.errors import BriefpressError
from briefpress.studio import mailsettings, records, yamledit
from briefpress.studio.mailing import Busy
from briefpress.studio.recipientlists import Refusal
from briefpress.studio.sending import Sending
from briefpress.studio.store import Conflict, ProjectFiles, Refused
from briefpress.studio.team import current_user

MAX_FIELDS = 20


async def fields(request: Request) -> dict[str, str]:
    """A form's text fields (its size was checked by the CSRF guard on the way in)."""
    async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
        return {k: v for k, v in form.items() if isinstance(v, str)}


def refusal(exc: Exception) -> tuple[list[str], int]:
    """What a dry run or a send was refused for, in lines, and the status it gets."""
    if isinstance(exc, Busy):
        return [str(exc)], 409
    if isinstance(exc, Refusal):
        return [str(exc)], exc.status
    if isinstance(exc, BriefpressError):
        return [str(exc), *(str(p) for p in exc.problems)], 422
    return [str(exc)], 404


def back(letter: str, done: str, anchor: str) -> Response:
    return RedirectResponse(f"/sending/{quote(letter, safe='')}?done={done}#{anchor}", 303)


class SendForms:
    """``POST /sending`` (mail settings) and ``POST /sending/<letter>/dry-run``, ``/send``
    and ``/stop``: a sender's, as every route under /sending (team.py)."""

    def __init__(self, sending: Sending, files: ProjectFiles) -> None:
        self.sending = sending
        self.files = files

    def routes(self) -> list[Route]:
        return [
            Route("/sending", self.settings, methods=["POST"]),
            Route("/sending/{letter_id}/dry-run", self.dry_run, methods=["POST"]),
            Route("/sending/{letter_id}/send", self.send, methods=["POST"]),
            Route("/sending/{letter_id}/stop", self.stop, methods=["POST"]),
        ]

    async def settings(self, request: Request) -> Response:
        """The mail settings saved, or the form again with each problem at its field."""
        sent = await fields(request)
        values = {key: sent.get(key, "") for key in mailsettings.FIELDS}
        said: dict[str, Any] = {"values": values}
        try:
            await asyncio.to_thread(
                mailsettings.save, self.files, {**values, "etag": sent.get("etag", "")}
            )
        except records.Invalid as exc:
            return await self.sending.overview(422, {**said, "mail": exc.problems})
        except yamledit.EditError as exc:
            return await self.sending.overview(422, {**said, "mail": [_problem(str(exc))]})
        except Conflict as exc:  # the file as it is now, and why the change was not saved
            message = f"{exc.file} changed since this page was opened: nothing was saved"
            return await self.sending.overview(409, {"mail": [_problem(message)]})
        return RedirectResponse("/sending?done=mail-saved#mail-h", 303)

    async def dry_run(self, request: Request) -> Response:
        letter = request.path_params["letter_id"]
        sent = await fields(request)
        try:
            await asyncio.to_thread(
                self.sending.mailings.dry_run,
                letter,
                sent.get("recipients", ""),
                sent.get("resend_unknown") == "1",
            )
        except (Refused, Refusal, Busy, BriefpressError) as exc:
            lines, status = refusal(exc)
            return await self.sending.shown(letter, status, {"dry": lines})
        return back(letter, "dry-run", "plan")

    async def send(self, request: Request) -> Response:
        """A send, if the number typed is a number; whether it is the plan's, the send
        itself decides (and says "not sent" when it is not)."""
        letter = request.path_params["letter_id"]
        sent = await fields(request)
        confirm = sent.get("confirm", "").strip()
        if not confirm.isdigit():
            said = {"send": ["Type the number of messages to send, in figures."]}
            return await self.sending.shown(letter, 422, said)
        user = current_user()
        try:
            self.sending.mailings.start(
                letter,
                sent.get("recipients", ""),
                int(confirm),
                sent.get("password") or None,
                user["name"] if user else None,
                sent.get("resend_unknown") == "1",
            )
        except (Refused, Refusal, Busy) as exc:
            lines, status = refusal(exc)
            return await self.sending.shown(letter, status, {"send": lines})
        return back(letter, "sending", "job")

    async def stop(self, request: Request) -> Response:
        letter = request.path_params["letter_id"]
        await fields(request)
        stopping = self.sending.mailings.stop(letter)
        return back(letter, "stopping" if stopping else "ended", "job")


def _problem(message: str) -> dict[str, Any]:
    return {"field": None, "message": message, "hint": None}

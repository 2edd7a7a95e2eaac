"""The pages' plain forms, posted without JavaScript: read, answered, refused in place.

Every edit on the studio's pages is a real ``<form method="post">`` carrying the CSRF
token in a hidden field (checked by :class:`~briefpress.studio.security.CsrfGuard`);
the JavaScript modules only make the same change through the API without reloading.
A form that succeeds is answered with a redirect back to the page it came from (so a
reload never posts twice) and a word of what was done; a refused one with the page
again, the problem next to the field it concerns, and nothing written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from briefpress.core.errors import BriefpressError
from briefpress.studio import records, yamledit
from briefpress.studio.store import Conflict, Refused
from briefpress.studio.team import safe_next

REFUSALS = (records.Invalid, Conflict, Refused, yamledit.EditError, BriefpressError)
Problems = list[dict[str, Any]]


async def form_fields(request: Request) -> FormData:
    """A page's form (a few fields, never a file; its size was checked on the way in)."""
    return await request.form(max_files=0, max_fields=2000)


def problems_of(exc: Exception) -> tuple[Problems, int]:
    """A refusal as the problems a page shows, and the status it is answered with."""
    if isinstance(exc, records.Invalid):
        return exc.problems, 422
    if isinstance(exc, Conflict):
        message = f"{exc.file} changed on disk since this page was loaded: nothing was saved"
        hint = "this page now shows the file as it is; make your change again"
        return [{"field": None, "message": message, "hint": hint}], 409
    if isinstance(exc, Refused):
        return [{"field": None, "message": str(exc)}], 404
    if isinstance(exc, BriefpressError):
        return [records.problem_json(p) for p in exc.problems], 422
    return [{"field": None, "message": str(exc)}], 422


async def refused_on_page(
    exc: Exception, page: Callable[[Problems, int], Awaitable[Response]]
) -> Response:
    problems, status = problems_of(exc)
    return await page(problems, status)


def back(form: FormData, default: str, **done: str) -> Response:
    """A redirect to the page the form came from (a path of this site only), saying
    what was done in its address: ``?done=saved&id=q3``."""
    target = safe_next(str(form.get("back") or default))
    path, _, query = target.partition("?")
    kept = [
        (k, v)
        for k, v in (p.split("=", 1) for p in query.split("&") if "=" in p)
        if k not in ("done", "id")
    ]
    query = "&".join(f"{k}={v}" for k, v in kept)
    extra = urlencode(done)
    joined = "&".join(part for part in (query, extra) if part)
    return RedirectResponse(f"{path}?{joined}" if joined else path, 303)

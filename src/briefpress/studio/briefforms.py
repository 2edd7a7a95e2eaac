"""The new-brief form and the composer, posted without JavaScript.

The composer's buttons (move a record up or down, drop it, add one, back to the
default choice) are submit buttons named ``op``: without the page's script each one
posts the whole form, and the studio saves the fields that changed together with that
section's new choice, exactly as the script would through ``PATCH /api/briefs/<id>``.
A refusal comes back as the page with each reason under its field.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from briefpress.data.load import Project
from briefpress.data.model import BriefSpec
from briefpress.studio import compose, records, words
from briefpress.studio.forms import REFUSALS, form_fields, problems_of
from briefpress.studio.pages import Pages, said
from briefpress.studio.store import ProjectFiles, Refused, check_id

NEW_FIELDS = ("kind", "report", "title", "id", "language", "paper")
TEXTS = ("title", "subtitle", "intro", "ask", "language", "paper")


def slug(text: str) -> str:
    """A new brief's id from its title or its place, in whatever script they are written."""
    return words.slug(text, 60)


def new_spec(form: FormData) -> dict[str, Any]:
    """A new brief's spec from the form: the place or the theme its kind is about."""
    spec = {name: str(form.get(name) or "").strip() for name in NEW_FIELDS}
    about = {"country": "place", "theme": "theme"}.get(spec["kind"])
    if about:
        spec[about] = str(form.get(about) or "")
    spec["id"] = spec["id"] or slug(spec["title"] or spec.get(about or "", ""))
    return {k: v for k, v in spec.items() if v}


def by_field(problems: list[dict[str, Any]], known: tuple[str, ...]) -> dict[str, str]:
    """Problems keyed by the field they concern (``form`` for the others)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        field = str(problem.get("field") or "")
        name = field.split(".")[0]
        key = name if name in known else "form"
        found.setdefault(key, []).append(said(problem))
    return {k: " ".join(v) for k, v in found.items()}


def changed_fields(brief: BriefSpec, form: FormData) -> dict[str, Any]:
    """The composer's fields that differ from the brief's: only those are written."""
    changes: dict[str, Any] = {}
    for name in TEXTS:
        value = str(form.get(name) or "").strip()
        if value != (getattr(brief, name) or ""):
            changes[name] = value
    points = [p.strip() for p in str(form.get("points") or "").splitlines() if p.strip()]
    if points != list(brief.points or []):
        changes["points"] = points
    budget = str(form.get("max_pages") or "").strip()
    if budget != str(brief.max_pages or ""):
        changes["max_pages"] = int(budget) if budget.isdigit() else (budget or None)
    return changes


def section_change(project: Project, brief: BriefSpec, form: FormData) -> dict[str, Any] | None:
    """The section a composer button changed, as the spec's section, or None."""
    name, _, rest = str(form.get("op") or "").partition("|")
    how, _, record = rest.partition("|")
    if not name:
        return None
    shown = {s["name"]: s for s in compose.brief_json(project, brief)["sections"]}
    if name not in shown:
        raise Refused(f"no section {name!r} in this brief")
    if how == "reset":
        return {"name": name, "reset": True}
    ids = list(shown[name]["ids"])
    record = record or str(form.get(f"add-{name}") or "")
    if how == "add" and record and record not in ids:
        ids.append(record)
    elif how == "drop" and record in ids:
        ids.remove(record)
    elif how in ("up", "down") and record in ids:
        at = ids.index(record)
        to = at - 1 if how == "up" else at + 1
        if 0 <= to < len(ids):
            ids[at], ids[to] = ids[to], ids[at]
    return {"name": name, "from": shown[name]["from"], "ids": ids}


class BriefForms:
    def __init__(self, files: ProjectFiles, pages: Pages) -> None:
        self.files = files
        self.pages = pages

    def routes(self) -> list[Route]:
        return [
            Route("/briefs/new", self.create, methods=["POST"]),
            Route("/briefs/{brief_id}", self.compose, methods=["POST"]),
        ]

    async def create(self, request: Request) -> Response:
        form = await form_fields(request)
        spec = new_spec(form)
        try:
            brief_id = check_id(str(spec.get("id") or "-"), "brief id")
            await asyncio.to_thread(compose.save, self.files, brief_id, spec, None, True)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            shown = by_field(problems, ("title", "id"))
            values = {k: str(v) for k, v in spec.items()}
            return await self.pages.new_brief(request, shown, max(status, 422), values)
        return RedirectResponse(f"/briefs/{brief_id}?done=created&id={brief_id}", 303)

    async def compose(self, request: Request) -> Response:
        brief_id = check_id(request.path_params["brief_id"], "brief id")
        form = await form_fields(request)
        based_on = str(form.get("etag") or "") or None
        try:
            project, _ = await asyncio.to_thread(records.load, self.files.root)
            brief = project.briefs.get(brief_id)
            if brief is None:
                raise Refused(f"no brief {brief_id!r}")
            spec = changed_fields(brief, form)
            section = section_change(project, brief, form)
            if section:
                spec["sections"] = [section]
            if spec:
                await asyncio.to_thread(compose.save, self.files, brief_id, spec, based_on, False)
        except REFUSALS as exc:
            problems, status = problems_of(exc)
            known = (*TEXTS, "points", "max_pages")
            typed = {name: str(form.get(name) or "") for name in (*known,)}
            return await self.pages.brief(request, by_field(problems, known), status, typed)
        return RedirectResponse(f"/briefs/{brief_id}?done=composed&id={brief_id}", 303)

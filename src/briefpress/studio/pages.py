"""The studio's pages: server-rendered HTML, made usable without a line of YAML.

Each page is complete as HTML (lists, filters as plain GET forms, labelled fields);
the small JavaScript modules in ``static/`` save changes through the JSON API, show
problems next to their fields and refresh the preview. Jinja2 with autoescape and
StrictUndefined, sandboxed like every template briefpress renders.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from briefpress.checks.affects import stopping
from briefpress.core.errors import Location, Problem
from briefpress.core.i18n import catalog_languages
from briefpress.data import kinds
from briefpress.data.load import Project
from briefpress.data.model import PAPERS
from briefpress.studio import compose, fold, letteredit, records, upload, words
from briefpress.studio import review as review_mod
from briefpress.studio.security import Session
from briefpress.studio.store import ProjectFiles, Refused, check_id

TEMPLATES = Path(__file__).parent / "templates"
LABELS = {
    "quotes": "Quotes",
    "findings": "Findings",
    "recommendations": "Recommendations",
    "places": "Places",
    "themes": "Themes",
    "organisations": "Organisations",
}
KIND_NAMES = {
    "country": "Place brief",
    "theme": "Theme brief",
    "handout": "Handout",
    "letter": "Letter",
    "overview": "Overview",
}
# The languages a brief can be made in: every shipped interface catalog (Arabic, Hindi,
# Chinese as much as Spanish), as BCP 47 tags.
# French has no catalog of its own yet and stays offered, as before.
LANGUAGES = tuple(sorted({"fr", *(name.replace("_", "-") for name in catalog_languages())}))


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The spec's own names, as the page's labels say them (studio.js has the same list).
WORDS = {
    "max_pages": "the page budget",
    "min_pages": "the smallest page count",
    "ids": "the records chosen",
}
NAMES = re.compile(r"\b(max_pages|min_pages|ids)\b")


def plain(problem: Problem) -> str:
    """A problem as a person reads it: what is wrong, then how to fix it."""

    def said(text: str) -> str:
        text = NAMES.sub(lambda m: WORDS[m.group(1)], text)
        return text[:1].upper() + text[1:]

    message = said(problem.message)
    return f"{message}. {said(problem.hint)}." if problem.hint else f"{message}."


def said(problem: dict[str, Any]) -> str:
    """A refusal's problem (as the API gives it) in the same words as :func:`plain`."""
    message, hint = str(problem.get("message") or ""), problem.get("hint")
    return plain(Problem(Location(""), message, str(hint) if hint else None))


DONE = {
    "saved": "Saved {id}.",
    "dropped": "Dropped {id}.",
    "tagged": "Changed {id} at once.",
    "settled": "Saved.",
    "written": "Saved {id}.",
    "created": "Made the brief {id}.",
    "added": "Added {id}.",
    "imported": "Imported {id}: settle its review below.",
    "composed": "Saved {id}.",
    "merged": "Merged the towns into {id}.",
}


def done_notice(request: Request) -> str | None:
    """What a form posted without JavaScript did, said on the page it came back to."""
    text = DONE.get(request.query_params.get("done", ""))
    if text is None:
        return None
    what = request.query_params.get("id", "")
    return text.format(id=what if re.fullmatch(r"[\w. -]{1,80}", what) else "it")


class Pages:
    def __init__(self, files: ProjectFiles, session: Session, imports: upload.Imports) -> None:
        self.files = files
        self.session = session
        self.imports = imports
        self.env = environment()
        self.env.globals.update(labels=LABELS, kind_names=KIND_NAMES, plain=plain, said=said)
        self.env.filters["slug"] = words.slug
        self.env.filters["language_name"] = letteredit.language_name

    def routes(self) -> list[Route]:
        return [
            Route("/", self.home),
            Route("/import", self.import_page),
            Route("/reports/{report}/review", self.review),
            Route("/reports/{report}/{collection}", self.collection),
            Route("/briefs/new", self.new_brief),
            Route("/briefs/{brief_id}", self.brief),
        ]

    def render(self, name: str, project: Project, status: int = 200, **values: Any) -> Response:
        html = self.env.get_template(name).render(
            organisation=project.config.brand.organisation,
            reports=project.reports,
            csrf_token=self.session.csrf_token,
            **values,
        )
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": CSP}
        return HTMLResponse(html, status, headers=headers)

    async def home(self, request: Request) -> Response:
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        shared = [p for p in problems if p.is_error and not p.location.file.startswith("briefs/")]
        briefs = []
        for brief_id, brief in project.briefs.items():
            own = [p for p in problems if p.location.file == brief.file and p.is_error]
            data = [
                p
                for p in stopping(project, brief, shared)
                if p.location.file.startswith("reports/")
            ]
            briefs.append(
                {
                    "id": brief_id,
                    "title": brief.title,
                    "kind": brief.kind,
                    "problems": own,
                    "data": data,
                    "letter": brief.letter is not None,
                }
            )
        broken = sorted(
            {
                p.location.file
                for p in problems
                if p.is_error and p.location.file.startswith("briefs/")
            }
        )
        broken = [
            f
            for f in broken
            if f.removeprefix("briefs/").removesuffix(".yaml") not in project.briefs
        ]
        return self.render(
            "home.html.j2", project, briefs=briefs, shared=shared, broken=broken, title="Studio"
        )

    async def collection(
        self,
        request: Request,
        page_problems: dict[str, str] | None = None,
        status: int = 200,
        typed: dict[str, Any] | None = None,
    ) -> Response:
        """A collection's list, with the problems of a form refused on it next to their
        record (``page_problems``: by record id, ``bulk``, ``new`` or ``page``; ``typed``:
        what the new-record form had)."""
        report, collection = request.path_params["report"], request.path_params["collection"]
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        try:
            check_id(report, "report id")
            relative, _ = records.record_file(self.files.root, report, collection)
            filters = {
                k: v
                for k, v in request.query_params.items()
                if k in ("place", "theme", "section", "q") and v
            }
            items = records.listing(project, report, collection, filters)
        except Refused as exc:
            return self.render("missing.html.j2", project, 404, what=str(exc), title="Not found")
        data = project.reports[report]
        own = [p for p in problems if p.location.file == relative]
        query = "&".join(f"{k}={quote(v)}" for k, v in filters.items())
        return self.render(
            "collection.html.j2",
            project,
            status,
            title=f"{LABELS[collection]} · {data.report.title}",
            report=report,
            data=data,
            collection=collection,
            items=items,
            total=len(data.collection(records.ATTRIBUTE.get(collection, collection))),
            filters=filters,
            file=relative,
            etag=self.files.version(relative),
            problems=own,
            editable=records.EDITABLE[collection],
            page_problems=page_problems or {},
            typed=typed or {},
            creatable=collection in ("findings", "themes"),
            back=f"/reports/{report}/{collection}" + (f"?{query}" if query else ""),
            status_text=done_notice(request),
        )

    async def import_page(
        self, request: Request, problem: str | None = None, status: int = 200
    ) -> Response:
        """The import form (``problem``: why an upload posted without script was refused)."""
        project, _ = await asyncio.to_thread(records.load, self.files.root)
        limit = upload.MAX_UPLOAD // 2**20
        return self.render(
            "import.html.j2", project, status, title="Import a report", limit=limit, problem=problem
        )

    async def review(
        self,
        request: Request,
        page_problems: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        """The review's to-do list (``page_problems``: a refused form's, by ``file:line``
        of its field, or ``page``)."""
        report = request.path_params["report"]
        project, _ = await asyncio.to_thread(records.load, self.files.root)
        try:
            check_id(report, "report id")
            if not (self.files.root / "reports" / report).is_dir():
                raise Refused(f"no report {report!r} in this project")
            items = await asyncio.to_thread(review_mod.review_items, self.files, report)
            fields = await asyncio.to_thread(review_mod.to_write, self.files, report)
        except Refused as exc:
            return self.render("missing.html.j2", project, 404, what=str(exc), title="Not found")
        towns = await asyncio.to_thread(fold.towns_to_fold, self.files, report)
        data = project.reports.get(report)
        folding = {t["id"] for t in towns}
        places = [p for p in (data.countries.values() if data else []) if p.id not in folding]
        return self.render(
            "review.html.j2",
            project,
            status,
            page_problems=page_problems or {},
            status_text=done_notice(request),
            title=f"Review of {report}",
            report=report,
            items=items,
            fields=fields,
            towns=towns,
            places=places,
            left=review_mod.count_left(items, fields),
            imported=self._imported(request, report),
        )

    def _imported(self, request: Request, report: str) -> list[str]:
        """The summary of the import that just opened this review, as the terminal says it."""
        state = self.imports.status(request.query_params.get("import", ""))
        result = (state or {}).get("result") or {}
        return list(result.get("lines") or []) if result.get("report") == report else []

    async def new_brief(
        self,
        request: Request,
        page_problems: dict[str, str] | None = None,
        status: int = 200,
        values: dict[str, str] | None = None,
    ) -> Response:
        """The new-brief form (again with a refused form's ``values`` and problems)."""
        project, _ = await asyncio.to_thread(records.load, self.files.root)
        return self.render(
            "new.html.j2",
            project,
            status,
            page_problems=page_problems or {},
            values=values or {},
            title="New brief",
            kinds=kinds.names(),
            papers=PAPERS,
            languages=LANGUAGES,
        )

    async def brief(
        self,
        request: Request,
        page_problems: dict[str, str] | None = None,
        status: int = 200,
        typed: dict[str, str] | None = None,
    ) -> Response:
        """The composer (``page_problems``: a refused form's, by field; ``typed``: what
        was typed in it, shown again rather than lost)."""
        brief_id = request.path_params["brief_id"]
        project, problems = await asyncio.to_thread(records.load, self.files.root)
        try:
            relative = compose.brief_path(self.files.root, brief_id)
        except Refused as exc:
            return self.render("missing.html.j2", project, 404, what=str(exc), title="Not found")
        brief = project.briefs.get(brief_id)
        own = [p for p in problems if p.location.file == relative]
        if brief is None:
            if self.files.version(relative) is None:
                return self.render(
                    "missing.html.j2",
                    project,
                    404,
                    what=f"no brief {brief_id!r}",
                    title="Not found",
                )
            return self.render(
                "broken.html.j2",
                project,
                422,
                brief_id=brief_id,
                file=relative,
                problems=own,
                title=brief_id,
            )
        return self.render(
            "brief.html.j2",
            project,
            status,
            page_problems=page_problems or {},
            typed=typed or {},
            status_text=done_notice(request),
            title=brief.title,
            brief=brief,
            spec=compose.brief_json(project, brief),
            data=project.reports.get(brief.report),
            etag=self.files.version(relative),
            problems=own,
            papers=PAPERS,
            languages=sorted({*LANGUAGES, brief.language}),
            field_of=lambda p: compose.field_of(self.files.read(relative).decode("utf-8"), p),
        )


# Scripts only from the studio itself; no inline script; the preview's pictures from here.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

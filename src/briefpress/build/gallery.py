"""The gallery: one card per brief, as the static ``out/index.html`` and in ``serve``.

Both pages show the same cards (first-page thumbnail, kind, language, pages,
built or failed with its errors), so the card state and the page templates
live here and ``serve`` only swaps the links: the static file links to PDFs
next to it, so that ``out/`` can be zipped, shared or opened from disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from briefpress import editions
from briefpress.build.results import BriefResult
from briefpress.build.thumbs import Thumbnails, page_sizes
from briefpress.core.assets import ASSETS
from briefpress.core.errors import Location, Problem
from briefpress.core.files import write_atomic
from briefpress.data import kinds
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec
from briefpress.render.html import build_date

WEB_DIR = Path(__file__).parent.parent / "web"


@dataclass
class BriefCard:
    """What a person needs to see about one brief: what it is and whether it built."""

    id: str
    title: str
    kind: str = ""
    language: str = ""
    subject: str | None = None
    file: str = ""
    pages: int = 0
    status: str = "queued"  # queued | building | built | failed
    problems: list[Problem] = field(default_factory=list)
    files: tuple[str, ...] = ()  # the editions it has a file in, in the registry's order
    thumb: str | None = None  # cache-busting stamp of out/thumbs/<id>.png
    updated: dt.datetime | None = None

    @property
    def kind_label(self) -> str:
        kind = kinds.get(self.kind)
        return kind.label if kind else (self.kind.capitalize() or "Brief")

    def keep_files(self, previous: BriefCard) -> None:
        """Show what is on disk (PDF, thumbnail, pages) until a new build replaces it."""
        self.thumb, self.pages = previous.thumb, previous.pages
        self.files = previous.files

    @property
    def has_pdf(self) -> bool:
        """Whether it has a file in the default edition (the one previewed)."""
        return editions.default().name in self.files

    @property
    def downloads(self) -> list[tuple[str, str]]:
        """Each edition it has a file in: name and label ("Print PDF", "Web page")."""
        return [(name, editions.get(name).label) for name in self.files]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error] or self.problems


def new_card(brief_id: str, brief: BriefSpec | None, project: Project) -> BriefCard:
    """A card for a brief; ``brief`` is None when its spec does not load."""
    if brief is None:
        return BriefCard(brief_id, brief_id, file=f"briefs/{brief_id}.yaml")
    return BriefCard(
        brief.id,
        brief.title,
        brief.kind,
        brief.language,
        subject_name(brief, project),
        brief.file,
    )


def subject_name(brief: BriefSpec, project: Project) -> str | None:
    """The country's or theme's name, as the report spells it."""
    data = project.reports.get(brief.report)
    if data is None:
        return None
    if brief.country and brief.country in data.countries:
        return data.countries[brief.country].name
    names = [data.themes[t].name for t in brief.all_themes if t in data.themes]
    return ", ".join(names) or None


def apply_result(card: BriefCard, result: BriefResult, strict: bool) -> None:
    """Fold one edition's outcome into the card: any failed edition fails the brief."""
    failed = result.failed(strict) or card.status == "failed"
    card.status = "failed" if failed else "built"
    known = {str(p) for p in card.problems}
    found = [*result.stopped_by, *result.problems]
    card.problems += [p for p in found if str(p) not in known]
    if result.edition == editions.default().name or not card.pages:
        card.pages = result.pages or card.pages
    card.updated = dt.datetime.now()


def refresh_files(card: BriefCard, project: Project, thumbs: Thumbnails) -> None:
    """Which editions' files exist (a PDF, a web page), and a thumbnail of the first page
    (the default edition's PDF if any, else the first other PDF's)."""
    found = {e.name: e.output(project.out_dir, card.id) for e in editions.registry().values()}
    card.files = tuple(name for name, path in found.items() if path.exists())
    pdfs = [e.name for e in editions.pdf_editions() if e.name in card.files]
    source = found[pdfs[0] if pdfs else editions.default().name]
    try:
        thumbs.update(card.id, source)
        if not card.pages and source.exists():  # not built now, but built before
            card.pages = len(page_sizes(source))
    except Exception as exc:  # a thumbnail is a nicety: never fail a build over one
        message = f"no thumbnail: {type(exc).__name__}: {exc}"
        card.problems.append(Problem(Location(card.file), message, severity="warning"))
    card.thumb = thumbs.stamp(card.id)


# --- pages ---------------------------------------------------------------------


class StaticLinks:
    """Links from ``out/index.html``: relative, so the folder works anywhere."""

    live = False

    def brief(self, card: BriefCard) -> str:
        return self.download(card, card.files[0]) if card.files else self.pdf(card)

    def pdf(self, card: BriefCard) -> str:
        return self.download(card, editions.default().name)

    def download(self, card: BriefCard, edition: str) -> str:
        return download_path(card, edition)

    def thumb(self, card: BriefCard) -> str:
        return f"{THUMBS_URL}{card.id}.png?v={card.thumb}"

    def index(self) -> str:
        return "index.html"

    def asset(self, path: str) -> str:
        return f"{ASSETS}/{path}"


THUMBS_URL = "thumbs/"


def download_path(card: BriefCard, edition: str) -> str:
    """A brief's file in ``edition``, relative to ``out/``."""
    return editions.get(edition).output(Path(), card.id).as_posix()


@cache
def ui_environment() -> jinja2.Environment:
    """Jinja for briefpress's own pages (not a brief's sandboxed templates)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(WEB_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = (WEB_DIR / "ui.css").read_text(encoding="utf-8")
    env.globals["live_js"] = (WEB_DIR / "live.js").read_text(encoding="utf-8")
    return env


def site_title(project: Project) -> str:
    brand = project.config.brand
    return f"{brand.short or brand.organisation} briefs"


def render_page(name: str, project: Project, **values: Any) -> str:
    """One of briefpress's own pages, in the project's brand colour."""
    values.setdefault("shared", [])
    values.setdefault("version", 0)
    return (
        ui_environment()
        .get_template(name)
        .render(
            title=site_title(project),
            organisation=project.config.brand.organisation,
            accent=project.config.brand.colours.primary,
            date=build_date(),
            **values,
        )
    )


def render_gallery(project: Project, cards: Iterable[BriefCard]) -> str:
    return render_page("index.html.j2", project, cards=list(cards), links=StaticLinks())


def write_gallery(project: Project, cards: Iterable[BriefCard]) -> Path:
    """Write ``out/index.html`` (atomically: a browser never sees half a page)."""
    path = project.out_dir / "index.html"
    write_atomic(path, render_gallery(project, cards).encode("utf-8"))
    return path


def refresh_thumbnails(project: Project, results: list[BriefResult]) -> None:
    """Thumbnails of the briefs in ``results`` only (a build of some named briefs)."""
    thumbs = Thumbnails(project.out_dir)
    for brief_id in dict.fromkeys(r.brief.id for r in results):
        refresh_files(new_card(brief_id, project.briefs.get(brief_id), project), project, thumbs)
    thumbs.save()


def publish_results(project: Project, results: list[BriefResult], strict: bool = False) -> Path:
    """After a full build: thumbnails for PDFs that changed, then ``out/index.html``."""
    cards = {bid: new_card(bid, brief, project) for bid, brief in project.briefs.items()}
    for result in results:
        apply_result(cards[result.brief.id], result, strict)
    thumbs = Thumbnails(project.out_dir)
    for card in cards.values():
        refresh_files(card, project, thumbs)
    thumbs.save()
    return write_gallery(project, cards.values())

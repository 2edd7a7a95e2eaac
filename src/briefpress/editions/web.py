"""The web edition: an accessible, responsive HTML site of every brief, in ``out/web/``.

One page per brief shows the content its PDFs show (the kind's own template renders it,
from the same checked data, in the brief's language and direction), with the screen PDF
linked for download and social-card metadata whose picture is the PDF's first page. An
index lists every brief. The folder needs nothing outside itself (assets and the project's
linked files are copied in, every link is relative) and no JavaScript, so it works opened
from disk and uploaded as it is to the organisation's website.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from briefpress.core import i18n
from briefpress.core.assets import ASSETS, THEME_FONTS, THEME_STYLES, sync_tree
from briefpress.core.errors import Location, Problem
from briefpress.core.files import inside, write_atomic
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec
from briefpress.editions.base import Edition, Finishing, Outcome
from briefpress.render.html import Rendered, brand_css, language_environment
from briefpress.render.medium import Medium

SCREEN = "screen"  # the PDF each page offers for download (and pictures on social cards)
FILES = "pdf"  # out/web/pdf/<id>.pdf and <id>.png
PROJECT = "project"  # the project's stylesheets and logo, as the pages link them

MEDIUM = Medium(
    "web",
    folder="web",
    stylesheet="styles/web.css",
    template="editions/web/page.html.j2",
    assets_prefix="",  # out/web/assets: the site carries its own copy
    project_prefix=f"{PROJECT}/",
)


def page_bytes(rendered: Rendered) -> bytes:
    """A brief's web page is its rendered HTML, as it is."""
    return rendered.html.encode("utf-8")


def finish_site(done: Finishing) -> list[Problem]:
    """Copy what the pages link (assets, the project's files, each brief's PDF and the
    picture of its first page); on a build of every brief, write the index and drop the
    files of briefs that are gone."""
    project = done.project
    site = project.out_dir / MEDIUM.folder
    copy_theme(site / ASSETS)
    sync_tree(THEME_FONTS, site / ASSETS / "fonts")
    problems = copy_project_files(project, site / PROJECT)
    pages = [o for o in done.outcomes if o.edition == MEDIUM.name and o.written]
    pdfs = {o.brief.id: o for o in done.outcomes if o.edition == SCREEN}
    for page in pages:
        problems += copy_download(page.brief, pdfs.get(page.brief.id), project, site / FILES)
    if done.full:
        keep = {p.brief.id for p in pages}
        remove_strays(site / FILES, keep)
        write_atomic(site / "index.html", index_page(project, [p.brief for p in pages]))
    return problems


def copy_theme(assets: Path) -> None:
    """The theme's stylesheets, but those of other editions (the print edition's links a
    colour profile no web page needs)."""
    from briefpress import editions  # the registry imports this module: look it up late

    others = {e.medium.stylesheet for e in editions.registry().values() if e.medium != MEDIUM}
    for sheet in sorted(THEME_STYLES.glob("*.css")):
        if f"styles/{sheet.name}" not in others:
            copy_if_changed(sheet, assets / "styles" / sheet.name)
    for stale in sorted((assets / "styles").glob("*.css")):
        if f"styles/{stale.name}" in others:
            stale.unlink()


def copy_project_files(project: Project, target: Path) -> list[Problem]:
    """The project's stylesheets, the briefs' own and the logo, where the pages link them."""
    root = project.root
    wanted = sorted((root / "styles").glob("*.css")) if (root / "styles").is_dir() else []
    for brief in project.briefs.values():
        wanted += [root / sheet for sheet in brief.stylesheets]
    if project.config.brand.logo:
        wanted.append(root / project.config.brand.logo)
    problems = []
    for path in dict.fromkeys(wanted):
        if not inside(path, [root]) or not path.is_file():
            problems.append(Problem(Location(project.display(path)), "not copied to out/web/"))
            continue
        copy_if_changed(path, target / path.relative_to(root))
    return problems


def copy_download(
    brief: BriefSpec, pdf: Outcome | None, project: Project, files: Path
) -> list[Problem]:
    """The brief's PDF and its first page's picture beside its page; a PDF not built now
    is removed rather than offered stale."""
    target = files / f"{brief.id}.pdf"
    if pdf is None or not pdf.written:
        target.unlink(missing_ok=True)
        message = f"the web page of {brief.id!r} links no PDF: its screen PDF was not built"
        return [
            Problem(Location(brief.file), message, "build it with: briefpress build --edition web")
        ]
    copy_if_changed(pdf.output, target)
    thumb = project.out_dir / "thumbs" / f"{brief.id}.png"
    if thumb.is_file():
        copy_if_changed(thumb, files / f"{brief.id}.png")
    return []


def copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data)


def remove_strays(files: Path, keep: set[str]) -> None:
    """Delete the PDFs and pictures of briefs that are no longer built."""
    if not files.is_dir():
        return
    for path in files.iterdir():
        if path.suffix in (".pdf", ".png") and path.stem not in keep and path.is_file():
            path.unlink()


def index_page(project: Project, briefs: list[BriefSpec]) -> bytes:
    """The site's index, in the language most of its briefs are written in."""
    languages = Counter(b.language for b in briefs)
    language = languages.most_common(1)[0][0] if briefs else i18n.SOURCE_LANGUAGE
    env = language_environment(project.root, language)
    template = env.get_template("editions/web/index.html.j2")
    files = project.out_dir / MEDIUM.folder / FILES
    html = template.render(
        briefs=sorted(briefs, key=lambda b: (b.kind, b.title)),
        names={b.language: language_name(b.language) for b in briefs},
        pictures={b.id for b in briefs if (files / f"{b.id}.png").is_file()},
        files=FILES,
        brand=project.config.brand,
        brand_css=brand_css(project.config, MEDIUM, language),
        stylesheets=[f"{ASSETS}/styles/common.css", f"{ASSETS}/{MEDIUM.stylesheet}"],
        lang=language,
        dir=i18n.Language(language).direction,
    )
    return html.encode("utf-8")


def language_name(tag: str) -> str:
    """A language's name in that language ("Русский"), for readers who look for theirs."""
    found = i18n.parse_locale(tag)
    name = found.get_display_name(found) if found is not None else None
    return (name[:1].upper() + name[1:]) if name else tag


EDITION = Edition(
    medium=MEDIUM,
    summary="web: out/web/, an HTML page per brief and an index, the PDFs linked",
    label="Web page",
    order=30,
    suffix=".html",
    renderer=page_bytes,
    finisher=finish_site,
    needs=(SCREEN,),
    thumbnails=True,
)

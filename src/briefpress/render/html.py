"""Render stage: a brief's selected records into standalone HTML with Jinja2.

Templates are looked up in the project's ``templates/`` first, then in the
theme shipped with briefpress. ``StrictUndefined`` turns a typo in a template
into an error instead of a silently empty box, and autoescaping keeps text
from the data from ever becoming markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from briefpress import __version__
from briefpress.core import i18n
from briefpress.core.assets import ASSETS, THEME_TEMPLATES
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec, Config, ReportData
from briefpress.data.select import group_by_country, resolve_sections, select
from briefpress.data.translations import localise
from briefpress.render import visuals

EDITION_PAGE = {"A4": "a4", "A5": "a5", "Letter": "letter"}


@dataclass(frozen=True)
class Rendered:
    """A brief's HTML and what the PDF stage needs to know about it."""

    brief: BriefSpec
    edition: str
    html: str
    base_dir: Path
    selected: dict[str, list[Any]]


def build_date(today: dt.date | None = None) -> dt.date:
    """The date printed on briefs: from SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return today or dt.date.today()


def make_environment(
    project_root: Path, language: str = i18n.SOURCE_LANGUAGE
) -> jinja2.Environment:
    """One Jinja2 environment per project and language: user templates shadow the theme's.

    Templates are shared between organisations like data, so they run sandboxed:
    they can print what they are given but never reach Python internals. The
    language's catalog is installed for good (gettext globals are per environment).
    """
    search = [project_root / "templates", THEME_TEMPLATES]
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=bytecode_cache(project_root),
    )
    i18n.install(env, language)
    env.globals["search_path"] = [str(p) for p in search]
    env.filters["paragraphs"] = paragraphs
    return env


def bytecode_cache(project_root: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept under out/, so a no-op build does not compile them again."""
    folder = project_root / "out" / ".cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only project still renders, only slower
    return jinja2.FileSystemBytecodeCache(str(folder))


@functools.lru_cache(maxsize=32)
def language_environment(project_root: Path, language: str) -> jinja2.Environment:
    """The cached environment of one language, for briefs not in the caller's one."""
    return make_environment(project_root, language)


def environment_for(
    brief: BriefSpec, project: Project, env: jinja2.Environment | None
) -> jinja2.Environment:
    """``env`` if it speaks the brief's language, else that language's environment."""
    if env is not None and env.globals.get("catalog_language") == brief.language:
        return env
    return language_environment(project.root, brief.language)


def paragraphs(text: str) -> list[str]:
    """Split editorial text on blank lines, so YAML block text becomes paragraphs."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def template_name(brief: BriefSpec) -> str:
    return brief.template or f"{brief.kind}.html.j2"


def get_template(env: jinja2.Environment, brief: BriefSpec, project: Project) -> jinja2.Template:
    name = template_name(brief)
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        looked = [project.display(project.root / "templates"), "briefpress theme (built in)"]
        raise BriefpressError(
            [
                Problem(
                    brief.loc, f"template {exc.name!r} not found", f"looked in: {', '.join(looked)}"
                )
            ]
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        where = Location(project.display(Path(exc.filename)) if exc.filename else name, exc.lineno)
        raise BriefpressError([Problem(where, f"template syntax error: {exc.message}")]) from None


def stylesheet_links(brief: BriefSpec, project: Project, edition: str) -> list[str]:
    """Stylesheets relative to ``out/``: the theme's, then the project's own."""
    links = [f"{ASSETS}/styles/{brief.kind}.css"]
    styles_dir = project.root / "styles"
    if styles_dir.is_dir():
        links += [f"../styles/{p.name}" for p in sorted(styles_dir.glob("*.css"))]
    links += [f"../{s}" for s in brief.stylesheets]
    if edition == "print":
        links = [f"../{link}" for link in links]  # print HTML sits one folder deeper
    return links


def palette(config: Config, edition: str) -> dict[str, str]:
    """Brand colours as CSS colour values: sRGB on screen, ``device-cmyk()`` in print.

    Templates use the CSS custom properties; figures drawn in Python (visuals)
    take these values, since an inline SVG cannot see the page's variables.
    """
    colours = config.brand.colours
    values = {}
    for name in ("primary", "accent", "highlight", "ink", "muted", "tint"):
        if edition == "print":
            c, m, y, k = (float(v) / 100 for v in getattr(colours, f"{name}_cmyk").split())
            values[name] = f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
        else:
            values[name] = getattr(colours, name)
    return values


def brand_css(config: Config, edition: str) -> Markup:
    """CSS custom properties from the brand: sRGB on screen, CMYK in print."""
    lines = [f"--{name}: {value};" for name, value in palette(config, edition).items()]
    lines.append(f"--body-font: '{config.brand.body_font}';")
    lines.append(f"--heading-font: '{config.brand.heading_font}';")
    css = ":root { " + " ".join(lines) + " }"
    return Markup(css.replace("<", ""))  # trusted config, but never let it close <style>


def localised_brief(brief: BriefSpec) -> BriefSpec:
    """The brief with the defaults a template prints filled in its own language."""
    letter = brief.letter
    if letter is None or letter.closing is not None:
        return brief
    closing = i18n.Language(brief.language).gettext(i18n.CLOSING)
    return dataclasses.replace(brief, letter=dataclasses.replace(letter, closing=closing))


def context(brief: BriefSpec, project: Project, edition: str) -> dict[str, Any]:
    """What a template sees: report records in the brief's language (translated where
    a translation exists, marked as English where not), and the brief's own fields."""
    data: ReportData = localise(project.reports[brief.report], brief.language)
    language = i18n.Language(brief.language)
    sections = resolve_sections(brief)
    selected = {s.name: select(data.collection(s.from_ or s.name), s) for s in sections}
    country = data.countries.get(brief.country or "")
    model = data.models.get(country.model) if country else None
    date = build_date()
    return {
        "brief": localised_brief(brief),
        "report": data.report,
        "data": data,
        "sections": selected,
        "section_specs": {s.name: s for s in sections},
        "country": country,
        "model": model,
        "themes": [data.themes[t] for t in brief.all_themes if t in data.themes],
        "brand": project.config.brand,
        "brand_css": brand_css(project.config, edition) + Markup(language.quotes_css()),
        "edition": edition,
        "paper": EDITION_PAGE.get(brief.paper, "a4"),
        "lang": brief.language,
        "source_lang": i18n.SOURCE_LANGUAGE,
        "date": date,
        "date_iso": date.isoformat(),
        "stylesheets": stylesheet_links(brief, project, edition),
        "version": __version__,
        "group_by_country": group_by_country,
        "visuals": visuals,
        "palette": palette(project.config, edition),
        "edition_stylesheet": (f"../{ASSETS}/styles/print.css" if edition == "print" else None),
        "section_titles": {s.id: s.title for s in data.report.sections},
    }


def render_brief(
    brief: BriefSpec, project: Project, edition: str, env: jinja2.Environment | None = None
) -> Rendered:
    """The brief's HTML for one edition; raises BriefpressError for template mistakes."""
    env = environment_for(brief, project, env)
    template = get_template(env, brief, project)
    ctx = context(brief, project, edition)
    try:
        html = template.render(ctx)
    except jinja2.UndefinedError as exc:
        raise BriefpressError(
            [Problem(brief.loc, f"template {template_name(brief)!r}: {exc.message}")]
        ) from None
    except jinja2.TemplateError as exc:
        raise BriefpressError(
            [Problem(brief.loc, f"template {template_name(brief)!r} failed: {exc}")]
        ) from None
    base = project.out_dir if edition == "screen" else project.out_dir / "print"
    return Rendered(brief, edition, html, base, ctx["sections"])

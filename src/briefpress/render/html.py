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
from types import CodeType
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from briefpress import __version__
from briefpress.core import i18n
from briefpress.core.assets import ASSETS, THEME_DIR, THEME_TEMPLATES
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import inside, read_input
from briefpress.core.scripts import break_opportunities, script_of
from briefpress.data import kinds
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec, Config, ReportData, Spectrum
from briefpress.data.select import group_by_country, resolve_sections, select
from briefpress.data.translations import TranslationCredit, localise, translations_for
from briefpress.render import visuals
from briefpress.render.medium import Medium
from briefpress.render.names import keep_whole, mark_non_joiners, names_of

EDITION_PAGE = {"A4": "a4", "A5": "a5", "Letter": "letter"}


@dataclass(frozen=True)
class Rendered:
    """A brief's HTML and what the PDF stage needs to know about it."""

    brief: BriefSpec
    medium: Medium
    html: str
    base_dir: Path
    selected: dict[str, list[Any]]

    @property
    def edition(self) -> str:
        """The name of the edition this HTML was rendered for."""
        return self.medium.name


def build_date(today: dt.date | None = None) -> dt.date:
    """The date printed on briefs: from SOURCE_DATE_EPOCH when set, for reproducible builds.

    A value that is not a whole number of seconds since 1970 (``abc``, ``-5``, ``1e9``)
    stops the build with a located problem: ignoring it would print today's date on a
    build its author meant to be reproducible. An empty value counts as unset."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return today or dt.date.today()
    try:
        if not (epoch.isascii() and epoch.isdigit()):
            raise ValueError(epoch)
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise BriefpressError(
            [
                Problem(
                    Location("SOURCE_DATE_EPOCH"),
                    f"the environment variable is {epoch[:30]!r}, not a date",
                    "set it to seconds since 1970 (date +%s), or unset it",
                )
            ]
        ) from None


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
        loader=ConfinedLoader(search, [project_root, THEME_DIR]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=COMPILED,
    )
    i18n.install(env, language, i18n.catalog_dirs(project_root))
    env.globals["search_path"] = [str(p) for p in search]
    env.filters["paragraphs"] = paragraphs
    env.globals["bdi"] = bdi
    return env


def edition_labels(language: i18n.Language) -> dict[str, Any]:
    """The labels that name the report's own edition, and the language each is printed
    in, from a Language that knows the report's (the environment's globals do not)."""
    return {
        "edition_note": language.edition_note,
        "edition_note_lang": language.edition_note_lang,
        "label_brackets": language.label_brackets,
    }


def bdi(value: Any) -> Markup:
    """A value put into a sentence (a name, a number, a date), isolated from the text
    around it: a Latin name in an Arabic salutation keeps the comma where it belongs."""
    return Markup("<bdi>{}</bdi>").format(value)


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process for all its environments (one per language,
    all made alike by :func:`make_environment`): a mailing in five languages compiled each
    template five times, a second of its start. Kept in memory only, by file and source
    checksum, so an edited template is compiled again; nothing is written to or read
    from disk (Jinja's own file cache unpickles what it finds there)."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self.codes[bucket.key] = (bucket.checksum, bucket.code)


COMPILED = CompiledTemplates()
MAX_TEMPLATE_BYTES = 4 * 1024 * 1024


class TemplateRefused(jinja2.TemplateError):
    """A template file that exists but may not or cannot be used; says where and why."""

    def __init__(
        self, where: str, message: str, hint: str | None = None, line: int | None = None
    ) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.why, self.hint, self.line = where, message, hint, line

    def problem(self) -> Problem:
        return Problem(Location(self.where, self.line), self.why, self.hint)


class ConfinedLoader(jinja2.BaseLoader):
    """Templates from ``search`` folders (first match wins), read only if the file, every
    symbolic link followed, lies inside ``roots`` (the project and the theme): the
    rule the PDF stage's fetcher applies to stylesheets and images, here for
    ``{% include %}``, ``{% extends %}`` and ``{% import %}`` too.

    Compiled templates are kept in memory only: nothing is ever loaded back as code
    from disk (a bytecode cache under ``out/`` would be code anyone who can write
    ``out/`` could plant).
    """

    def __init__(self, search: list[Path], roots: list[Path]) -> None:
        self.search = search
        self.roots = roots

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.search:
            path = folder.joinpath(*pieces)
            if path.is_file():
                return self._read(path, template)
        raise jinja2.TemplateNotFound(template)

    def _read(self, path: Path, template: str) -> tuple[str, str, Any]:
        shown = self._display(path)
        if not inside(path, self.roots):
            raise TemplateRefused(
                shown,
                f"template {template!r} leads outside the project (a symbolic link)",
                "templates are read only from the project and the briefpress theme",
            )
        try:
            raw = read_input(path.resolve(), MAX_TEMPLATE_BYTES)
        except OSError as exc:
            raise TemplateRefused(shown, f"cannot read template: {exc.strerror}") from None
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            message = f"template is not UTF-8 text (byte {exc.start + 1})"
            raise TemplateRefused(shown, message, "save the file as UTF-8", line) from None
        mtime = _mtime(path)
        return source, str(path), lambda: _mtime(path) == mtime

    def _display(self, path: Path) -> str:
        if path.is_relative_to(THEME_TEMPLATES):
            return f"briefpress theme/{path.relative_to(THEME_TEMPLATES).as_posix()}"
        root = self.roots[0]
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.search:
            if folder.is_dir():
                found |= {p.relative_to(folder).as_posix() for p in folder.rglob("*.j2")}
        return sorted(found)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def language_environment(project_root: Path, language: str) -> jinja2.Environment:
    """The cached environment of one language, for briefs not in the caller's one; a
    new or edited catalog in the project's locale/ makes a new one."""
    stamp = i18n.catalog_stamp(language, i18n.catalog_dirs(project_root))
    return _language_environment(project_root, language, stamp)


@functools.lru_cache(maxsize=32)
def _language_environment(
    project_root: Path, language: str, stamp: tuple[str, int] | None
) -> jinja2.Environment:
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
    kind = kinds.get(brief.kind)
    return brief.template or (kind.template_name if kind else f"{brief.kind}.html.j2")


def get_template(
    env: jinja2.Environment, brief: BriefSpec, project: Project, page: str | None = None
) -> jinja2.Template:
    name = template_name(brief)
    try:
        if page is not None:
            env.get_template(name)  # a missing kind template is the brief's mistake: say so
        return env.get_template(page or name)
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
    except TemplateRefused as exc:
        raise BriefpressError([exc.problem()]) from None


def stylesheet_links(brief: BriefSpec, project: Project, medium: Medium) -> list[str]:
    """Stylesheets relative to the brief's HTML: the theme's, then the project's own."""
    kind = kinds.get(brief.kind)
    sheet = kind.stylesheet_name if kind else f"{brief.kind}.css"
    links = [f"{medium.to_out}{ASSETS}/styles/{sheet}"]
    styles_dir = project.root / "styles"
    if styles_dir.is_dir():
        links += [f"{medium.to_project}styles/{p.name}" for p in sorted(styles_dir.glob("*.css"))]
    links += [f"{medium.to_project}{s}" for s in brief.stylesheets]
    return links


def palette(config: Config, medium: Medium) -> dict[str, str]:
    """Brand colours as CSS colour values: sRGB on screen, ``device-cmyk()`` in print.

    Templates use the CSS custom properties; figures drawn in Python (visuals)
    take these values, since an inline SVG cannot see the page's variables.
    """
    colours = config.brand.colours
    values = {}
    for name in ("primary", "accent", "highlight", "ink", "muted", "tint", "paper"):
        if medium.cmyk:
            # Small grey type is a screen of black dots on paper, ragged at 7 pt: in print
            # the secondary text colour is the text ink itself, solid.
            ink = "ink" if name == "muted" else name
            c, m, y, k = (float(v) / 100 for v in getattr(colours, f"{ink}_cmyk").split())
            if ink == "ink" and c == m == y == 0:
                k = 1.0  # text in a neutral ink prints solid: 100% K, never a screened grey
            values[name] = f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
        else:
            values[name] = getattr(colours, name)
    return values


def brand_css(config: Config, medium: Medium, language: str = i18n.SOURCE_LANGUAGE) -> Markup:
    """CSS custom properties from the brand: sRGB on screen, CMYK in print; the font
    stacks of the brief's language (the brand fonts, then a font for every script)."""
    lines = [f"--{name}: {value};" for name, value in palette(config, medium).items()]
    stacks = config.brand.stacks(language)
    lines.append(f"--body-font: {stacks.css(stacks.body)};")
    lines.append(f"--heading-font: {stacks.css(stacks.heading)};")
    css = ":root { " + " ".join(lines) + " }"
    return Markup(css.replace("<", ""))  # trusted config, but never let it close <style>


def font_stacks_css(config: Config, language: str) -> dict[str, str]:
    """The brief's font stacks as CSS ``font-family`` lists, for SVG figures, which do not
    see the page's custom properties."""
    stacks = config.brand.stacks(language)
    return {"body": stacks.css(stacks.body), "heading": stacks.css(stacks.heading)}


def script_context(config: Config, language: str) -> dict[str, Any]:
    """The brief's script (partials/script.css.j2) and its font stacks for SVG figures."""
    return {"script": script_of(language), "font_stacks": font_stacks_css(config, language)}


def localised_brief(brief: BriefSpec, language: i18n.Language) -> BriefSpec:
    """The brief with the defaults a template prints filled in its own language."""
    letter = brief.letter
    if letter is None or letter.closing is not None:
        return brief
    closing = language.gettext(i18n.CLOSING)
    return dataclasses.replace(brief, letter=dataclasses.replace(letter, closing=closing))


def _translated(value: Any) -> bool:
    """Whether a record (or one nested in it) shows a translated passage: its words or
    the report's (``verbatim`` and ``editorial`` fields), not a translated name."""
    if isinstance(value, list):
        return any(_translated(v) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return False
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        passage = f.metadata.get("verbatim") or f.metadata.get("editorial")
        texts = item if isinstance(item, list) else [item]
        if passage and any(i18n.is_translated(t) for t in texts):
            return True
        if _translated(item):
            return True
    return False


def translation_credit(
    brief: BriefSpec, data: ReportData, shown: list[Any]
) -> TranslationCredit | None:
    """The credit a brief prints once: only if it shows translated report text, naming
    the translator only where the translations file does (``translation: {by: ...}``)."""
    if not any(_translated(record) for record in shown):
        return None
    source = translations_for(data, brief.language)
    return (source.credit if source else None) or TranslationCredit()


def credit_context(
    brief: BriefSpec, data: ReportData, shown: list[Any], language: i18n.Language
) -> dict[str, Any]:
    """The translation notice a brief prints once, if any, and its sentence."""
    credit = translation_credit(brief, data, shown)
    if credit is None:
        line = ""
    elif credit.by:
        line = language.report_label(i18n.CREDIT_BY) % {"by": credit.by}
    else:
        line = language.report_label(i18n.CREDIT_DEFAULT)
    return {"translation_credit": credit, "credit_line": line}


def context(brief: BriefSpec, project: Project, medium: Medium) -> dict[str, Any]:
    """What a template sees: report records in the brief's language (translated where
    a translation exists, marked as the original's where not), and the brief's own fields."""
    data: ReportData = localise(project.reports[brief.report], brief.language)
    dirs = i18n.catalog_dirs(project.root)
    language = i18n.Language(brief.language, dirs, data.report.language)
    sections = resolve_sections(brief, data.report)
    selected = {s.name: select(data.collection(s.from_ or s.name), s) for s in sections}
    country = data.countries.get(brief.country or "")
    model = data.models.get(country.model or "") if country else None
    date = build_date()
    shown = [*(r for records in selected.values() for r in records), country]
    return {
        "brief": localised_brief(brief, language),
        "report": data.report,
        "data": data,
        "sections": selected,
        "section_specs": {s.name: s for s in sections},
        "country": country,
        "model": model,
        "themes": [data.themes[t] for t in brief.all_themes if t in data.themes],
        "brand": project.config.brand,
        "brand_css": brand_css(project.config, medium, brief.language)
        + Markup(language.quotes_css()),
        "edition": medium.name,
        "medium": medium,
        "brief_template": template_name(brief),
        "paper": EDITION_PAGE.get(brief.paper, "a4"),
        "lang": brief.language,
        "web_url": site_address(project.config.web_url),
        "dir": language.direction,
        **script_context(project.config, brief.language),
        "counter_style": language.counter_style,
        "source_lang": data.report.language,
        **edition_labels(language),
        "original_heading": language.report_label(i18n.ORIGINAL_HEADING),
        "date": date,
        "date_iso": date.isoformat(),
        "stylesheets": stylesheet_links(brief, project, medium),
        "version": __version__,
        "group_by_country": group_by_country,
        "visuals": visuals,
        "palette": palette(project.config, medium),
        "edition_stylesheet": (
            f"{medium.to_out}{ASSETS}/{medium.stylesheet}" if medium.stylesheet else None
        ),
        "section_titles": {s.id: s.title for s in data.report.sections},
        "place_label": data.report.place_label or language.gettext(PLACE),
        "places_label": data.report.places_label or language.gettext(PLACES),
        "logo": logo_link(project, medium),
        "spectrum": data.report.spectrum
        or Spectrum(name=language.gettext(STEPS), step=language.gettext(STEP)),
        **credit_context(brief, project.reports[brief.report], shown, language),
        "key_message": key_message(brief, selected),
        "place_asks": place_asks(data, country) if country and not brief.ask else [],
        "pull_quote": (quote := pull_quote(selected.get("quotes", []))),
        "fit_order": fit_order(selected, {s.name: s for s in sections}, quote),
        "layout": brief.layout or project.config.layout,
    }


def key_message(brief: BriefSpec, selected: dict[str, list[Any]]) -> str | None:
    """The one sentence the cover carries: the spec's ``headline``, else the headline of
    the first finding the brief shows."""
    if brief.headline:
        return brief.headline
    findings = selected.get("findings") or []
    # The finding's own text (report words keep their language, for the page's lang_attr).
    return findings[0].headline if findings else None


ASKS_OF_A_PLACE = 3


def place_asks(data: ReportData, country: Any) -> list[Any]:
    """The report's recommendations that answer what was found in a place, for its
    brief's first page: scored by how often their themes are those of the place's
    findings and quotes, at most three, in the report's order."""
    weight: dict[str, int] = {}
    themes = [f.themes for f in data.findings.values() if country.id in f.countries]
    themes += [q.themes for q in data.quotes.values() if q.country == country.id]
    for theme in (t for listed in themes for t in listed):
        weight[theme] = weight.get(theme, 0) + 1
    scored = [
        (sum(weight.get(t, 0) for t in r.themes), i)
        for i, r in enumerate(data.recommendations.values())
    ]
    best = sorted((i for score, i in sorted(scored, reverse=True)[:ASKS_OF_A_PLACE] if score))
    records = list(data.recommendations.values())
    return [records[i] for i in best]


# What a brief may do without to fit its pages (pdf/fit.py), in the order it would rather
# lose it: (section, element id prefix, how many of the section's records always stay).
FIT_PLAN = (("quotes", "quote-", 3), ("findings", "finding-", 3), ("asks", "quote-", 2))


def fit_order(selected: dict[str, list[Any]], specs: dict[str, Any], keep: Any) -> list[str]:
    """The element ids the PDF stage may hide to fill the pages to fit, last records of
    each section first. Never a record the spec lists by id, nor the pull quote."""
    order = []
    for name, prefix, stay in FIT_PLAN:
        spec = specs.get(name)
        if spec is None or spec.ids:
            continue
        records = selected.get(name) or []
        order += [prefix + r.id for r in reversed(records[stay:]) if r is not keep]
    return order


PULL_QUOTE_CHARS = (60, 260)


def pull_quote(quotes: list[Any]) -> Any | None:
    """The quote a page sets large: the brief's own first quote short enough to be read
    at a glance (the report's words, never a line cut from them)."""
    low, high = PULL_QUOTE_CHARS
    return next((q for q in quotes if low <= len(str(q.text)) <= high), None)


# What a report's places are called when its data does not say (report.yaml place_label).
PLACE = i18n.N_("country")
PLACES = i18n.N_("countries")
# What the steps of a typology are called when report.yaml has no `spectrum` block.
STEPS = i18n.N_("steps of the spectrum")
STEP = i18n.N_("step on the spectrum")


def logo_link(project: Project, medium: Medium) -> str | None:
    """The brand's logo relative to the brief's HTML (in ``out/`` or a folder below)."""
    brand = project.config.brand
    logo = (brand.logo_print or brand.logo) if medium.print_logo else brand.logo
    if not logo:
        return None
    return medium.to_project + Path(logo).as_posix()


def template_frame(exc: BaseException, project: Project) -> Location | None:
    """The template line an error was raised on: Jinja rewrites tracebacks so that
    a template's frames carry its file name and line; the innermost one wins."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            path = Path(filename)
            if path.is_relative_to(THEME_TEMPLATES):
                shown = f"briefpress theme/{path.relative_to(THEME_TEMPLATES).as_posix()}"
            else:
                shown = project.display(path)
            found = Location(shown, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_brief(
    brief: BriefSpec, project: Project, medium: Medium, env: jinja2.Environment | None = None
) -> Rendered:
    """The brief's HTML for one edition; raises BriefpressError for template mistakes.

    A medium with a ``template`` renders that page, which extends the kind's template
    (``brief_template`` in its context), so every edition shows the same content."""
    env = environment_for(brief, project, env)
    template = get_template(env, brief, project, medium.template)
    ctx = context(brief, project, medium)
    try:
        html = break_opportunities(template.render(ctx))  # Khmer, Burmese: see core/scripts
        html = keep_whole(html, names_of(ctx))  # no "Nether-lands": see render/names
        html = mark_non_joiners(html)  # Persian's می‌: see render/names
    except jinja2.UndefinedError as exc:
        raise BriefpressError(
            [Problem(brief.loc, f"template {template_name(brief)!r}: {exc.message}")]
        ) from None
    except TemplateRefused as exc:
        raise BriefpressError([exc.problem()]) from None
    except jinja2.TemplateError as exc:
        raise BriefpressError(
            [Problem(brief.loc, f"template {template_name(brief)!r} failed: {exc}")]
        ) from None
    except Exception as exc:  # a template's own expression failed: {{ 1 / 0 }}, {{ "a" + 1 }}
        where = template_frame(exc, project) or brief.loc
        message = f"template {template_name(brief)!r} failed: {type(exc).__name__}: {exc}"
        raise BriefpressError([Problem(where, message)]) from None
    if not html.strip():
        raise BriefpressError([empty_template(template, brief, project)])
    return Rendered(brief, medium, html, project.out_dir / medium.folder, ctx["sections"])


def empty_template(template: jinja2.Template, brief: BriefSpec, project: Project) -> Problem:
    """A brief's template that gave nothing but white space (an empty file, say): an
    error at that file, never a blank PDF."""
    where = (
        Location(project.display(Path(template.filename)), 1) if template.filename else brief.loc
    )
    return Problem(
        where,
        f"template {template_name(brief)!r} produced an empty page: the file is empty or "
        "prints nothing but white space",
        "write the template (extend base.html.j2), or delete the file to use the theme's",
    )


def site_address(url: str | None) -> str:
    """Where the web edition is published, ending in one slash (or empty): a social site
    reads a card's picture only from a whole address, so pages prefix it when known."""
    return url.rstrip("/") + "/" if url else ""

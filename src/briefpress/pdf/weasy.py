"""PDF stage: WeasyPrint with one reused font configuration, a fetcher that
cannot leave the project, captured log messages, and atomic output.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.data import kinds
from briefpress.pdf import fit, pagerefs
from briefpress.pdf.finish import finish
from briefpress.pdf.stylecache import StyleCache
from briefpress.pdf.tagging import TagFinisher
from briefpress.render.html import Rendered

# Kinds whose pages flow (a letter keeps its form, a handout is one page by design).
FITTED_KINDS = {"country", "theme", "overview"}

PANGO_HINT = (
    "WeasyPrint cannot find its system libraries (Pango): install them with "
    "'apt-get install libpango-1.0-0 libpangoft2-1.0-0' (Debian/Ubuntu) or "
    "'brew install pango' (macOS)"
)


def import_weasyprint() -> Any:
    """Import WeasyPrint late, and explain a missing Pango in one sentence."""
    try:
        import weasyprint
    except OSError as exc:
        raise BriefpressError(f"{PANGO_HINT} ({exc})") from None
    return weasyprint


@dataclass
class CapturedLog(logging.Handler):
    """Collects WeasyPrint's warnings so the build can report (or fail on) them."""

    records: list[logging.LogRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __hash__(self) -> int:
        return id(self)


@contextlib.contextmanager
def capture_weasyprint_log() -> Iterator[CapturedLog]:
    handler = CapturedLog()
    logger = logging.getLogger("weasyprint")
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def make_fetcher(weasyprint: Any, allowed_roots: list[Path]) -> Any:
    """A URL fetcher that serves only files under ``allowed_roots`` and data: URLs.

    The roots are resolved at each fetch, not once: ``out/`` may be a link to another
    disk, made or changed while a warm renderer lives."""
    base = weasyprint.urls.URLFetcher

    class ProjectFetcher(base):  # type: ignore[misc, valid-type]
        """Refuses the network, redirects and any file outside the project. While
        ``reads`` is a list, the files it serves are added to it (pdf/stylecache.py)."""

        reads: list[Path] | None = None

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"blocked: {url} (briefpress never fetches from the network)")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root.resolve()) for root in allowed_roots):
                raise ValueError(f"blocked: {path.name} is outside the project")
            if not path.is_file():
                raise ValueError(f"missing file: {path.name}")
            if self.reads is not None:
                self.reads.append(path)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            headers = {"Content-Type": mime}
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), headers)

    return ProjectFetcher(allow_redirects=False, allowed_protocols={"file", "data"})


def weasyprint_problem(file: str, record: logging.LogRecord) -> Problem:
    """What WeasyPrint logged, at the brief's file. What it logs as an error (a stylesheet
    or image it could not load, an SVG it could not read) left the PDF without part of
    its design or content: an error of the build, not a warning beside a wrong PDF."""
    if record.levelno >= logging.ERROR:
        hint = "fix the link or the file it names; briefpress reads files only from the project"
        return Problem(Location(file), f"WeasyPrint: {record.getMessage()}", hint)
    return Problem(Location(file), f"WeasyPrint: {record.getMessage()}", severity="warning")


class PdfRenderer:
    """Keeps WeasyPrint imported and fonts configured across many briefs."""

    def __init__(self, project_root: Path, extra_roots: list[Path] | None = None) -> None:
        self.weasyprint = import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.roots = [project_root, *(extra_roots or [])]
        self.fetcher = make_fetcher(self.weasyprint, self.roots)
        self.styles = StyleCache(self.weasyprint, self.font_config, self.fetcher)

    def render(
        self,
        rendered: Rendered,
        shared: SharedStyles | None = None,
        compress: bool = True,
        keep_parts: bool = False,
        head: bool = False,
    ) -> tuple[bytes, int, list[Problem], str]:
        """PDF bytes, page count and WeasyPrint's warnings for one rendered brief, and
        its HTML as laid out: without what fitting left out, with the spacing it chose
        (`build --html` writes it: `weasyprint` makes the same pages from it).

        With ``shared``, the HTML's stylesheet links are replaced by those stylesheets,
        parsed once (see :meth:`shared_styles`). ``compress=False`` leaves streams plain,
        for a caller that compresses them itself (a mailing reuses what letters repeat).
        ``keep_parts`` keeps the marks of replaceable parts, and ``head`` finishes only
        what a head's parts need (see pdf/variable.py and :func:`finish`).
        """
        brief = rendered.brief
        html, options = rendered.html, {}
        if shared is not None:
            html = STYLESHEET_LINK.sub("", html)
            options = {
                "stylesheets": shared.sheets,
                "color_profiles": shared.color_profiles,
                "counter_style": shared.counter_style,
            }
        with capture_weasyprint_log() as log:
            document, laid_out = self.fitted(rendered, html, options)
            pages = len(document.pages)
            identifier = hashlib.sha256(rendered.html.encode("utf-8")).hexdigest()[:32]
            finisher = TagFinisher(brief.language)
            pdf = document.write_pdf(
                pdf_variant=rendered.medium.pdf_variant,
                pdf_identifier=identifier.encode("ascii"),
                pdf_tags=True,
                custom_metadata=True,
                finisher=finisher,
                uncompressed_pdf=not compress,
            )
            pdf = stable_document_id(pdf, identifier)
        problems = [weasyprint_problem(brief.file, record) for record in log.records]
        problems += [
            Problem(Location(brief.file), f"languages and table scopes not tagged: {why}")
            for why in finisher.mismatch
        ]
        pdf = finish(pdf, rendered.medium, compress, keep_parts, head)
        return pdf, pages, problems, laid_out

    def layout(self, rendered: Rendered, html: str, options: dict[str, Any]) -> Any:
        """WeasyPrint's layout of ``html`` (its pages' boxes), not yet a PDF. Its
        stylesheets come parsed from the renderer's cache (pdf/stylecache.py) unless the
        caller brings its own."""
        if not options:
            html, options = self.styles.prepare(html, rendered.base_dir)
        return self.weasyprint.HTML(
            string=html,
            base_url=str(rendered.base_dir) + os.sep,
            url_fetcher=self.fetcher,
        ).render(font_config=self.font_config, pdf_tags=True, **options)

    def fitted(self, rendered: Rendered, html: str, options: dict[str, Any]) -> tuple[Any, str]:
        """The layout, laid out again without what the brief can do without when it runs
        over its page budget or ends on a page less than half full, its spacing then
        tightened or loosened for a short last page (pdf/fit.py), with its page
        references numbered (pdf/pagerefs.py); and that layout's HTML, its page
        references left to WeasyPrint's ``target-counter()``."""
        document = self.layout(rendered, html, options)
        candidates = fit.droppable(html)
        brief = rendered.brief
        budget = kinds.page_budget(brief)
        least = brief.min_pages or 1
        dropped: list[str] = []
        final = html
        for _round in range(fit.MAX_ROUNDS if candidates else 0):
            left = [c for c in candidates if c not in dropped]
            more = fit.choose(document, left, budget, least)
            if not more:
                break
            dropped += more
            final = fit.hidden(html, dropped)
            document = self.layout(rendered, final, options)
        if brief.kind in FITTED_KINDS and fit.short_pages(fit.page_fills(document)[0]):
            document, final = self.spaced(rendered, document, html, dropped, options)
        # The HTML given back numbers its page references itself, for a layout of its
        # own (the weasyprint command's), where no one numbers them afterwards.
        final = pagerefs.counted(final)
        if not pagerefs.number(document):
            document = self.layout(rendered, final, options)
        fit.back_to_foot(document)
        return document, final

    def spaced(
        self,
        rendered: Rendered,
        document: Any,
        html: str,
        dropped: list[str],
        options: dict[str, Any],
    ) -> tuple[Any, str]:
        """A layout with a short page, set as a typesetter would (pdf/fit.py), and its
        HTML. Tightened when that takes a short last page away (with more of what the
        brief can do without than ``dropped``, when only both together can), or set on
        one page when two are one and a bit; else loosened, and then set a size larger,
        when that leaves fewer pages short or the last one fuller (fit.fuller); with its
        charts larger when a page before the last still ends short under one."""
        final = fit.hidden(html, dropped)
        left = [c for c in fit.droppable(html) if c not in dropped]
        least = rendered.brief.min_pages or 1
        for trial in self._shorter(document, html, final, dropped, left, least):
            shorter = self.layout(rendered, trial, options)
            if len(shorter.pages) < len(document.pages):
                return shorter, trial
        best = self._fuller(rendered, (document, final), fit.loosened(final), options)
        if fit.short_last_page(best[0], least):
            best = self._fuller(rendered, best, fit.generous(final), options)
        if fit.short_with(best[0], "chart"):
            best = self._fuller(rendered, best, fit.grown(best[1]), options)
        return best

    def _fuller(
        self, rendered: Rendered, best: tuple[Any, str], trial: str, options: dict[str, Any]
    ) -> tuple[Any, str]:
        """The layout of ``trial`` and its HTML when it is fuller than ``best`` (a layout
        and its HTML), else ``best``."""
        document = self.layout(rendered, trial, options)
        return (document, trial) if fit.fuller(document, best[0]) else best

    @staticmethod
    def _shorter(
        document: Any, html: str, final: str, dropped: list[str], left: list[str], least: int
    ) -> Iterator[str]:
        """The HTML of each layout worth trying that could take a short last page away."""
        if fit.worth_tightening(document, least):
            yield fit.tightened(final)
        elif more := fit.choose_tightened(document, left, least):
            yield fit.tightened(fit.hidden(html, dropped + more))
        if fit.worth_one_page(document, least):
            yield fit.one_page(final)

    def shared_styles(self, rendered: Rendered) -> SharedStyles:
        """The stylesheets ``rendered`` links to, parsed once for many similar documents.

        Parsing the theme's CSS is about a quarter of rendering a one- or two-page
        letter, and a mailing renders hundreds of letters with the same stylesheets.
        WeasyPrint ranks stylesheets passed this way as the user's rather than the
        document's; the built-in templates link every stylesheet before their only
        <style> block, so the cascade, and the pages, are the same.
        """
        from weasyprint.css.counters import CounterStyle

        shared = SharedStyles([], {}, CounterStyle())
        with capture_weasyprint_log():
            for href in STYLESHEET_LINK.findall(rendered.html):
                url = (rendered.base_dir / unquote(href)).resolve().as_uri()
                sheet = self.weasyprint.CSS(
                    url=url,
                    url_fetcher=self.fetcher,
                    font_config=self.font_config,
                    color_profiles=shared.color_profiles,
                    counter_style=shared.counter_style,
                )
                shared.sheets.append(sheet)
        return shared


# A stylesheet link as base.html.j2 writes it; a link written otherwise stays in the HTML
# (and is parsed with each document, as before).
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"<>:]+)">\n?')


@dataclass
class SharedStyles:
    """WeasyPrint stylesheets parsed once, with the rules they registered while parsed
    (colour profiles such as the print edition's CMYK one, and counter styles)."""

    sheets: list[Any]
    color_profiles: dict[str, Any]
    counter_style: Any


FILE_ID = re.compile(rb"(/ID \[\([0-9a-f]{32}\) \()[0-9a-f]{32}\)\]")
XMP_DOCUMENT_ID = re.compile(
    rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def stable_document_id(pdf: bytes, identifier: str) -> bytes:
    """Replace the random XMP DocumentID that PDF/X output gets with one derived from
    the content, so two builds of the same brief are byte-identical. The metadata
    stream of PDF/X-4 is uncompressed and the new id has the same length, so no
    offset in the file moves."""
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'briefpress:' + identifier)}"
    if not XMP_DOCUMENT_ID.search(pdf):
        return pdf
    pdf = XMP_DOCUMENT_ID.sub(stable.encode("ascii"), pdf)
    # The file's /ID pair ends with a hash of the bytes written, random id included:
    # recompute it from the stable bytes (same length, so no offset moves either).
    instance = hashlib.md5(FILE_ID.sub(b"", pdf), usedforsecurity=False).hexdigest()
    return FILE_ID.sub(lambda m: m.group(1) + instance.encode("ascii") + b")]", pdf)

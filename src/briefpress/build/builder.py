"""The build: load and validate everything, then render each brief and edition.

Validation covers the whole project before anything is rendered, so a typo is
reported in seconds rather than after minutes of PDF work. HTML is rendered in
the main process (it is cheap, and its hash decides whether the PDF is still
fresh); PDFs are made in worker processes that keep WeasyPrint and fonts warm.
A failing brief is reported and the others still build.

``out/`` is a folder briefpress owns (it carries the marker of core/files.py): a build
refuses to write into a folder of the same name that it did not make. An interrupted
build (Ctrl-C, SIGTERM, SIGHUP) stops its workers at once; every output is written
whole or not at all, so the previous PDFs stand, and the temporary files of killed
workers are removed on the spot or, after a hard kill, by the next build.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from briefpress import editions
from briefpress.build.cache import (
    CACHE_FILE,
    GALLERY,
    BuildCache,
    brief_key,
    cache_name,
    input_digest,
    inputs_digest,
    tree_digest,
)
from briefpress.build.gallery import publish_results, refresh_thumbnails
from briefpress.build.results import BriefResult, output_path
from briefpress.build.version import record as record_version
from briefpress.checks.affects import blocked, everywhere
from briefpress.checks.validate import validate_project
from briefpress.core.assets import ASSETS, THEME_DIR, publish_theme
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import claim_folder, clean_temporaries, unwritable, write_atomic
from briefpress.core.i18n import LOCALE_DIR
from briefpress.core.signals import check_interrupted, results_in_order, worker_pool
from briefpress.data.load import CONFIG_FILE, Project, load_project
from briefpress.data.model import BriefSpec
from briefpress.editions import Edition, Finishing
from briefpress.pdf.postcheck import check_pdf
from briefpress.pdf.weasy import PdfRenderer
from briefpress.render.glyphs import check_glyphs
from briefpress.render.html import Rendered, build_date, make_environment, render_brief


def prepare(root: Path, brief_ids: list[str] | None, strict: bool) -> Project:
    """Load and validate the project; stop with every problem if something no brief can
    build past is wrong (briefpress.yaml, a template, a spec that does not load). A
    problem in a report's data or in one brief's spec stops only the briefs it reaches
    (``Build.blocked``); those problems stay in ``project.problems``."""
    build_date()  # a bad SOURCE_DATE_EPOCH stops the build before any work
    project = load_project(root, brief_ids)
    problems = validate_project(project)
    if any(p.is_error or strict for p in everywhere(project, problems)):
        raise_if_errors(problems, strict=strict)  # every problem, as one located list
    project.problems = problems
    return project


@dataclass(frozen=True)
class PdfJob:
    """Everything a worker needs to turn rendered HTML into a checked PDF file."""

    rendered: Rendered
    output: Path
    project_root: Path
    fonts: tuple[str, ...]
    strict: bool
    html_output: Path | None = None  # where to write the HTML as laid out (build --html)


RENDERERS: dict[Path, PdfRenderer] = {}


def warm_renderer(root: Path) -> PdfRenderer:
    """One warm WeasyPrint renderer per process and project, reused for every brief."""
    if root not in RENDERERS:
        # out/assets: the theme's files as published for the HTML, wherever out/ leads
        RENDERERS[root] = PdfRenderer(root, extra_roots=[THEME_DIR, root / "out" / ASSETS])
    return RENDERERS[root]


def make_pdf(job: PdfJob) -> tuple[int, list[Problem], bool]:
    """Render, check and atomically write one PDF; returns pages, problems, written."""
    try:
        pdf, pages, problems, laid_out = warm_renderer(job.project_root).render(job.rendered)
    except BriefpressError as exc:
        return 0, exc.problems, False
    if job.html_output is not None:
        write_atomic(job.html_output, laid_out.encode("utf-8"))
    problems += check_pdf(pdf, job.rendered.brief, job.project_root, job.fonts)
    if any(p.is_error or job.strict for p in problems):
        return pages, problems, False
    try:
        write_atomic(job.output, pdf)
    except OSError as exc:
        if exc.errno in WHOLE_DISK:  # a full disk, a read-only out/: no other brief can be written
            raise WriteFailed(str(exc.filename or job.output), exc.strerror or str(exc)) from None
        # this file alone: on Windows, most often a PDF open in a viewer
        return pages, [*problems, unwritable(job.output, exc, job.project_root)], False
    return pages, problems, True


# Errors that no other output would escape either: the build stops at the first.
WHOLE_DISK = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT})


class WriteFailed(Exception):
    """An output could not be written (its path and why): the build stops. Plain strings
    only, so that it crosses from a worker process intact."""

    def problem(self, project: Project) -> Problem:
        path, why = self.args
        return Problem(
            Location(project.display(Path(path))),
            f"cannot write the output: {why}",
            "free some space on that disk, or make the folder writable, and build again",
        )


def write_error(exc: OSError, project: Project) -> BriefpressError:
    """An output or the build's own records could not be written: a located error."""
    failed = WriteFailed(str(exc.filename or project.out_dir), exc.strerror or str(exc))
    return BriefpressError([failed.problem(project)])


def warm_worker(root: Path) -> None:
    warm_renderer(root)


def claim_out(project: Project) -> None:
    """Make sure ``out/`` is briefpress's to write, and clear what killed runs left there.

    A folder an earlier version made (it holds the build cache) is taken over; any other
    non-empty ``out/`` is refused. Jinja's old bytecode cache (pickled code, once kept in
    ``out/.cache/jinja``) is deleted: nothing under ``out/`` is ever loaded as code.
    """
    out_dir = project.out_dir
    claim_folder(out_dir, "out/", "the build's output folder", adopt=_made_by_briefpress)
    clean_temporaries(out_dir)
    legacy = out_dir / ".cache" / "jinja"
    if legacy.is_dir() and not legacy.is_symlink():
        shutil.rmtree(legacy, ignore_errors=True)


def _made_by_briefpress(folder: Path) -> bool:
    return (folder / CACHE_FILE).is_file()


def default_jobs() -> int:
    """The cores this process may use: its affinity where the system has one (Linux),
    else every core (macOS and Windows have no sched_getaffinity)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def build_inputs(
    root: Path,
    brief_ids: list[str],
    chosen: tuple[str, ...],
    strict: bool,
    write_html: bool,
    linked: list[Path],
) -> str:
    """The digest of every file and option a build depends on: the project's folders, the
    theme, the files briefs link to from elsewhere in the project (the logo, a brief's
    own stylesheet) and the date printed on every brief."""
    folders = [root / "briefs", root / "reports", root / "templates", root / "styles",
               THEME_DIR, LOCALE_DIR]  # fmt: skip
    settings = repr((brief_ids, chosen, strict, write_html, build_date().isoformat()))
    return inputs_digest(folders, [root / CONFIG_FILE, *linked], settings)


@dataclass
class Build:
    """One build run: which briefs are stale, and making their PDFs."""

    project: Project
    editions: tuple[str, ...] = ()  # none: the default edition
    strict: bool = False
    write_html: bool = False
    force: bool = False
    jobs: int = 1
    env: jinja2.Environment | None = None  # a watcher passes its warm environment
    # brief id -> the problems that keep it from building: failed without being rendered
    blocked: dict[str, list[Problem]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.editions = editions.expand(self.editions or (editions.default().name,))
        claim_out(self.project)
        self.env = self.env or make_environment(self.project.root)
        assets = publish_theme(self.project.out_dir)
        self.assets_digest = tree_digest(assets, self.project.root / "styles")
        self.cache = BuildCache.load(self.project.out_dir)
        self.inputs_key = self.inputs()
        self.brand = self.project.config.brand

    def inputs(self) -> str:
        """The digest of every file and option this build depends on: the project's
        folders, the theme, the files briefs link to from elsewhere in the project (the
        logo, a brief's own stylesheet) and the date printed on every brief."""
        linked = sorted({path for brief in self.project.briefs for path in self.linked(brief)})
        self.linked_files = [os.path.relpath(path, self.project.root) for path in linked]
        return build_inputs(
            self.project.root, sorted(self.project.briefs), self.editions, self.strict,
            self.write_html, linked,
        )  # fmt: skip

    def linked(self, brief_id: str) -> list[Path]:
        """Project files a brief's HTML links to outside the folders every brief's key
        covers: the brand's logos and the brief's own stylesheets. Their content is part
        of the brief's key, so a new logo rebuilds the PDFs that show it."""
        brand, root = self.project.config.brand, self.project.root
        names = [brand.logo, brand.logo_print]
        brief = self.project.briefs.get(brief_id)
        names += brief.stylesheets if brief is not None else []
        return [root / name for name in names if name]

    def key(self, brief_id: str, html: str) -> str:
        """A brief's cache key: its HTML, the theme and styles, and the files it links to."""
        linked = "".join(input_digest(path) for path in self.linked(brief_id))
        return brief_key(html, self.assets_digest + linked, self.strict)

    def unchanged(self) -> list[BriefResult] | None:
        """Every result, already fresh, when no input changed since the last clean build."""
        if self.force or self.blocked:
            return None
        outputs = {}
        for brief in self.project.briefs.values():
            for edition in self.editions:
                outputs[f"{brief.id}:{edition}"] = output_path(self.project, brief.id, edition)
                if self.write_html and editions.get(edition).is_pdf:
                    html = output_path(self.project, brief.id, edition, ".html")
                    outputs[f"{brief.id}:{edition}:html"] = html
        pages = self.cache.all_fresh(self.inputs_key, outputs)
        if pages is None:
            return None
        results = []
        for brief in self.project.briefs.values():
            for edition in self.editions:
                name = f"{brief.id}:{edition}"
                output = output_path(self.project, brief.id, edition)
                results.append(BriefResult(brief, edition, output, pages[name], [], True, True))
        return results

    def plan(self) -> tuple[list[BriefResult], list[tuple[BriefResult, PdfJob, str]]]:
        """Render all HTML; return results already settled and the PDF jobs still to run."""
        settled: list[BriefResult] = []
        pending: list[tuple[BriefResult, PdfJob, str]] = []
        unchanged = self.unchanged()
        if unchanged is not None:
            return unchanged, []
        for brief in self.project.briefs.values():
            check_interrupted()  # a stop while rendering HTML for many briefs: stop now
            for name in self.editions:
                result, job = self.plan_one(brief, editions.get(name))
                if job is None:
                    settled.append(result)
                else:
                    pending.append((result, *job))
        return settled, pending

    def plan_one(
        self, brief: BriefSpec, edition: Edition
    ) -> tuple[BriefResult, tuple[PdfJob, str] | None]:
        """One brief in one edition: settled now, or the PDF job still to run."""
        result = BriefResult(brief, edition.name, edition.output(self.project.out_dir, brief.id))
        if brief.id in self.blocked:  # its input is wrong: failed, its old files untouched
            result.stopped_by = list(self.blocked[brief.id])
            return result, None
        try:
            rendered = render_brief(brief, self.project, edition.medium, self.env)
        except BriefpressError as exc:
            result.problems.extend(exc.problems)
            return result, None
        key = self.key(brief.id, rendered.html)
        name = cache_name(brief.id, edition.name)
        pages = None if self.force else self.cache.fresh(name, key, result.output)
        html_path = None
        if self.write_html and edition.is_pdf:
            # The HTML as laid out (what fitting left out, the spacing it chose) comes
            # from the PDF's worker; the HTML as rendered stands in until then, so that a
            # brief that fails still leaves its HTML to look at.
            html_path = edition.output(self.project.out_dir, brief.id, ".html")
            html_name = cache_name(brief.id, edition.name, ":html")
            if pages is None or self.cache.fresh(html_name, key, html_path) is None:
                pages = None
                self.cache.entries.pop(html_name, None)
                write_atomic(html_path, rendered.html.encode("utf-8"))
        if pages is not None:  # same HTML and fonts as a build that passed every check
            result.pages, result.written, result.fresh = pages, True, True
            return result, None
        if edition.renderer is not None:  # a page, not a PDF: made here, at once
            write_atomic(result.output, edition.renderer(rendered))
            result.written = True
            self.cache.record(name, key, 0, result.output)
            return result, None
        data = self.project.reports.get(brief.report)
        stacks = self.brand.stacks(brief.language)
        missing = check_glyphs(rendered.html, brief, data, self.project.root, stacks)
        if missing:  # fail before WeasyPrint prints a box or falls back to another font
            result.problems.extend(missing)
            return result, None
        fonts = stacks.families
        job = PdfJob(rendered, result.output, self.project.root, fonts, self.strict, html_path)
        return result, (job, key)

    def run_jobs(
        self, pending: list[tuple[BriefResult, PdfJob, str]], pool: Executor | None = None
    ) -> Iterator[BriefResult]:
        """Make the pending PDFs, in workers when there are several (or in ``pool``, a
        caller's workers); on any interruption the workers are terminated and their
        half-written files removed."""
        jobs = [job for _, job, _ in pending]
        try:
            if pool is not None:
                yield from self._settle(pending, results_in_order(pool, make_pdf, jobs))
            elif self.jobs > 1 and len(jobs) > 1:
                workers = min(self.jobs, len(jobs))
                with worker_pool(workers, warm_worker, (self.project.root,)) as pool:
                    outcomes: Iterable[tuple[int, list[Problem], bool]] = results_in_order(
                        pool, make_pdf, jobs
                    )
                    yield from self._settle(pending, outcomes)
            else:
                yield from self._settle(pending, map(_make_pdf_unless_stopped, jobs))
        except WriteFailed as exc:
            clean_temporaries(self.project.out_dir)
            raise BriefpressError([exc.problem(self.project)]) from None
        except BaseException:
            clean_temporaries(self.project.out_dir)
            raise

    def _settle(
        self,
        pending: list[tuple[BriefResult, PdfJob, str]],
        outcomes: Iterable[tuple[int, list[Problem], bool]],
    ) -> Iterator[BriefResult]:
        for (result, job, key), (pages, problems, written) in zip(pending, outcomes, strict=True):
            result.pages, result.written = pages, written
            result.problems.extend(problems)
            if written:
                name = cache_name(result.brief.id, result.edition)
                self.cache.record(name, key, pages, result.output)
                if job.html_output is not None:
                    html_name = cache_name(result.brief.id, result.edition, ":html")
                    self.cache.record(html_name, key, 0, job.html_output)
            yield result


def prune_removed(run: Build) -> None:
    """Delete the outputs of briefs whose spec is gone, so that out/ holds what a clean
    build would make. Only outputs the cache recorded go (a build made that file; had it
    survived, it would have been overwritten by the next build of its brief)."""
    for name in list(run.cache.entries):
        brief_id, _, rest = name.partition(":")
        edition, _, suffix = rest.partition(":")
        if not rest or brief_id in run.project.briefs or edition not in editions.registry():
            continue
        output = output_path(run.project, brief_id, edition, ".html" if suffix else ".pdf")
        if output.is_symlink() or output.is_file():
            output.unlink()
        run.cache.entries.pop(name)
    run.cache.save()


def _make_pdf_unless_stopped(job: PdfJob) -> tuple[int, list[Problem], bool]:
    """make_pdf in this process; a stop signal ends the run before the next brief."""
    check_interrupted()
    return make_pdf(job)


def build(
    root: Path,
    brief_ids: list[str] | None = None,
    editions: tuple[str, ...] = (),  # none: the default edition
    strict: bool = False,
    write_html: bool = False,
    on_result: Callable[[BriefResult], None] | None = None,
    force: bool = False,
    jobs: int = 1,
    on_plan: Callable[[int], None] | None = None,
    on_blocked: Callable[[Project, dict[str, list[Problem]]], None] | None = None,
) -> list[BriefResult]:
    """Build the named briefs (all when none) in each edition; never stops at one failure,
    but stops at once, with a located error, when outputs cannot be written at all (a
    full disk, a read-only out/). ``on_blocked`` hears, before anything is rendered, the
    project and which briefs its problems stop (each brief's problems)."""
    project = prepare(root, brief_ids, strict)
    try:
        run = Build(project, editions, strict, write_html, force, jobs)
        run.blocked = blocked(project, [p for p in project.problems if p.is_error or strict])
        if on_blocked is not None:
            on_blocked(project, run.blocked)
        results = _run(run, on_result, on_plan)
        if brief_ids is None:  # a full build also refreshes out/index.html and thumbnails
            prune_removed(run)
            gallery = publish_results(project, results, strict)
            run.cache.record(GALLERY, "", 0, gallery)
            run.cache.save()
        finish_editions(run, results, full=brief_ids is None)
    except OSError as exc:
        raise write_error(exc, project) from None
    return results


def _run(
    run: Build,
    on_result: Callable[[BriefResult], None] | None,
    on_plan: Callable[[int], None] | None,
) -> list[BriefResult]:
    """Plan, then make the PDFs; the cache records what was made, however it ends."""
    settled, pending = run.plan()
    if on_plan is not None:
        on_plan(len(pending))
    results: list[BriefResult] = []
    try:
        for result in settled:
            results.append(result)
            if on_result is not None:
                on_result(result)
        for result in run.run_jobs(pending):
            results.append(result)
            if on_result is not None:
                on_result(result)
    except BaseException:
        run.cache.set_inputs(None)
        with contextlib.suppress(OSError):  # the error under way is the one to report
            run.cache.save()
            record_version(run.project.out_dir)
        raise
    clean = len(results) == len(settled) + len(pending) and not any(
        r.failed(run.strict) for r in results
    )  # and no error in the data, even one no brief shows: the next build tells it again
    clean = clean and not any(p.is_error or run.strict for p in run.project.problems)
    briefs = {b.id: [b.report, b.kind, b.title, b.language] for b in run.project.briefs.values()}
    run.cache.set_inputs(run.inputs_key if clean else None, linked=run.linked_files, briefs=briefs)
    run.cache.save()
    record_version(run.project.out_dir)
    return results


def finish_editions(run: Build, results: list[BriefResult], full: bool) -> None:
    """Each edition's finisher, once the briefs are built (a web site's index and files);
    what it finds is told with the edition's result of the brief it concerns."""
    chosen = [editions.get(name) for name in run.editions]
    if not full and any(e.thumbnails for e in chosen):
        refresh_thumbnails(run.project, results)
    for edition in chosen:
        if edition.finisher is None:
            continue
        for problem in edition.finisher(Finishing(run.project, results, full)):
            mine = [r for r in results if r.edition == edition.name]
            about = [r for r in mine if r.brief.file == problem.location.file]
            target = (about or mine)[:1]
            for result in target:
                result.problems.append(problem)

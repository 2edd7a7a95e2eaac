"""Rebuild on save: the core shared by ``briefpress build --watch`` and ``serve``.

A watcher keeps one warm process: the Jinja environment and WeasyPrint's
renderer (fonts loaded) live as long as it runs, while the project's data is
read again after every change, so what is built is always what is on disk.

Which briefs a saved file can affect is decided from where the file is:

* ``briefs/<id>.yaml``: that brief;
* ``reports/<report>/...``: the briefs of that report (the content-hash cache
  then skips those whose HTML did not change, so no PDF is made for them);
* ``templates/``, ``styles/``, ``briefpress.yaml``, the built-in theme: every
  brief (again, the cache makes the unaffected ones no-ops);
* the brand's logo: every brief; a brief's own extra stylesheet: that brief (both
  are part of the cache key of the briefs that link to them).

A mistake does not stop the watcher: the brief it touches is marked failed
with its ``file:line`` problems, and the other briefs still build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefpress import editions as registry
from briefpress.build.builder import RENDERERS, Build, warm_renderer, write_error
from briefpress.build.cache import cache_name
from briefpress.build.gallery import BriefCard, apply_result, new_card, refresh_files, write_gallery
from briefpress.build.results import BriefResult, output_path
from briefpress.build.thumbs import Thumbnails
from briefpress.checks.affects import stopping
from briefpress.checks.validate import validate_project
from briefpress.core.assets import THEME_DIR, THEME_TEMPLATES
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import printable
from briefpress.core.signals import interrupted
from briefpress.data.load import CONFIG_FILE, Project, load_project
from briefpress.data.model import BriefSpec
from briefpress.render.html import make_environment

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
RETRIES = 2  # rebuilds tried again when out/ vanished under them (it is made afresh)


@dataclass
class Affected:
    """What a batch of saved files means for the build."""

    everything: bool = False
    briefs: set[str] = field(default_factory=set)
    forced: set[str] = field(default_factory=set)  # rebuild even if the HTML is unchanged
    templates: bool = False  # a template was added, changed or removed
    fonts: bool = False  # a font file changed: load fonts afresh

    def __bool__(self) -> bool:
        return self.everything or bool(self.briefs or self.forced)

    def merge(self, other: Affected) -> None:
        self.everything |= other.everything
        self.briefs |= other.briefs
        self.forced |= other.forced
        self.templates |= other.templates
        self.fonts |= other.fonts

    @classmethod
    def all(cls) -> Affected:
        return cls(everything=True)


def classify(
    paths: Iterable[Path],
    root: Path,
    cards: dict[str, BriefSpecInfo],
    shared: tuple[str, ...] = (),
) -> Affected:
    """Turn changed paths into the briefs they can affect (see the module docstring);
    ``shared`` names the other project files every brief links to (the logos)."""
    affected = Affected()
    root = root.resolve()
    for path in paths:
        path = Path(os.path.abspath(path))
        if path.suffix.lower() in FONT_SUFFIXES:
            affected.fonts = True
        if path.is_relative_to(THEME_DIR):
            affected.everything = True
            affected.templates |= path.is_relative_to(THEME_TEMPLATES)
            continue
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).parts
        if "/".join(parts) in shared:
            affected.everything = True
            continue
        _classify_project_file(parts, cards, affected)
    return affected


@dataclass(frozen=True)
class BriefSpecInfo:
    """The little the classifier needs to know about a brief, from its last load."""

    report: str | None = None
    stylesheets: tuple[str, ...] = ()


def _classify_project_file(
    parts: tuple[str, ...], cards: dict[str, BriefSpecInfo], affected: Affected
) -> None:
    top = parts[0] if parts else ""
    if len(parts) == 1 and top in ("briefs", "reports", "templates", "styles"):
        affected.everything = True  # the folder itself came, went or was renamed back
        affected.templates |= top == "templates"
    elif top == "briefs" and len(parts) == 2 and parts[1].endswith(".yaml"):
        affected.briefs.add(Path(parts[1]).stem)
    elif top == "reports" and len(parts) >= 2:
        affected.briefs |= {bid for bid, info in cards.items() if info.report == parts[1]}
    elif top in ("templates", "styles") or parts == (CONFIG_FILE,):
        affected.everything = True
        affected.templates |= top == "templates"
    else:
        relative = "/".join(parts)
        affected.forced |= {bid for bid, info in cards.items() if relative in info.stylesheets}


@dataclass
class Rebuild:
    """The outcome of one rebuild, for the terminal."""

    results: list[BriefResult] = field(default_factory=list)
    blocked: list[BriefCard] = field(default_factory=list)  # not rendered: their input is wrong
    shared: list[Problem] = field(default_factory=list)  # problems outside any one brief
    seconds: float = 0.0


class LiveBuilder:
    """Builds briefs again and again in this process, and keeps every brief's card."""

    def __init__(
        self,
        root: Path,
        editions: tuple[str, ...] = (),  # none: the default edition
        strict: bool = False,
        write_html: bool = False,
        only: list[str] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.editions = editions
        self.strict = strict
        self.write_html = write_html
        self.only = only
        self.env = make_environment(self.root)
        self.cards: dict[str, BriefCard] = {}
        self.specs: dict[str, BriefSpecInfo] = {}
        self.logos: tuple[str, ...] = ()  # project files every brief links to
        self.shared: list[Problem] = []
        self.project = Project(root=self.root)
        self.lock = threading.Lock()  # guards the cards: readers copy them under it
        self.rebuilding = threading.Lock()  # one rebuild at a time
        self.on_change: Callable[[], None] = lambda: None
        self.stopped = False  # a stop signal ended a rebuild midway

    @property
    def gallery(self) -> bool:
        """``out/index.html`` is kept up to date only when every brief is watched."""
        return self.only is None

    def warm(self) -> None:
        """Import WeasyPrint and load fonts now, so the first save rebuilds quickly."""
        warm_renderer(self.root)

    def snapshot(self) -> tuple[list[BriefCard], list[Problem]]:
        with self.lock:
            cards = [dataclasses.replace(c, problems=list(c.problems)) for c in self.cards.values()]
            return cards, list(self.shared)

    def card(self, brief_id: str) -> BriefCard | None:
        with self.lock:
            card = self.cards.get(brief_id)
            return dataclasses.replace(card, problems=list(card.problems)) if card else None

    def rebuild(
        self,
        affected: Affected,
        jobs: int = 1,
        on_result: Callable[[BriefResult], None] | None = None,
    ) -> Rebuild:
        """Reload the project, then build the affected briefs; never raises for bad input.

        Nor for a bug (in briefpress or WeasyPrint) that one brief runs into: a
        watcher must outlive it, so it becomes that build's failure, shown like
        any other, and the next save tries again.
        """
        with self.rebuilding:
            for attempt in range(RETRIES + 1):
                try:
                    return self._rebuild(affected, jobs, on_result)
                except BriefpressError as exc:  # outside any brief, e.g. out/ not ours
                    return self._stopped(exc.problems)
                except FileNotFoundError as exc:  # out/ deleted while it was written
                    if attempt == RETRIES:
                        return self._stopped(write_error(exc, self.project).problems)
                except OSError as exc:  # out/ cannot be written: a full disk, say
                    return self._stopped(write_error(exc, self.project).problems)
                except Exception as exc:
                    return self._crashed(exc)
                except KeyboardInterrupt:  # a stop signal: no brief after this one is made
                    self.stopped = True  # the caller decides (this may be a worker thread)
                    return Rebuild()
            raise AssertionError("unreachable")

    def _crashed(self, exc: Exception) -> Rebuild:
        if not interrupted():  # a stop signal breaks the workers: that is no bug
            traceback.print_exc()  # for whoever reports the bug; the watcher goes on
        message = f"internal error: {type(exc).__name__}: {exc}"

        def located(card: BriefCard) -> list[Problem]:
            return [Problem(Location(card.file or "briefpress"), message)]

        return self._fail_pending(located, [Problem(Location("briefpress"), message)])

    def _stopped(self, problems: list[Problem]) -> Rebuild:
        """A user-facing problem that stopped the whole rebuild: shown, not a crash."""
        return self._fail_pending(lambda card: list(problems), list(problems))

    def _fail_pending(
        self, per_card: Callable[[BriefCard], list[Problem]], shared: list[Problem]
    ) -> Rebuild:
        """Mark every brief still waiting as failed with ``per_card``'s problems; the
        rebuild's shared problems are ``shared`` when no brief was waiting."""
        outcome = Rebuild()
        with self.lock:
            for card in self.cards.values():
                if card.status in ("building", "queued"):
                    card.status = "failed"
                    card.problems.extend(per_card(card))
                    outcome.blocked.append(card)
            if not outcome.blocked:
                outcome.shared = shared
                self.shared = outcome.shared
        self.on_change()
        return outcome

    def _rebuild(
        self,
        affected: Affected,
        jobs: int,
        on_result: Callable[[BriefResult], None] | None,
    ) -> Rebuild:
        started = time.monotonic()
        outcome = Rebuild()
        with self.lock:
            self._reset(affected)
            project, problems = self._load()
            targets = self._targets(affected)
            per_brief, outcome.shared = self._attribute(problems)
            buildable = self._mark_building(targets, project, per_brief, outcome)
        self.on_change()
        run = Build(
            dataclasses.replace(project, briefs=buildable),
            self.editions,
            self.strict,
            self.write_html,
            jobs=jobs,
            env=self.env,
        )
        for brief_id in affected.forced:
            for edition in run.editions:
                run.cache.entries.pop(cache_name(brief_id, edition), None)
        try:
            for result in self._run(run):
                with self.lock:
                    apply_result(self.cards[result.brief.id], result, self.strict)
                outcome.results.append(result)
                if on_result is not None:
                    on_result(result)
                self.on_change()
        finally:
            run.cache.save()
            with self.lock:
                self._finish(targets, project)
            self.on_change()
        outcome.seconds = time.monotonic() - started
        return outcome

    def _reset(self, affected: Affected) -> None:
        if affected.templates and self.env.cache is not None:
            self.env.cache.clear()  # a new file may now shadow a cached one
        if affected.fonts:
            RENDERERS.pop(self.root, None)

    def _load(self) -> tuple[Project, list[Problem]]:
        project = load_project(self.root, self.only)
        problems = validate_project(project)
        brand = project.config.brand
        self.logos = tuple(Path(n).as_posix() for n in (brand.logo, brand.logo_print) if n)
        self.project = project
        return project, problems

    def brief_ids(self) -> list[str]:
        """The briefs watched: those named, or every spec in briefs/."""
        if self.only is not None:
            return list(self.only)
        return sorted(printable(p.stem) for p in (self.root / "briefs").glob("*.yaml"))

    def _targets(self, affected: Affected) -> list[str]:
        """The briefs to build now; cards of deleted briefs go, new briefs get one."""
        ids = self.brief_ids()
        self.cards = {bid: self.cards.get(bid) or BriefCard(bid, bid) for bid in ids}
        wanted = affected.briefs | affected.forced
        return [bid for bid in ids if affected.everything or bid in wanted]

    def _attribute(self, problems: list[Problem]) -> tuple[dict[str, list[Problem]], list[Problem]]:
        """Problems in a brief's own file, per brief; the rest are shared."""
        owners = {f"briefs/{bid}.yaml": bid for bid in self.cards}
        per_brief: dict[str, list[Problem]] = {bid: [] for bid in self.cards}
        shared: list[Problem] = []
        for problem in problems:
            owner = owners.get(problem.location.file)
            (per_brief[owner] if owner else shared).append(problem)
        self.shared = shared
        return per_brief, shared

    def _blocking(
        self, project: Project, brief: BriefSpec | None, shared: list[Problem]
    ) -> list[Problem]:
        """Shared problems that stop a brief: the project's own, and those of its
        report's data that reach what it shows (checks.affects); the others still build."""
        stop = [p for p in shared if p.is_error or self.strict]
        if brief is None:
            return [p for p in stop if not p.location.file.startswith("reports/")]
        return stopping(project, brief, stop)

    def _mark_building(
        self,
        targets: list[str],
        project: Project,
        per_brief: dict[str, list[Problem]],
        outcome: Rebuild,
    ) -> dict[str, Any]:
        """Fresh cards for the targets: building, or failed when their input is wrong."""
        buildable = {}
        for bid in targets:
            brief = project.briefs.get(bid)
            card = new_card(bid, brief, project)
            card.keep_files(self.cards[bid])
            own = per_brief.get(bid, [])
            stop = self._blocking(project, brief, outcome.shared)
            card.problems = own + stop
            if brief is None or stop or any(p.is_error or self.strict for p in own):
                card.status = "failed"
                card.updated = dt.datetime.now()
                outcome.blocked.append(card)
            else:
                card.status = "building"
                buildable[bid] = brief
            self.cards[bid] = card
        self.specs = {
            bid: BriefSpecInfo(brief.report, tuple(brief.stylesheets))
            for bid, brief in project.briefs.items()
        }
        return buildable

    def _run(self, run: Build) -> Iterator[BriefResult]:
        settled, pending = run.plan()
        yield from settled
        yield from run.run_jobs(pending)

    def _finish(self, targets: list[str], project: Project) -> None:
        """Thumbnails of the PDFs that changed, then the static gallery."""
        thumbs = Thumbnails(project.out_dir)
        for bid in targets:
            refresh_files(self.cards[bid], project, thumbs)
        thumbs.save()
        if self.gallery:
            write_gallery(project, self.cards.values())

    def pdf(self, brief_id: str) -> Path:
        return output_path(self.project, brief_id, registry.default().name)


# --- watching --------------------------------------------------------------------


def watch_paths(root: Path) -> list[Path]:
    """The project, and the built-in theme when it lives elsewhere (an installed package)."""
    root = root.resolve()
    paths = [root]
    if not THEME_DIR.is_relative_to(root):
        paths.append(THEME_DIR)
    return paths


def watch_filter(root: Path) -> Any:
    """watchfiles' default filter (VCS folders, editor swap files...) plus our own ``out/``."""
    from watchfiles import DefaultFilter

    return DefaultFilter(ignore_paths=[str(root.resolve() / "out")])


def changed_since(root: Path, since: float) -> list[Path]:
    """Files that changed after ``since``: saves made while the first build ran."""
    found: list[Path] = []
    folders = [root / name for name in ("briefs", "reports", "templates", "styles")]
    for path in [root / CONFIG_FILE, *folders, THEME_DIR]:
        for file in _files(path):
            with contextlib.suppress(OSError):
                if file.stat().st_mtime > since:
                    found.append(file)
    return found


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@dataclass
class Hooks:
    """What the caller of :func:`run_live` hears about, and from when it catches up."""

    on_rebuild: Callable[[Rebuild], None] = lambda outcome: None
    on_result: Callable[[BriefResult], None] | None = None
    on_ready: Callable[[], None] = lambda: None  # the watcher sees saves from now on
    on_notice: Callable[[str], None] = lambda text: None  # something the user should know
    since: float | None = None  # also rebuild for files saved after this time.time()


IDLE_TICK = 1000  # ms: how often an idle watcher wakes (the first tick means "ready")


async def run_live(builder: LiveBuilder, hooks: Hooks, stop_event: Any = None) -> None:
    """Watch the project and rebuild what each save affects, until ``stop_event`` is set
    (an asyncio or anyio event; None: until interrupted).

    Saves that arrive while a rebuild runs are merged into the next one, so a
    burst of saves costs one rebuild. Rebuilds run in a worker thread; the event
    loop stays free (for the preview server's pages). Once the watcher is up,
    files saved since ``hooks.since`` (during the first build) are caught up on.
    """
    await LiveLoop(builder, hooks, stop_event).run()


class LiveLoop:
    """The watcher and the rebuilding worker of :func:`run_live`, and what they share:
    the saves not yet rebuilt and the event that wakes the worker."""

    def __init__(self, builder: LiveBuilder, hooks: Hooks, stop_event: Any) -> None:
        import anyio

        self.builder, self.hooks, self.stop_event = builder, hooks, stop_event
        self.queued = Affected()
        self.wake = anyio.Event()
        self.ready = False

    async def run(self) -> None:
        import anyio

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self.watcher, tasks.cancel_scope)
            tasks.start_soon(self.worker)

    async def watch_once(self) -> None:
        from watchfiles import awatch

        builder = self.builder
        async for changes in awatch(
            *watch_paths(builder.root),
            watch_filter=watch_filter(builder.root),
            stop_event=self.stop_event,
            step=50,
            debounce=800,
            rust_timeout=IDLE_TICK,
            yield_on_timeout=True,
        ):
            paths = [Path(p) for _, p in changes]
            if not self.ready:
                self.ready = True
                if self.hooks.since is not None:
                    paths += changed_since(builder.root, self.hooks.since)
                self.hooks.on_ready()
            self.queued.merge(classify(paths, builder.root, builder.specs, builder.logos))
            if self.queued:
                self.wake.set()

    async def watcher(self, scope: Any) -> None:
        """Watch until stopped. watchfiles gives up on some events (a file name that is
        not UTF-8, a watched folder that vanished): say so, watch again, and rebuild
        everything, since saves may have been missed meanwhile."""
        import anyio

        pause, last = 0.5, ""
        while True:
            try:
                await self.watch_once()
                break  # the stop event was set
            except Exception as exc:
                if self.stop_event is not None and self.stop_event.is_set():
                    break
                reason = printable(str(innermost(exc)))
                if reason != last:  # the same cause again is not news
                    self.hooks.on_notice(f"the file watcher stopped ({reason}); watching again")
                last = reason
                self.queued.merge(Affected.all())
                self.wake.set()
                await anyio.sleep(pause)
                pause = min(pause * 2, 5.0)
        scope.cancel()

    async def worker(self) -> None:
        import anyio

        while True:
            await self.wake.wait()
            self.wake = anyio.Event()
            job, self.queued = self.queued, Affected()
            if job:
                rebuild = functools.partial(
                    self.builder.rebuild, job, on_result=self.hooks.on_result
                )
                self.hooks.on_rebuild(await anyio.to_thread.run_sync(rebuild))


def innermost(exc: BaseException) -> BaseException:
    """The first leaf of nested exception groups (task groups wrap what went wrong)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc

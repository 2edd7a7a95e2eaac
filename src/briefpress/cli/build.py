"""``briefpress build``: every brief, or the named ones, once or watching for changes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefpress import editions
from briefpress.build.builder import build, default_jobs
from briefpress.build.noop import unchanged_build
from briefpress.build.results import BriefResult
from briefpress.build.version import before_build, upgrade_note
from briefpress.cli.app import Context, cli, complete_brief_ids
from briefpress.cli.jsonout import emit, output_json, problem_json
from briefpress.cli.progress import Progress, report_line
from briefpress.core.errors import BriefpressError, Location, Problem, grouped_warnings
from briefpress.data.load import Project


def _editions(value: str) -> tuple[str, ...]:
    return editions.expand((value,))


@cli.command("build")
@click.argument("ids", nargs=-1, shell_complete=complete_brief_ids)
@click.option("--html", "write_html", is_flag=True, help="Also write out/<id>.html.")
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.option(
    "--edition",
    type=click.Choice([*editions.names(), "all"]),
    default=editions.default().name,
    show_default=True,
    help="; ".join(e.summary for e in editions.registry().values()) + "; all: every one.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: the number of cores).",
)
@click.option("--watch", is_flag=True, help="Keep running: rebuild what each saved file affects.")
@click.option(
    "--impose",
    type=click.Choice(["2up", "4up", "booklet"]),
    default=None,
    help="Also write out/<id>-2up.pdf (or -4up): copies on A4 with cut marks, for handouts;"
    " or out/<id>-booklet.pdf: A5 pages on A4 sheets to fold and staple.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (docs/cli-json.md)."
)
@click.pass_obj
def build_cmd(
    obj: Context,
    ids: tuple[str, ...],
    write_html: bool,
    force: bool,
    strict: bool,
    edition: str,
    jobs: int | None,
    watch: bool,
    impose: str | None,
    as_json: bool,
) -> None:
    """Build the named briefs, or every brief in briefs/."""
    root = obj.project
    if watch and as_json:
        raise click.UsageError("--json reports one build; --watch keeps building")
    if watch:
        from briefpress.live.terminal import watch_build

        only = list(ids) or None
        editions = _editions(edition)
        watch_build(root, only, editions, strict, write_html, jobs or default_jobs(), force)
        return
    if as_json:
        _build_json(obj, list(ids), _editions(edition), strict, write_html, force, jobs)
        return
    upgrade = before_build(Project(root=root).out_dir)
    chosen = _editions(edition)
    results = _build_shown(obj, list(ids), chosen, strict, write_html, force, jobs)
    if upgrade is not None:
        rebuilt = [r.output for r in results if r.written and not r.fresh]
        click.echo(upgrade_note(upgrade, rebuilt, root), err=True)
    failed = [r for r in results if r.failed(strict)]
    if impose:
        _impose_results([r for r in results if not r.failed(strict)], impose, root)
    fresh = sum(1 for r in results if r.fresh)
    summary = f"{len(results) - len(failed) - fresh} built, {len(failed)} failed"
    if failed or not obj.quiet:
        click.echo(summary + (f", {fresh} up to date." if fresh else "."))
    if failed:
        sys.exit(1)


def _build_shown(
    obj: Context,
    ids: list[str],
    editions: tuple[str, ...],
    strict: bool,
    write_html: bool,
    force: bool,
    jobs: int | None,
) -> list[BriefResult]:
    """The build, with a line per brief and edition as each is done, its failures under
    it, then what editions' finishers found and the warnings grouped."""
    root = obj.project
    progress = Progress(enabled=sys.stdout.isatty() and not obj.quiet)
    warnings: list[tuple[str, Problem]] = []
    told: dict[int, int] = {}  # problems shown per result, when it was reported

    def blocked(project: Project, stopped: dict[str, list[Problem]]) -> None:
        for problem, ids in stopping_lines(project, stopped, strict):
            progress.echo(f"{problem}", err=True)
            progress.echo(f"  {ids}", err=True)

    def report(result: BriefResult) -> None:
        if not (obj.quiet and not result.failed(strict)):
            progress.advance(report_line(result, root, strict))
        told[id(result)] = len(result.problems)
        for problem in result.problems:
            if problem.is_error or strict or obj.verbose:  # shown with its brief
                progress.echo(f"  {problem}", err=True)
            else:
                warnings.append((result.brief.id, problem))

    with progress:
        quick = None if force else unchanged_build(
            root, ids or None, editions, strict, write_html
        )  # fmt: skip
        if quick is not None:  # nothing changed: nothing loaded, nothing rendered
            progress.start(0)
            for result in quick:
                report(result)
        results = quick if quick is not None else build(
            root,
            ids or None,
            editions,
            strict,
            write_html,
            report,
            force=force,
            jobs=jobs or default_jobs(),
            on_plan=progress.start,
            on_blocked=blocked,
        )  # fmt: skip
    for result in results:  # what an edition's finisher found after the brief was told
        for problem in result.problems[told.get(id(result), 0) :]:
            click.echo(f"  {problem}", err=True)
    for line in grouped_warnings(warnings):
        click.echo(line, err=True)
    return results


def _build_json(
    obj: Context,
    ids: list[str],
    editions: tuple[str, ...],
    strict: bool,
    write_html: bool,
    force: bool,
    jobs: int | None,
) -> None:
    """``build --json``: the build, then one object with every output and problem; a
    problem that stopped briefs before any was rendered is listed once, with ``stops``."""
    upgrade = before_build(Project(root=obj.project).out_dir)
    problems: list[dict[str, object]] = []

    def blocked(project: Project, stopped: dict[str, list[Problem]]) -> None:
        for problem in _failing(project, strict):
            ids = sorted(bid for bid, found in stopped.items() if problem in found)
            problems.append({**problem_json(problem, _owner(project, problem)), "stops": ids})

    results = build(
        obj.project,
        ids or None,
        editions,
        strict,
        write_html,
        force=force,
        jobs=jobs or default_jobs(),
        on_blocked=blocked,
    )
    outputs = []
    for result in results:
        state = "failed" if result.failed(strict) else "fresh" if result.fresh else "built"
        found = output_json(result.output, obj.project, result.pages, result.edition, state)
        outputs.append({"brief": result.brief.id, **found})
        problems += [problem_json(p, result.brief.id) for p in result.problems]
    failed = any(r.failed(strict) for r in results)
    payload: dict[str, object] = {"ok": not failed, "outputs": outputs, "problems": problems}
    if upgrade is not None:  # the first build by another version: whether the look changed
        rebuilt = [r.output for r in results if r.written and not r.fresh]
        payload["note"] = upgrade_note(upgrade, rebuilt, obj.project)
    emit(payload)
    if failed:
        sys.exit(1)


def _failing(project: Project, strict: bool) -> list[Problem]:
    """The problems found before building that keep briefs from building."""
    return [p for p in project.problems if p.is_error or strict]


def _owner(project: Project, problem: Problem) -> str | None:
    """The brief whose own spec the problem is in, if it is in one."""
    return next((b.id for b in project.briefs.values() if b.file == problem.location.file), None)


def stopping_lines(
    project: Project, stopped: dict[str, list[Problem]], strict: bool
) -> list[tuple[Problem, str]]:
    """Each problem that stops briefs, told once, with a line naming the briefs it stops
    (a brief that shows no bad record still builds)."""
    found = []
    for problem in _failing(project, strict):
        ids = sorted(bid for bid, mine in stopped.items() if problem in mine)
        names = ", ".join(ids)
        line = f"stops {names}" if ids else "stops none of the briefs being built"
        found.append((problem, line))
    return found


def _impose_results(results: list[BriefResult], layout: str, root: Path) -> None:
    """Print the N-up sheets made of each built PDF."""
    from briefpress.pdf.impose import impose_all

    try:
        made = impose_all([r.output for r in results], layout)
    except OSError as exc:  # a full disk: the sheets were not made, and the command says so
        where = Project(root=root).display(Path(exc.filename or root / "out"))
        why = f"cannot write the imposed sheets: {exc.strerror or exc}"
        raise BriefpressError([Problem(Location(where), why)]) from None
    for target, sheets in made:
        shown = target.relative_to(root) if target.is_relative_to(root) else target
        click.echo(f"imposed {shown} ({sheets} sheet{'s' if sheets != 1 else ''})")

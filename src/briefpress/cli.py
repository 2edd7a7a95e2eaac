"""The ``briefpress`` command: a thin layer over the pipeline stages.

User mistakes print as ``file:line:column: error: message`` lines; tracebacks
appear only with ``--debug``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .build import BriefResult, build, default_jobs, output_path
from .errors import BriefpressError, Problem, raise_if_errors
from .export import EXPORTABLE, export, serialise
from .load import load_project
from .model import KINDS
from .newbrief import new_brief_spec
from .validate import validate_project


class Context:
    def __init__(self, debug: bool, project: Path) -> None:
        self.debug = debug
        self.project = project


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.is_error)
    click.echo(f"{errors or len(problems)} problem(s) found.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    help="The project folder (default: the current folder).",
)
@click.version_option(__version__, prog_name="briefpress")
@click.pass_context
def cli(ctx: click.Context, debug: bool, project: Path) -> None:
    """Turn report data into print-ready PDF briefs."""
    ctx.obj = Context(debug, project.resolve())


def _editions(value: str) -> tuple[str, ...]:
    return ("screen", "print") if value == "all" else (value,)


def _report_line(result: BriefResult, root: Path, strict: bool) -> str:
    rel = result.output.relative_to(root) if result.output.is_relative_to(root) else result.output
    if result.failed(strict):
        return f"FAILED {result.brief.id} ({result.edition})"
    if result.fresh:
        return f"fresh  {rel} (up to date)"
    return f"built  {rel} ({result.pages} page{'s' if result.pages != 1 else ''})"


@cli.command("build")
@click.argument("ids", nargs=-1)
@click.option("--html", "write_html", is_flag=True, help="Also write out/<id>.html.")
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.option(
    "--edition",
    type=click.Choice(["screen", "print", "all"]),
    default="screen",
    show_default=True,
    help="screen: out/<id>.pdf; print: out/print/<id>.pdf.",
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
    type=click.Choice(["2up", "4up"]),
    default=None,
    help="Also write out/<id>-2up.pdf (or -4up): copies on A4 with cut marks, for handouts.",
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
) -> None:
    """Build the named briefs, or every brief in briefs/."""
    root = obj.project
    if watch:
        from .watch import watch_build

        only = list(ids) or None
        editions = _editions(edition)
        watch_build(root, only, editions, strict, write_html, jobs or default_jobs(), force)
        return
    progress = Progress(enabled=sys.stdout.isatty())

    def report(result: BriefResult) -> None:
        progress.advance(_report_line(result, root, strict))
        for problem in result.problems:
            progress.echo(f"  {problem}", err=True)

    with progress:
        results = build(
            root,
            list(ids) or None,
            _editions(edition),
            strict,
            write_html,
            report,
            force=force,
            jobs=jobs or default_jobs(),
            on_plan=progress.start,
        )
    failed = [r for r in results if r.failed(strict)]
    if impose:
        _impose_results([r for r in results if not r.failed(strict)], impose, root)
    fresh = sum(1 for r in results if r.fresh)
    summary = f"{len(results) - len(failed) - fresh} built, {len(failed)} failed"
    click.echo(summary + (f", {fresh} up to date." if fresh else "."))
    if failed:
        sys.exit(1)


def _impose_results(results: list[BriefResult], layout: str, root: Path) -> None:
    """N-up print sheets of each built PDF (cheap: no WeasyPrint, so never cached)."""
    from .impose import impose_pdf, imposed_path

    for result in results:
        target = imposed_path(result.output, layout)
        sheets = impose_pdf(result.output, target, layout)
        shown = target.relative_to(root) if target.is_relative_to(root) else target
        click.echo(f"imposed {shown} ({sheets} sheet{'s' if sheets != 1 else ''})")


@cli.command("letters")
@click.argument("letter_id", metavar="ID")
@click.option(
    "--recipients",
    "recipients_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV or YAML (name, title, organisation, address; salutation, language, note), "
    "relative to the project.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write (default: out/letters/<id>/); it is replaced as a whole.",
)
@click.option(
    "--edition",
    type=click.Choice(["screen", "print"]),
    default="screen",
    show_default=True,
    help="The edition of the letters and of the brief behind them.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes.")
@click.pass_obj
def letters_cmd(
    obj: Context,
    letter_id: str,
    recipients_file: Path,
    out_dir: Path | None,
    edition: str,
    strict: bool,
    jobs: int | None,
) -> None:
    """Write one letter per recipient, each followed by the brief it accompanies."""
    from .letters import MAILING_FILE, MANIFEST_FILE, mail

    mailing = mail(
        obj.project,
        letter_id,
        obj.project / recipients_file,  # relative paths: to the project, as with -C
        obj.project / out_dir if out_dir else None,
        edition,
        strict,
        jobs or default_jobs(),
    )
    for problem in mailing.problems:
        click.echo(str(problem), err=True)
    folder = mailing.folder
    shown = folder.relative_to(obj.project) if folder.is_relative_to(obj.project) else folder
    count = len(mailing.rows)
    click.echo(
        f"wrote {count} letter{'s' if count != 1 else ''} to {shown}/: {MAILING_FILE} "
        f"({mailing.mailing_pages} pages, each letter on an odd page), {MANIFEST_FILE}"
    )


@cli.command("send")
@click.argument("letter_id", metavar="ID")
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV or YAML as for letters, with an email column (and optionally cc).",
)
@click.option("--dry-run", is_flag=True, help="Write the drafts and the plan; send nothing.")
@click.option("--yes", is_flag=True, help="Send without asking (for scripts).")
@click.option("--status", "show_status", is_flag=True, help="Show the send log and stop.")
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Send again to those whose earlier message may or may not have arrived.",
)
@click.option(
    "--edition",
    type=click.Choice(["screen", "print"]),
    default="screen",
    show_default=True,
    help="The edition of the letters attached.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes.")
@click.pass_obj
def send_cmd(
    obj: Context,
    letter_id: str,
    recipients_file: Path | None,
    dry_run: bool,
    yes: bool,
    show_status: bool,
    resend_unknown: bool,
    edition: str,
    strict: bool,
    jobs: int | None,
) -> None:
    """E-mail every recipient their letter, once; run again to continue after a stop."""
    from .sendcli import run_send, show_send_status

    if show_status:
        show_send_status(obj.project, letter_id)
        return
    if recipients_file is None:
        raise click.UsageError("--recipients FILE is needed (or --status)")
    run_send(
        obj.project,
        letter_id,
        obj.project / recipients_file,
        dry_run=dry_run,
        yes=yes,
        resend_unknown=resend_unknown,
        edition=edition,
        strict=strict,
        jobs=jobs or default_jobs(),
    )


class Progress:
    """A rich progress bar on a terminal when several PDFs are made; plain lines otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, total: int) -> None:
        if not self.enabled or total < 2:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("build", total=total)

    def echo(self, line: str, err: bool = False) -> None:
        if self.bar is not None:
            self.bar.console.print(line, highlight=False, markup=False)
        else:
            click.echo(line, err=err)

    def advance(self, line: str) -> None:
        self.echo(line)
        if self.bar is not None and not line.startswith("fresh"):
            self.bar.advance(self.task)


@cli.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.pass_obj
def serve_cmd(obj: Context, port: int, host: str, strict: bool) -> None:
    """Preview every brief in the browser; pages update as you save files."""
    from .serve import serve

    serve(obj.project, host, port, strict, jobs=default_jobs())


@cli.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The report as .txt or .pdf: verify every verbatim field against it.",
)
@click.pass_obj
def check_cmd(obj: Context, strict: bool, against: Path | None) -> None:
    """Validate report data and every brief without rendering."""
    project = load_project(obj.project)
    problems = validate_project(project)
    if against is not None:
        from .checks import check_verbatim

        problems.extend(check_verbatim(project, against))
    from .checks import check_language, check_translations

    problems.extend(check_language(project))
    problems.extend(check_translations(project))
    from .mailsettings import config_problems

    problems.extend(config_problems(project))
    for problem in problems:
        click.echo(str(problem), err=True)
    failing = [p for p in problems if p.is_error or strict]
    if failing:
        click.echo(f"{len(failing)} problem(s) found.", err=True)
        sys.exit(1)
    quotes = sum(len(d.quotes) for d in project.reports.values())
    click.echo(
        f"ok: {len(project.reports)} report(s), {quotes} quotes, {len(project.briefs)} briefs"
        + (f", verbatim fields match {against.name}" if against else "")
    )


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def list_cmd(obj: Context, fmt: str) -> None:
    """Show every brief with its kind, subject, language, page budget and output."""
    from .postcheck import DEFAULT_PAGE_BUDGET

    project = load_project(obj.project)
    raise_if_errors(project.problems)
    rows: list[dict[str, Any]] = []
    for brief in project.briefs.values():
        out = output_path(project, brief.id, "screen")
        rows.append(
            {
                "id": brief.id,
                "kind": brief.kind,
                "title": brief.title,
                "country": brief.country,
                "theme": brief.theme,
                "language": brief.language,
                "paper": brief.paper,
                "max_pages": brief.max_pages or DEFAULT_PAGE_BUDGET.get(brief.kind),
                "output": out.relative_to(project.root).as_posix(),
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} briefs")
    for column in ("id", "kind", "country/theme", "language", "pages", "output"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            row["kind"],
            row["country"] or row["theme"] or "",
            row["language"],
            str(row["max_pages"] or ""),
            row["output"],
        )
    Console(soft_wrap=True).print(table)


@cli.command("new")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("brief_id")
@click.pass_obj
def new_cmd(obj: Context, kind: str, brief_id: str) -> None:
    """Write briefs/ID.yaml: a spec of KIND that builds as it is."""
    project = load_project(obj.project)
    raise_if_errors(project.problems)
    path = project.briefs_dir / f"{brief_id}.yaml"
    if path.exists():
        raise BriefpressError(f"{project.display(path)} exists already; choose another id")
    text = new_brief_spec(project, kind, brief_id)
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {project.display(path)}; build it with: briefpress build {brief_id}")


@cli.command("export")
@click.argument("kind", type=click.Choice(EXPORTABLE))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "yaml"]), default="json")
@click.option("--country", help="Only records about this country id.")
@click.option("--theme", help="Only records about this theme id.")
@click.option("--report", "report_id", help="The report id (default: the only one).")
@click.pass_obj
def export_cmd(
    obj: Context,
    kind: str,
    fmt: str,
    country: str | None,
    theme: str | None,
    report_id: str | None,
) -> None:
    """Print report records (quotes, findings, ...) as JSON, CSV or YAML."""
    project = load_project(obj.project)
    raise_if_errors(validate_project(project))
    if report_id is None:
        if len(project.reports) != 1:
            raise BriefpressError(f"choose a report with --report: {', '.join(project.reports)}")
        report_id = next(iter(project.reports))
    if report_id not in project.reports:
        raise BriefpressError(f"no report {report_id!r}")
    data = project.reports[report_id]
    if country and country not in data.countries:
        raise BriefpressError(f"unknown country {country!r}: one of {', '.join(data.countries)}")
    if theme and theme not in data.themes:
        raise BriefpressError(f"unknown theme {theme!r}: one of {', '.join(data.themes)}")
    click.echo(serialise(export(data, kind, country, theme), fmt), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: clean messages for every user mistake, tracebacks only with --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="briefpress", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except BriefpressError as exc:
        if debug:
            raise
        fail(exc.problems)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(f"briefpress: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("Run again with --debug for the traceback, and report it.", err=True)
        sys.exit(2)

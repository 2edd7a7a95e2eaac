"""``briefpress check``: validate data and briefs without rendering anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefpress.checks.validate import validate_project
from briefpress.cli.app import Context, cli
from briefpress.data.load import load_project


@cli.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The report as .txt, .pdf or .docx: verify every verbatim field against it.",
)
@click.pass_obj
def check_cmd(obj: Context, strict: bool, against: Path | None) -> None:
    """Validate report data and every brief without rendering."""
    project = load_project(obj.project)
    problems = validate_project(project)
    if against is not None:
        from briefpress.checks.language import check_verbatim

        problems.extend(check_verbatim(project, against))
    from briefpress.checks.drafts import check_drafts
    from briefpress.checks.language import check_language, check_translations

    problems.extend(check_language(project))
    problems.extend(check_translations(project))
    problems.extend(check_drafts(project))
    from briefpress.mail.settings import config_problems

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

"""Commands about the project's contents: ``list`` its briefs, ``new`` brief, ``export`` records."""

from __future__ import annotations

import json
from typing import Any

import click

from briefpress import editions
from briefpress.build.results import output_path
from briefpress.checks.validate import validate_project
from briefpress.cli.app import Context, cli
from briefpress.core.errors import BriefpressError, raise_if_errors
from briefpress.core.files import write_atomic
from briefpress.data import kinds
from briefpress.data.export import EXPORTABLE, export, serialise
from briefpress.data.load import load_project
from briefpress.scaffold.new import check_brief_id, new_brief_spec


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def list_cmd(obj: Context, fmt: str) -> None:
    """Show every brief with its kind, subject, language, page budget and output."""
    project = load_project(obj.project)
    raise_if_errors(project.problems)
    rows: list[dict[str, Any]] = []
    for brief in project.briefs.values():
        out = output_path(project, brief.id, editions.default().name)
        rows.append(
            {
                "id": brief.id,
                "kind": brief.kind,
                "title": brief.title,
                "country": brief.country,
                "theme": brief.theme,
                "language": brief.language,
                "paper": brief.paper,
                "max_pages": kinds.page_budget(brief),
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
@click.argument("kind", type=click.Choice(kinds.names()))
@click.argument("brief_id")
@click.pass_obj
def new_cmd(obj: Context, kind: str, brief_id: str) -> None:
    """Write briefs/ID.yaml: a spec of KIND that builds as it is."""
    check_brief_id(brief_id)
    project = load_project(obj.project)
    raise_if_errors(project.problems)
    path = project.briefs_dir / f"{brief_id}.yaml"
    if path.exists():
        raise BriefpressError(f"{project.display(path)} exists already; choose another id")
    text = new_brief_spec(project, kind, brief_id)
    write_atomic(path, text.encode("utf-8"))
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

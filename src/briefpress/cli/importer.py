"""``briefpress import``: draft a report's data from its PDF, Word or text file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefpress.cli.app import Context, cli


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--report", "report_id", required=True, help="The report id: reports/ID/.")
@click.option("--merge", is_flag=True, help="Keep every field you wrote; fill in the rest.")
@click.option("--force", is_flag=True, help="Replace files you edited since the last import.")
@click.pass_obj
def import_cmd(obj: Context, file: Path, report_id: str, merge: bool, force: bool) -> None:
    """Draft reports/ID/ from a report (.txt, .pdf or .docx), with a review list."""
    from briefpress.importer import import_report, summary_lines
    from briefpress.importer.write import Mode

    if merge and force:
        raise click.UsageError("choose one of --merge and --force")
    mode: Mode = "merge" if merge else "force" if force else "safe"
    result = import_report(file, obj.project, report_id, mode)
    for line in summary_lines(result):
        click.echo(line)
    if result.mismatches:
        sys.exit(1)

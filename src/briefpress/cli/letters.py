"""``briefpress letters``: one personal letter per recipient, each with its brief behind it."""

from __future__ import annotations

from pathlib import Path

import click

from briefpress.build.builder import default_jobs
from briefpress.cli.app import Context, cli, complete_brief_ids, letter_options


@cli.command("letters")
@click.argument("letter_id", metavar="ID", shell_complete=complete_brief_ids)
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
    help="The folder to write (default: out/letters/<id>/): a new or empty folder, or one "
    "an earlier mailing made, which is replaced as a whole; any other folder is refused.",
)
@letter_options("The edition of the letters and of the brief behind them.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (docs/cli-json.md)."
)
@click.pass_obj
def letters_cmd(
    obj: Context,
    letter_id: str,
    recipients_file: Path,
    out_dir: Path | None,
    edition: str,
    strict: bool,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Write one letter per recipient, each followed by the brief it accompanies."""
    from briefpress.mail.letters import MAILING_FILE, MANIFEST_FILE, mail

    mailing = mail(
        obj.project,
        letter_id,
        obj.project / recipients_file,  # relative paths: to the project, as with -C
        obj.project / out_dir if out_dir else None,
        edition,
        strict,
        jobs or default_jobs(),
    )
    if as_json:
        from briefpress.cli.jsonout import emit, mailing_json

        emit(mailing_json(mailing, obj.project, edition, MANIFEST_FILE, MAILING_FILE))
        return
    for problem in mailing.problems:
        click.echo(str(problem), err=True)
    folder = mailing.folder
    shown = folder.relative_to(obj.project) if folder.is_relative_to(obj.project) else folder
    count = mailing.letters
    click.echo(
        f"wrote {count} letter{'s' if count != 1 else ''} to {shown}/: {MAILING_FILE} "
        f"({mailing.mailing_pages} pages, each letter on an odd page), {MANIFEST_FILE}"
    )

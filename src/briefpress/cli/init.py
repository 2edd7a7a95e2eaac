"""Commands that start something: ``init`` a project, ``new-language`` an interface catalog."""

from __future__ import annotations

from pathlib import Path

import click

from briefpress.cli.app import Context, cli
from briefpress.scaffold.init import init_project
from briefpress.scaffold.language import new_catalog


@cli.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--organisation",
    default="Your organisation",
    show_default=True,
    help="Your organisation's name, for the brand and the letters.",
)
@click.pass_obj
def init_cmd(obj: Context, directory: Path | None, organisation: str) -> None:
    """Start a project in DIRECTORY (default: the project folder) that builds at once."""
    # Into the folder named (or -C's), never into a project found above it.
    target = (directory or obj.start).resolve()
    written = init_project(target, organisation)
    obj.say(f"wrote {len(written)} files in {target}")
    here = Path.cwd().resolve()
    where = "" if target == here else f"cd {_shown(target, here)} && "
    obj.say(f"next: edit briefpress.yaml and reports/, then: {where}briefpress build")


def _shown(target: Path, here: Path) -> str:
    """The folder as a user would type it after ``cd``: relative when below here."""
    text = target.relative_to(here).as_posix() if target.is_relative_to(here) else str(target)
    return f'"{text}"' if " " in text else text


@cli.command("new-language")
@click.argument("language")
@click.pass_obj
def new_language_cmd(obj: Context, language: str) -> None:
    """Write locale/LANGUAGE/LC_MESSAGES/briefpress.po in the project, to translate."""
    path, from_shipped = new_catalog(obj.project, language)
    shown = path.relative_to(obj.project) if path.is_relative_to(obj.project) else path
    start = "the shipped translation" if from_shipped else "every interface string, untranslated"
    click.echo(f"wrote {shown} ({start}); briefs in {language} use it from the next build")

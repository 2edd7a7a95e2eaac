"""``briefpress studio``: the project in a browser (briefpress.studio)."""

from __future__ import annotations

import click

from briefpress.cli.app import Context, cli


@cli.command("studio")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="0 picks a free port.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on (this machine only by default).",
)
@click.pass_obj
def studio_cmd(obj: Context, port: int, host: str) -> None:
    """Make briefs in the browser: report data, tagging, composing, previews."""
    from briefpress.studio.app import serve

    serve(obj.project, host, port)

"""``briefpress serve``: the live preview in a browser."""

from __future__ import annotations

import click

from briefpress.build.builder import default_jobs
from briefpress.cli.app import Context, cli


@cli.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--strict", is_flag=True, help="Treat warnings (WeasyPrint's too) as errors.")
@click.pass_obj
def serve_cmd(obj: Context, port: int, host: str, strict: bool) -> None:
    """Preview every brief in the browser; pages update as you save files."""
    from briefpress.live.serve import serve

    serve(obj.project, host, port, strict, jobs=default_jobs())

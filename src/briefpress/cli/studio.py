"""``briefpress studio``: the project in a browser (briefpress.studio); ``studio
add-user`` and ``remove-user`` manage who may log in to it in team mode."""

from __future__ import annotations

import os
from pathlib import Path

import click

from briefpress.cli.app import Context, cli


@cli.group("studio", invoke_without_command=True)
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
    help="The address to listen on (this machine only by default). Any other address "
    "is team mode: a login for every request, users from 'studio add-user'.",
)
@click.option(
    "--team",
    is_flag=True,
    help="Team mode on this machine's address too (behind a reverse proxy).",
)
@click.option(
    "--tls-cert",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A certificate (PEM) to serve https with; needs --tls-key.",
)
@click.option(
    "--tls-key", type=click.Path(path_type=Path, dir_okay=False), help="Its private key (PEM)."
)
@click.pass_context
def studio_cmd(
    ctx: click.Context,
    port: int,
    host: str,
    team: bool,
    tls_cert: Path | None,
    tls_key: Path | None,
) -> None:
    """Make briefs in the browser: report data, tagging, composing, previews; for a team,
    recipients and sending too, behind a login (add-user)."""
    if ctx.invoked_subcommand is not None:
        return
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together")
    from briefpress.studio.app import serve

    obj: Context = ctx.obj
    tls = (tls_cert, tls_key) if tls_cert and tls_key else None
    serve(obj.project, host, port, tls=tls, team=team)


@studio_cmd.command("add-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["editor", "sender"]),
    default="editor",
    show_default=True,
    help="editor: data, briefs, builds; sender: also recipients, letters and sending.",
)
@click.pass_obj
def add_user_cmd(obj: Context, name: str, role: str) -> None:
    """Let NAME log in to the studio in team mode (or change their role and password).

    The password is asked for twice, or read from BRIEFPRESS_STUDIO_PASSWORD; only its
    argon2 hash is kept, in .briefpress/studio-users.json (0600, never in git).
    """
    from briefpress.studio.auth import USERS_FILE, add_user, check_name

    check_name(name)  # before the password is asked for
    password = os.environ.get("BRIEFPRESS_STUDIO_PASSWORD")
    if password is None:
        password = click.prompt(
            f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True
        )
    new = add_user(obj.project, name, role, password)
    done = "added" if new else "changed (new role and password)"
    click.echo(f"{name} {done}, role {role}; kept in {USERS_FILE}")


@studio_cmd.command("remove-user")
@click.argument("name")
@click.pass_obj
def remove_user_cmd(obj: Context, name: str) -> None:
    """Stop NAME logging in to the studio; a session they have ends at its next request."""
    from briefpress.studio.auth import remove_user

    if not remove_user(obj.project, name):
        raise click.UsageError(f"no studio user named {name!r}")
    click.echo(f"{name} removed")

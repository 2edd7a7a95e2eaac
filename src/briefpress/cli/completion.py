"""``briefpress completion bash|zsh|fish``: the shell's completion script, brief ids included.

click writes the script; the shell then calls briefpress back with
``_BRIEFPRESS_COMPLETE`` set, and the arguments that take a brief id complete from the
project's briefs/ (:func:`briefpress.cli.app.complete_brief_ids`).
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from briefpress.cli.app import cli

SHELLS = ("bash", "zsh", "fish")
INSTALL = {
    "bash": 'eval "$(briefpress completion bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(briefpress completion zsh)"  # in ~/.zshrc',
    "fish": "briefpress completion fish > ~/.config/fish/completions/briefpress.fish",
}


@cli.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_cmd(shell: str) -> None:
    """Print the completion script for SHELL; e.g. eval "$(briefpress completion bash)"."""
    found = get_completion_class(shell)
    assert found is not None  # every name in SHELLS is one click knows
    click.echo(found(cli, {}, "briefpress", "_BRIEFPRESS_COMPLETE").source())
    click.echo(f"# install: {INSTALL[shell]}")

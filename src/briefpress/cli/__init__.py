"""The ``briefpress`` command line: one module per command or group, all of them thin.

Importing the command modules registers them on the group defined in :mod:`.app`.
"""

from briefpress.cli import (
    build,
    check,
    completion,
    importer,
    init,
    letters,
    project,
    send,
    serve,
    studio,
)
from briefpress.cli.app import cli, main

__all__ = [
    "build",
    "check",
    "cli",
    "completion",
    "importer",
    "init",
    "letters",
    "main",
    "project",
    "send",
    "serve",
    "studio",
]

"""``python -m briefpress`` runs the command-line tool."""

from briefpress.cli import main

main()

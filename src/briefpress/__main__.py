"""``python -m briefpress`` runs the command-line tool (importing this module does not)."""

from briefpress.cli import main

if __name__ == "__main__":
    main()

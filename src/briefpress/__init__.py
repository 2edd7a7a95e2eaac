"""briefpress: turn the data of an advocacy report into print-ready PDF briefs."""

from importlib import metadata

try:  # the installed distribution's version: one place to change it, pyproject.toml
    __version__ = metadata.version("briefpress")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0+unknown"

"""briefpress: turn the data of an advocacy report into print-ready PDF briefs."""

__version__ = "0.1.0"

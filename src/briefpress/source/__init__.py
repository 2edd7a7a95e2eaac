"""The report's own text: read it, clean it, match data fields against it.

``briefpress import`` cuts records from this text and ``check --against``
verifies fields against it, so both read one text the same way:
:mod:`.read` turns a PDF, Word or text file into a text dump (with limits on
what a file may cost), :mod:`.layout` reads a PDF's paragraphs and their
styles from its characters' boxes and fonts, :mod:`.clean` sorts a dump into
body and footnotes and joins its lines, :mod:`.match` finds a field in it and
says where one differs, :mod:`.text` folds characters for comparison.
"""

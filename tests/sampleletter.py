"""The letter the mail tests send: it accompanies the fixture project's Arcadia brief and
is addressed to a sample recipient; the tests also use the shipped sample recipients."""

from conftest import REPO

SAMPLE = REPO / "briefs" / "recipients" / "sample.csv"
# The letter spec up to its body, for tests that write their own paragraphs.
LETTER_HEAD = """\
report: mini-report
kind: letter
title: "A letter about Arcadia"
letter:
  accompanies: arcadia
  subject: "No sanctions in Arcadia"
  recipient:
    name: "Sample Person (SAMPLE)"
    address: "1 Sample Street\\nSample City"
  signature:
    name: "Our Name"
    organisation: "Our Organisation"
  body:
"""
LETTER = (
    LETTER_HEAD + '    - "We write to share what people who use drugs in Arcadia told the study."\n'
)

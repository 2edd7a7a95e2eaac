"""A project with a letter written as a person would (comments, a French translation in
flow style) and a recipients file of four, for the letter page's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURE

LETTER = """\
# A letter to councillors about Arcadia: the recipient is a made-up SAMPLE.
report: mini-report
kind: letter
title: "A letter about Arcadia"
letter:
  accompanies: arcadia   # the brief behind each letter
  subject: "No sanctions in Arcadia"
  recipient:
    name: "Sample Person (SAMPLE)"
    address: "1 Sample Street\\nSample City"
  body:
    - "We write to share what people who use drugs in Arcadia told the study."
    # the ask comes second
    - "We ask you to end the fines."
    - "Thank you for reading."
  signature:
    name: "Our Name"
    organisation: "Our Organisation"
  translations:
    fr:
      subject: "Pas de sanctions à Arcadia"
      body:
        - "Nous vous écrivons pour partager ce que les personnes ont dit."
        - "Nous vous demandons de mettre fin aux amendes."
        - "Merci de votre lecture."
      signature: {name: "Notre nom", organisation: "Notre organisation"}
"""
RECIPIENTS = """\
name,title,organisation,address,language,email
"Ama Mensah (SAMPLE)",Councillor,City Council,"1 High St
Accra",en,ama@example.org
"Chloé Martin (SAMPLE)",Conseillère,Conseil municipal,"2 rue Exemple
Lyon",fr,chloe@example.org
"Chen Wei (SAMPLE)",Deputy,Assembly,"3 Road
Taipei",en,chen@example.org
"Dina Haddad (SAMPLE)",Councillor,City Council,"4 Street
Amman",es,dina@example.org
"""


def letter_project(root: Path) -> Path:
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    (root / "briefs/letter.yaml").write_text(LETTER, encoding="utf-8")
    (root / "briefs/recipients").mkdir(exist_ok=True)
    (root / "briefs/recipients/council.csv").write_text(RECIPIENTS, encoding="utf-8")
    return root

"""E-mails in the reader's language: each recipient's subject, text, closing, signature
title and attachment name come from the letter's translation into their language and
that language's catalog; letter files are named in ASCII whatever the script."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailserver import Received, Server, serving
from pypdf import PdfReader

from briefpress.mail.letters import mail
from briefpress.mail.personal import slug
from conftest import FIXTURE, run_cli
from sampleletter import LETTER_HEAD

# Fixture text written for the tests (not a reviewed translation).
TRANSLATIONS = """\
    - "We write to share what people who use drugs in Arcadia told the study."
  translations:
    ar:
      subject: "لا عقوبات في أركاديا"
      title: "رسالة عن أركاديا"
      body: ["نكتب إليكم لنشارككم ما قاله المشاركون في أركاديا."]
      closing: "مع خالص التحية،"
      signature: {title: "المديرة التنفيذية"}
    es:
      subject: "Sin sanciones en Arcadia"
      body: ["Le escribimos para compartir lo que contaron las personas en Arcadia."]
      signature: {title: "Directora ejecutiva"}
"""
PEOPLE = """\
name,title,organisation,address,language,email
"Alex Sample",MP,Sample Parliament,"1 Example Street\\nSample City",en,alex@example.org
"سلمى الخطيب",,لجنة الصحة,"شارع الملك حسين ١٢\\nعمّان",ar,salma@example.org
"María Ejemplo",,Asamblea,"Calle Ejemplo 1\\nSan José",es,maria@example.org
"""


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


def test_each_email_is_in_its_readers_language(tmp_path: Path, server: Server) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    letter = LETTER_HEAD.replace('    organisation: "Our Organisation"\n', (
        '    title: "Executive director"\n    organisation: "Our Organisation"\n'
    )).replace("  accompanies: arcadia\n", "")  # fmt: skip
    (root / "briefs/letter.yaml").write_text(letter + TRANSLATIONS, encoding="utf-8")
    (root / "people.csv").write_text(PEOPLE, encoding="utf-8")
    mail(root, "letter", root / "people.csv")
    files = sorted(p.name for p in (root / "out/letters/letter").glob("0*.pdf"))
    assert files == ["001-alex-sample.pdf", "002-slma-lkhtyb.pdf", "003-maria-ejemplo.pdf"]

    (root / "briefpress.yaml").write_text(
        f"mail:\n  host: 127.0.0.1\n  port: {server.port}\n  security: none\n"
        '  from: "Advocacy Team <team@example.org>"\n',
        encoding="utf-8",
    )
    result = run_cli(["-C", str(root), "send", "letter", "--recipients", "people.csv",
                      "--dry-run"])  # fmt: skip
    assert result.code == 0, result.output
    drafts = sorted((root / "out/mail/letter/drafts").glob("*.eml"))
    english, arabic, spanish = (Received("", [], d.read_bytes()).message for d in drafts)

    assert english["Subject"] == "No sanctions in Arcadia"
    assert arabic["Subject"] == "لا عقوبات في أركاديا"
    assert spanish["Subject"] == "Sin sanciones en Arcadia"
    text = {
        lang: m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        for lang, m in (("en", english), ("ar", arabic), ("es", spanish))
    }
    assert "Yours sincerely," in text["en"] and "Executive director" in text["en"]
    assert "مع خالص التحية،" in text["ar"] and "المديرة التنفيذية" in text["ar"]
    assert "Yours sincerely" not in text["ar"]
    assert "تجدون مرفقاً رسالتنا إليكم" in text["ar"]  # the catalog's words, not English
    assert "Please find attached" not in text["ar"]
    assert "Atentamente," in text["es"] and "Directora ejecutiva" in text["es"]
    assert "Please find attached" not in text["es"]
    html = arabic.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert '<html lang="ar" dir="rtl">' in html
    names = [next(m.iter_attachments()).get_filename() for m in (english, arabic, spanish)]
    assert names == ["A letter about Arcadia.pdf", "رسالة عن أركاديا.pdf",
                     "Sin sanciones en Arcadia.pdf"]  # fmt: skip


def test_file_names_for_any_script_are_ascii_and_readable() -> None:
    assert slug("Nguyễn Văn Mẫu") == "nguyen-van-mau"
    assert slug("Иван Образцов") == "ivan-obraztsov"
    assert slug("רחל כהן") == "rhl-khhn"
    assert slug("김민지") == "gimminji"
    assert slug("…") == "recipient"


def test_each_reader_gets_the_brief_in_their_language_where_there_is_one(
    tmp_path: Path, server: Server
) -> None:
    """The letter accompanies arcadia; the project also has arcadia-es in Spanish. The
    Spanish reader's file carries that one, the others the brief the letter names."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    arcadia = (root / "briefs/arcadia.yaml").read_text(encoding="utf-8")
    (root / "briefs/arcadia-es.yaml").write_text(
        arcadia.replace('title: "Arcadia: no sanctions"', 'title: "Arcadia: sin sanciones"')
        + "language: es\n",
        encoding="utf-8",
    )
    (root / "briefs/letter.yaml").write_text(LETTER_HEAD + TRANSLATIONS, encoding="utf-8")
    (root / "people.csv").write_text(PEOPLE, encoding="utf-8")
    mail(root, "letter", root / "people.csv")
    folder = root / "out/letters/letter"
    english, arabic, spanish = (
        " ".join(t.split()) for t in (pdf_text(p) for p in sorted(folder.glob("0*.pdf")))
    )
    assert "Key findings" in english and "Key findings" in arabic  # no Arabic edition
    assert "Principales conclusiones" in spanish and "Key findings" not in spanish
    assert "Principales conclusiones" in " ".join(pdf_text(folder / "mailing.pdf").split())

    (root / "briefpress.yaml").write_text(
        f"mail:\n  host: 127.0.0.1\n  port: {server.port}\n  security: none\n"
        '  from: "Advocacy Team <team@example.org>"\n',
        encoding="utf-8",
    )
    result = run_cli(["-C", str(root), "send", "letter", "--recipients", "people.csv",
                      "--dry-run"])  # fmt: skip
    assert result.code == 0, result.output
    drafts = sorted((folder.parent.parent / "mail/letter/drafts").glob("*.eml"))
    spanish_mail = Received("", [], drafts[2].read_bytes()).message
    text = spanish_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "«Arcadia: sin sanciones»" in text
    # The English brief named in Arabic: isolated, with marks that face its own way.
    arabic_mail = Received("", [], drafts[1].read_bytes()).message
    arabic = arabic_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "\u2068“Arcadia: no sanctions”\u2069" in arabic


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)

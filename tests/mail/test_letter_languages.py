"""Letters in the recipient's language: a mailing to readers of six languages gives each a
letter wholly in theirs (the letter's words, salutation, headings, date, page labels,
closing), and a reader whose language the letter is not translated into is named by row
before anything is rendered."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from briefpress.core import i18n
from briefpress.data.load import load_project
from briefpress.mail.attachments import letter_files
from briefpress.mail.letters import mail
from briefpress.render.html import build_date
from conftest import copy_shipped, run_cli

LETTER = "letter-policymakers"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")
ROWS = {
    "en": ("Ann Example", "1 Example Street\nSample City"),
    "es": ("María Ejemplo", "Calle Ejemplo 1\nSan José"),
    "pt": ("Joana Exemplo", "Rua Exemplo 1\nLisboa"),
    "ru": ("Иван Образцов", "ул. Образцовая, 1\nБишкек"),
    "vi": ("Nguyễn Văn Mẫu", "Số 1 Phố Mẫu\nHà Nội"),
    "nb": ("Kari Eksempel", "Eksempelveien 1\nOslo"),
}


def fold(text: str) -> str:
    """Composed letters and single spaces: PDF text extraction gives neither reliably."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def recipients_csv(rows: dict[str, tuple[str, str]]) -> str:
    lines = ["name,title,organisation,address,language"]
    for language, (name, address) in rows.items():
        lines.append(f'"{name}",,Sample Assembly,"{address}",{language}')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def shipped_letter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its letter on its own (the brief behind it is the build's
    business, tested elsewhere) and a fixed date (24 November 2026)."""
    root = copy_shipped(tmp_path_factory.mktemp("letters"))
    spec = root / "briefs" / f"{LETTER}.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("  accompanies: overview-models", ""), encoding="utf-8")
    return root


def catalog_phrases(language: str) -> set[str]:
    """The words of a catalog, as printed: each message cut at its placeholders, the
    pieces of two words or more (English: the msgids; others: their translations)."""
    with i18n.catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    phrases = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        for piece in PLACEHOLDER.split(str(message.string)):
            piece = fold(piece.strip(" .,:;!()“”’«»"))
            if len(piece.split()) >= 2:
                phrases.add(piece)
    return phrases


def test_each_recipient_gets_a_letter_wholly_in_their_language(
    shipped_letter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24
    recipients = shipped_letter / "recipients.csv"
    recipients.write_text(recipients_csv(ROWS), encoding="utf-8")
    mailing = mail(shipped_letter, LETTER, recipients, shipped_letter / "mailing", jobs=2)
    assert not [p for p in mailing.problems if "translation" in p.message], mailing.problems

    spec = load_project(shipped_letter, [LETTER]).briefs[LETTER].letter
    assert spec is not None
    today = build_date()
    phrases = {language: catalog_phrases(language) for language in i18n.catalog_languages()}
    for row, language in zip(letter_files(mailing.folder).values(), ROWS, strict=True):
        assert row.language == language
        reader = PdfReader(row.path)
        text = fold(" ".join(page.extract_text() or "" for page in reader.pages))
        speaks = i18n.Language(language)
        # The date as the language writes it, the closing and the page label from its catalog.
        assert fold(speaks.date(today)) in text, (language, speaks.date(today))
        assert fold(speaks.gettext(i18n.CLOSING)) in text
        label = speaks.gettext("Page {page} of {pages}")
        assert fold(label.format(page=len(reader.pages), pages=len(reader.pages))) in text
        # The letter's own words in the language (its translation, or the original).
        words = spec.translations.get(language)
        subject = words.subject if words else spec.subject
        assert fold(subject) in text, language
        # No interface phrase of another language's catalog that its own does not share.
        own = phrases[language]
        for other, other_phrases in phrases.items():
            if other == language:
                continue
            leaked = sorted(p for p in other_phrases - own if p in text)
            assert not leaked, (language, other, leaked)


def test_a_language_without_a_translation_is_named_by_row_and_strict_stops(
    shipped_letter: Path,
) -> None:
    recipients = shipped_letter / "untranslated.csv"
    rows = {"en": ROWS["en"], "de": ("Erika Muster", "Musterweg 1\nBerlin")}
    recipients.write_text(recipients_csv(rows), encoding="utf-8")
    out = shipped_letter / "strict-mailing"
    args = ["-C", str(shipped_letter), "letters", LETTER, "--recipients", str(recipients)]

    strict = run_cli([*args, "--out", str(out), "--strict"])
    assert strict.code == 1
    assert "untranslated.csv:4: warning: the letter has no de translation" in strict.err
    assert "for row 2" in strict.err
    assert "no de interface catalog" in strict.err
    assert "briefpress new-language de" in strict.err  # the command that starts one
    assert not out.exists()  # stopped before anything was rendered

    lenient = run_cli([*args, "--out", str(out)])
    assert lenient.code == 0, lenient.err
    assert "the letter has no de translation" in lenient.err
    assert (out / "manifest.csv").is_file()


def test_a_catalog_in_the_projects_locale_counts(tmp_path: Path) -> None:
    """No "no interface catalog" warning for a language the project's locale/ has."""
    root = copy_shipped(tmp_path)
    recipients = root / "german.csv"
    recipients.write_text(recipients_csv({"de": ("Erika Muster", "Musterweg 1\nBerlin")}))
    assert run_cli(["-C", str(root), "new-language", "de"]).code == 0
    args = ["-C", str(root), "letters", LETTER, "--recipients", str(recipients), "--strict"]
    result = run_cli(args)
    assert "no de translation" in result.err  # the letter's words: still a warning (strict)
    assert "interface catalog" not in result.err


def test_a_letter_translation_for_an_unknown_language_points_at_its_line(
    tmp_path: Path,
) -> None:
    root = copy_shipped(tmp_path)
    spec = root / "briefs" / f"{LETTER}.yaml"
    text = spec.read_text(encoding="utf-8").replace("    pt:\n", "    pt_PT:\n")
    spec.write_text(text.replace("    vi:\n", "    en:\n"), encoding="utf-8")
    result = run_cli(["-C", str(root), "check"])
    assert result.code == 1
    lines = text.splitlines()
    unknown = lines.index("    pt_PT:") + 2  # the translation's first field
    assert f"briefs/{LETTER}.yaml:{unknown}:7: error: unknown language 'pt_PT'" in result.err
    assert "(did you mean 'pt-PT'" in result.err
    assert "the letter is written in en already: 'en' is never used" in result.err

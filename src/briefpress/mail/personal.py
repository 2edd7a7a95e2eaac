"""One recipient's letter: the letter brief in their language, addressed to them, and the
name of their file.

The letter's words come from its translation for the recipient's language where there
is one (``letter.translations``), the interface words from the language's catalog; the
spec's own recipient is a sample and is replaced. A file name is the row number and an
ASCII form of the name (transliterated from any script), so that files survive any zip
tool or print shop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from pathlib import Path

from anyascii import anyascii

from briefpress.core import i18n
from briefpress.core.files import portable_name
from briefpress.data.model import Address, BriefSpec, LetterSpec, LetterText
from briefpress.mail.recipients import Recipient

SALUTATION = i18n.N_("Dear %(name)s,")  # the letter template's msgid: one translation


def letter_text(letter_brief: BriefSpec, language: str) -> LetterText | None:
    """The letter's words for a reader of ``language``: its translation for that tag
    (``pt-BR``), else for the tag's language (``pt``); None when the letter is written in
    that language already, or has no translation for it."""
    letter = letter_brief.letter
    if letter is None or i18n.base_language(language) == i18n.base_language(letter_brief.language):
        return None
    for candidate in (language, i18n.base_language(language)):
        for tag, text in letter.translations.items():
            if tag.lower() == candidate.lower():
                return text
    return None


def untranslated(letter_brief: BriefSpec, language: str) -> bool:
    """Whether a reader of ``language`` would get the letter's words in another language."""
    same = i18n.base_language(language) == i18n.base_language(letter_brief.language)
    return not same and letter_text(letter_brief, language) is None


def translated_letter(letter: LetterSpec, text: LetterText) -> LetterSpec:
    """The letter with its own words replaced by a translation's. The closing is the
    translation's or, if it has none, the language's (never the original's)."""
    signature = letter.signature
    if text.signature is not None:
        signature = dataclasses.replace(
            signature,
            name=text.signature.name or signature.name,
            title=text.signature.title or signature.title,
            organisation=text.signature.organisation or signature.organisation,
        )
    return dataclasses.replace(
        letter, subject=text.subject, body=text.body, closing=text.closing, signature=signature
    )


def personalise(
    letter_brief: BriefSpec,
    recipient: Recipient,
    today: dt.date,
    dirs: tuple[Path, ...] = i18n.SHIPPED,
) -> BriefSpec:
    """The letter brief addressed to one recipient, wholly in the recipient's language:
    the letter's translation for it where there is one (``letter.translations``), and the
    interface words (headings, page labels, closing) from its catalog at render time.

    The spec's own recipient is a sample, so its salutation is never reused: a row
    without one gets the language's (from the interface catalog the template uses).
    """
    letter = letter_brief.letter
    assert letter is not None  # checked before any letter is made
    language = i18n.Language(recipient.language, dirs)
    text = letter_text(letter_brief, recipient.language)
    title = letter_brief.title
    if text is not None:
        letter = translated_letter(letter, text)
        title = text.title or text.subject
    salutation = recipient.salutation or language.gettext(SALUTATION) % {"name": recipient.name}
    address = Address(recipient.name, recipient.title, recipient.organisation, recipient.address)
    personal = dataclasses.replace(
        letter,
        recipient=address,
        salutation=salutation,
        date=letter.date or language.date(today),
        note=recipient.note,
        sample=False,
    )
    return dataclasses.replace(
        letter_brief, language=recipient.language, title=title, letter=personal
    )


# Latin letters for Cyrillic names (Russian, Kyrgyz, Ukrainian), so that file names
# survive any zip tool or print shop; the PDFs and the manifest keep the names as written.
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфыэңөүіїґ", "abvgdeziyklmnoprstufyenouiig", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "є": "ye"},
}


def slug(name: str) -> str:
    """A short ASCII file name part for a person's name in any script ("Nguyễn Văn Mẫu" ->
    nguyen-van-mau, "سلمى الخطيب" -> slma-lkhtyb, "김민지" -> gimminji): Cyrillic by the
    table above, everything else by anyascii's transliteration."""
    text = name.lower().replace("đ", "d")
    text = "".join(_CYRILLIC.get(c, c) for c in text)
    text = anyascii(unicodedata.normalize("NFC", text)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40].rstrip("-") or "recipient"


def file_name(recipient: Recipient, width: int) -> str:
    """``0007-maria-ejemplo.pdf``: the row number keeps files unique and in mailing order,
    the transliterated name readable, and :func:`portable_name` valid on Windows too."""
    return portable_name(f"{recipient.row:0{width}d}-{slug(recipient.name)}.pdf")

"""One e-mail per recipient: subject, plain text with an HTML alternative, the letter PDF.

The words come from Jinja templates in the theme (``mail/subject.txt.j2``,
``mail/body.txt.j2``, ``mail/body.html.j2``), which a project overrides in its
own ``templates/mail/``, in the recipient's language through the interface
catalogs. The message itself is built with the standard library's ``email``
package, which encodes names in any script and keeps header values on one line.

A message's id is derived from the letter, the address and the attachment, so
the same letter to the same person always carries the same id: a mail program
that somehow got it twice shows it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from briefpress.channels.base import Letter, Prepared
from briefpress.channels.email.settings import SmtpSettings
from briefpress.core import i18n
from briefpress.core.assets import THEME_TEMPLATES
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import portable_name
from briefpress.data.model import BriefSpec, LetterSpec
from briefpress.mail.personal import letter_text, translated_letter
from briefpress.mail.recipients import Recipient

TEMPLATES = ("mail/subject.txt.j2", "mail/body.txt.j2", "mail/body.html.j2")
UNSENT = b"X-Unsent: 1\r\n"  # Outlook and Apple Mail open such a file as a draft to send


@cache
def environment(project_root: Path, language: str) -> jinja2.Environment:
    """Templates of one language: the project's templates/ first, then the theme's.
    Only the HTML is escaped; sandboxed like the briefs' templates."""
    search = [project_root / "templates", THEME_TEMPLATES]
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(env, language, i18n.catalog_dirs(project_root))
    return env


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(exc.filename or name, exc.lineno)
        raise BriefpressError([Problem(where, f"template error: {exc.message}")]) from None
    except jinja2.TemplateError as exc:
        raise BriefpressError([Problem(Location(name), f"template error: {exc}")]) from None


def attachment_name(letter: BriefSpec, title: str | None = None) -> str:
    """A file name a person can read and every mail program keeps: the letter's title
    (``title``: the title of the letter's translation the recipient reads), in any
    script (the message encodes it)."""
    title = unicodedata.normalize("NFC", title or letter.title).replace(":", " -")
    title = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title)
    title = " ".join(title.split()).strip(" .")[:80].strip()
    return portable_name(f"{title or letter.id}.pdf")  # "CON" too is no file on Windows


def message_id(letter_id: str, email: str, attachment_sha256: str, domain: str) -> str:
    """The same id for the same letter to the same address, and a new one if it changes."""
    digest = hashlib.sha256(f"{letter_id}\0{email}\0{attachment_sha256}".encode()).hexdigest()
    return f"<{digest[:32]}.briefpress@{domain}>"


class Composer:
    """Makes each recipient's message; holds nothing of one message after returning it."""

    def __init__(self, letter: Letter, settings: SmtpSettings) -> None:
        self.root = letter.project.root
        self.letter = letter.brief
        self.brief_titles = letter.brief_titles  # by the readers' language (mail/accompany.py)
        self.settings = settings
        self.brand = letter.brand

    def prepare(
        self, recipient: Recipient, pdf: bytes, attachment_sha256: str, when: float
    ) -> tuple[Prepared | None, list[Problem]]:
        """The recipient's draft, or why it cannot be sent (a line servers refuse)."""
        message = self.message(recipient, pdf, attachment_sha256, when)
        data = draft_bytes(message)
        if (line := overlong_line(data)) is not None:
            said = f"the message has a line over {MAX_LINE} octets, which servers refuse"
            hint = f"it starts {line!r}: shorten the name, or the subject in templates/mail/"
            return None, [Problem(recipient.loc, f"{said} (row {recipient.row})", hint)]
        return Prepared(data, str(message["Message-ID"])), []

    def signature(self, letter: LetterSpec) -> list[str]:
        """The configured signature's lines, else the letter's signer (in the words of the
        letter's translation the recipient reads: their title translated)."""
        if self.settings.signature:
            return [line.strip() for line in self.settings.signature.splitlines() if line.strip()]
        signer = letter.signature
        return [line for line in (signer.name, signer.title, signer.organisation) if line]

    def letter_for(self, recipient: Recipient) -> tuple[LetterSpec, str]:
        """The letter's words and title as the recipient reads them: its translation into
        their language where there is one (``letter.translations``), else its own."""
        letter = self.letter.letter
        assert letter is not None
        text = letter_text(self.letter, recipient.language)
        if text is None:
            return letter, self.letter.title
        return translated_letter(letter, text), text.title or text.subject

    def texts(self, recipient: Recipient) -> tuple[str, str, str]:
        """Subject, plain text and HTML for one recipient, in their language."""
        env = environment(self.root, recipient.language)
        letter, title = self.letter_for(recipient)
        context = {
            "recipient": recipient,
            "letter": letter,
            "title": title,
            "brief_title": self.brief_titles.get(recipient.language),
            "signature": self.signature(letter),
            "brand": self.brand,
            "language": recipient.language,
        }
        subject, text, html = (_render(env, name, context) for name in TEMPLATES)
        return " ".join(subject.split()), text.strip() + "\n", html

    def message(
        self, recipient: Recipient, pdf: bytes, attachment_sha256: str, when: float
    ) -> EmailMessage:
        """The whole message, as the server will get it."""
        assert recipient.email is not None
        subject, text, html = self.texts(recipient)
        sender = self.settings.sender
        message = EmailMessage(policy=SMTP)
        message["From"] = sender
        message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
        if recipient.cc:
            message["Cc"] = tuple(Address(addr_spec=a) for a in recipient.cc)
        if self.settings.reply_to is not None:
            message["Reply-To"] = self.settings.reply_to
        message["Subject"] = subject
        message["Date"] = format_datetime(dt.datetime.fromtimestamp(when, dt.UTC))
        message["Message-ID"] = message_id(
            self.letter.id, recipient.email.lower(), attachment_sha256, sender.domain
        )
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        filename = attachment_name(self.letter, self.letter_for(recipient)[1])
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
        message["Content-Language"] = recipient.language  # after: parts take Content-* along
        return message


MAX_LINE = 998  # octets a line of a message may have (RFC 5322): servers refuse longer


def overlong_line(data: bytes) -> str | None:
    """The start of the first line of ``data`` over :data:`MAX_LINE` octets, or None.

    The email package folds headers where it can, but not a word longer than a line (a
    name without spaces, a subject a project's template made too long): a server would
    refuse such a message in the middle of a mailing, so it is caught in its draft.
    """
    for line in data.split(b"\r\n"):
        if len(line) > MAX_LINE:
            return line[:40].decode("ascii", "replace")
    return None


def draft_bytes(message: EmailMessage) -> bytes:
    """The message as a draft file: itself, marked unsent for the mail programs that read
    the mark. What is sent is these bytes without the mark (:func:`sent_bytes`)."""
    return UNSENT + message.as_bytes(policy=SMTP)


def sent_bytes(draft: bytes) -> bytes:
    return draft.removeprefix(UNSENT)

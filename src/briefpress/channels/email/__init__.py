"""The e-mail channel: each recipient's letter attached to a message in their language,
handed to the organisation's SMTP server one at a time.

Its parts: ``settings`` (``mail:`` in briefpress.yaml, presets, the password rule),
``messages`` (one ``email.message.EmailMessage`` per recipient from the ``mail/*.j2``
templates, written as an ``.eml`` draft) and ``smtp`` (the transport: one SMTP
transaction, step by step, so that "handed over" is known). The shared machinery of
:mod:`briefpress.channels` does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefpress.channels.base import Ask, Channel, DeliverySettings, Letter, Transport
from briefpress.channels.email.messages import Composer
from briefpress.channels.email.settings import SmtpSettings, config_problems, password_for, resolve
from briefpress.channels.email.smtp import Connection
from briefpress.mail.recipients import Recipient


def _smtp(settings: DeliverySettings) -> SmtpSettings:
    assert isinstance(settings, SmtpSettings)  # what this channel's resolve made
    return settings


def _addresses(recipient: Recipient) -> tuple[str, ...]:
    assert recipient.email is not None  # every row of an e-mail mailing has one
    return (recipient.email, *recipient.cc)


def _credentials(
    settings: DeliverySettings, environ: Mapping[str, str], ask: Ask | None
) -> str | None:
    return password_for(_smtp(settings), environ, ask)


def _transport(settings: DeliverySettings, password: str | None) -> Transport:
    return Connection(_smtp(settings), password)


def _composer(letter: Letter, settings: DeliverySettings) -> Composer:
    return Composer(letter, _smtp(settings))


CHANNEL = Channel(
    name="email",
    summary="e-mail through the organisation's SMTP server (mail: in briefpress.yaml)",
    draft_suffix=".eml",
    config_problems=config_problems,
    settings=resolve,
    composer=_composer,
    addresses=_addresses,
    credentials=_credentials,
    transport=_transport,
    describe=lambda settings: _smtp(settings).describe(),
)

"""``mail:`` in briefpress.yaml, checked and resolved into what ``briefpress send`` uses.

The settings are the organisation's own server and identity. Two rules protect
the people involved: the password never lives in a file (``check`` refuses it,
``send`` reads it from BRIEFPRESS_SMTP_PASSWORD or asks), and an unencrypted
connection is allowed only to a relay on this machine, where nothing crosses a
network.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from briefpress.channels.limits import Limits
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.data.load import CONFIG_FILE, Project
from briefpress.data.model import MailSettings

PASSWORD_VARIABLE = "BRIEFPRESS_SMTP_PASSWORD"
SECURITY = ("starttls", "tls", "none")
DEFAULT_PORT = {"starttls": 587, "tls": 465, "none": 25}


# The providers' published sending limits for an ordinary account. A preset is a
# ceiling, not a target: set per_minute or per_day lower to leave room for other mail.
PRESETS: dict[str, Limits] = {
    "gmail": Limits(recipients_per_day=500),
    "google-workspace": Limits(per_day=2000, recipients_per_day=10000),
    "microsoft-365": Limits(per_minute=30, recipients_per_day=10000),
}


@dataclass(frozen=True)
class SmtpSettings:
    """Everything a send needs from the configuration, checked."""

    host: str
    port: int
    security: str
    username: str | None
    sender: Address
    reply_to: Address | None
    signature: str | None
    limits: Limits
    max_attachment_bytes: int
    retries: int
    retry_delay: float
    timeout: float
    ca_file: Path | None

    @property
    def destination(self) -> str:
        return self.host

    @property
    def identity(self) -> str:
        return self.sender.addr_spec

    def describe(self) -> str:
        """The server and the sender, as the plan shows them before a send."""
        return f"server: {self.host}:{self.port} ({self.security}), from {self.sender}"


def is_local(host: str) -> bool:
    """A relay on this machine: the only place an unencrypted connection is allowed."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _at(mail: MailSettings, key: str) -> Location:
    return mail.locs.get(key) or mail.loc


def config_problems(project: Project) -> list[Problem]:
    """Mistakes in ``mail:`` that ``check`` reports and that stop a send."""
    mail = project.config.mail
    if mail is None:
        return []
    problems: list[Problem] = []
    if mail.password is not None:
        problems.append(
            Problem(
                _at(mail, "password"),
                "a password does not belong in a file",
                f"remove it; set {PASSWORD_VARIABLE} or let briefpress send ask for it",
            )
        )
    if mail.security not in SECURITY:
        problems.append(
            Problem(
                _at(mail, "security"),
                f"unknown security {mail.security!r}",
                f"one of {', '.join(SECURITY)}",
            )
        )
    elif mail.security == "none" and mail.host and not is_local(mail.host):
        problems.append(
            Problem(
                _at(mail, "security"),
                f"security: none sends the letters unencrypted to {mail.host}",
                "use starttls or tls; none is only for a relay on this machine (127.0.0.1)",
            )
        )
    if mail.rate is not None and mail.rate not in PRESETS:
        problems.append(
            Problem(
                _at(mail, "rate"),
                f"unknown rate preset {mail.rate!r}",
                f"one of {', '.join(PRESETS)}, or set per_minute and per_day",
            )
        )
    problems += _number_problems(mail)
    for key in ("from", "reply_to"):
        value = mail.from_ if key == "from" else mail.reply_to
        if value is not None:
            from briefpress.mail.addresses import parse_mailbox

            _, problem = parse_mailbox(value)
            if problem is not None:
                field_name = "from_" if key == "from" else key
                problems.append(Problem(_at(mail, field_name), f"{key}: {problem[0]}", problem[1]))
    return problems


def _number_problems(mail: MailSettings) -> list[Problem]:
    problems = []
    for key in ("port", "per_minute", "per_day", "recipients_per_day"):
        value = getattr(mail, key)
        if value is not None and value < 1:
            problems.append(Problem(_at(mail, key), f"{key} must be 1 or more"))
    for key in ("max_attachment_mb", "timeout"):
        if getattr(mail, key) <= 0:
            problems.append(Problem(_at(mail, key), f"{key} must be more than 0"))
    for key in ("retries", "retry_delay"):
        if getattr(mail, key) < 0:
            problems.append(Problem(_at(mail, key), f"{key} must be 0 or more"))
    return problems


def resolve(project: Project, sending: bool = True) -> tuple[SmtpSettings | None, list[Problem]]:
    """The checked settings, or every problem with them. A dry run needs only ``from``
    (the drafts show it); sending needs the host too."""
    mail = project.config.mail
    if mail is None and _config_unread(project):
        return None, []  # briefpress.yaml's own problems say why (a misspelt key, say)
    if mail is None:
        hint = "add mail: with host and from to briefpress.yaml (see README.md)"
        return None, [Problem(Location(CONFIG_FILE), "no mail: settings", hint)]
    problems = config_problems(project)
    if mail.from_ is None:
        problems.append(Problem(mail.loc, "mail: needs from", 'from: "Name <user@example.org>"'))
    if sending and mail.host is None:
        problems.append(Problem(mail.loc, "mail: needs host, the SMTP server's name"))
    if problems:
        return None, problems
    from briefpress.mail.addresses import parse_mailbox

    sender = parse_mailbox(mail.from_ or "")[0]
    reply_to = parse_mailbox(mail.reply_to)[0] if mail.reply_to else None
    assert sender is not None
    settings = SmtpSettings(
        host=mail.host or "",
        port=mail.port or DEFAULT_PORT.get(mail.security, 587),
        security=mail.security,
        username=mail.username,
        sender=sender,
        reply_to=reply_to,
        signature=mail.signature,
        limits=limits_of(mail),
        max_attachment_bytes=int(mail.max_attachment_mb * 1024 * 1024),
        retries=mail.retries,
        retry_delay=mail.retry_delay,
        timeout=mail.timeout,
        ca_file=project.root / mail.ca_file if mail.ca_file else None,
    )
    return settings, []


def _config_unread(project: Project) -> bool:
    """Whether briefpress.yaml has errors of its own, so that its ``mail:`` may be there
    but not read: "no mail: settings" would then be untrue."""
    return any(p.is_error and p.location.file == CONFIG_FILE for p in project.problems)


def limits_of(mail: MailSettings) -> Limits:
    """The preset's limits, each overridden by an explicit setting."""
    preset = PRESETS.get(mail.rate or "", Limits())
    return Limits(
        per_minute=mail.per_minute or preset.per_minute,
        per_day=mail.per_day or preset.per_day,
        recipients_per_day=mail.recipients_per_day or preset.recipients_per_day,
    )


def password_for(
    settings: SmtpSettings,
    environ: Mapping[str, str] = os.environ,
    ask: Callable[[str], str] | None = None,
) -> str | None:
    """The password from the environment, else asked for (on a terminal); None when the
    server takes no login."""
    if settings.username is None:
        return None
    if environ.get(PASSWORD_VARIABLE):
        return environ[PASSWORD_VARIABLE]
    if ask is None:
        raise BriefpressError(
            f"no password for {settings.username} at {settings.host}: set {PASSWORD_VARIABLE} "
            "or run briefpress send on a terminal to be asked"
        )
    return ask(f"Password for {settings.username} at {settings.host}")

"""Handing one message at a time to the organisation's SMTP server, knowing what happened.

smtplib's ``sendmail`` hides the one moment that matters for never mailing
anyone twice: after the server has said 354 and the message is on its way, a
broken connection leaves its fate unknown; before that, nothing can have been
delivered. So the transaction is driven step by step here, and the caller is
told (``on_handover``) just before the message itself is transmitted, to
record ``sending`` first.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Sequence

from briefpress.channels.base import Attempt, Outcome, Undeliverable
from briefpress.channels.email.messages import sent_bytes
from briefpress.channels.email.settings import SmtpSettings

SENT, TEMPORARY, PERMANENT, UNKNOWN = (
    Outcome.SENT,
    Outcome.TEMPORARY,
    Outcome.PERMANENT,
    Outcome.UNKNOWN,
)
SECURITY_HINT = "check mail: security, port and ca_file in briefpress.yaml"


class LoginFailed(Undeliverable):
    """The server refused the username and password: nothing can be sent."""


class InsecureConnection(Undeliverable):
    """The connection cannot be secured (no STARTTLS offered, a certificate that does not
    verify, no TLS on a TLS port): trying again in a minute would meet the same server, so
    nothing can be sent until the settings or the server change."""


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


def _refusal(code: int, text: bytes | str) -> Attempt:
    outcome = PERMANENT if 500 <= code < 600 else TEMPORARY
    return Attempt(outcome, _answer(code, text), reconnect=code == 421)


GOODBYE = 5.0  # seconds to wait for the answer to QUIT: the mail has gone already


def secure_failure(host: str, exc: ssl.SSLError) -> str:
    """Why the connection to ``host`` could not be secured, in plain words."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or exc.reason or str(exc)
        return f"the certificate of {host} does not verify: {reason}"
    return f"TLS with {host} failed: {exc.reason or exc}"


def dot_stuffed(message: bytes) -> bytes:
    """The message as DATA carries it: CRLF lines, a leading dot doubled, the final dot."""
    data = re.sub(rb"(?:\r\n|\n|\r)", b"\r\n", message)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class Connection:
    """The e-mail channel's transport: one SMTP session, opened when first needed and
    again after it breaks."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        cafile = str(self.settings.ca_file) if self.settings.ca_file else None
        return ssl.create_default_context(cafile=cafile)

    def open(self) -> smtplib.SMTP:
        """Connect, secure and log in; errors are the caller's to report."""
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    said = f"nothing sent: {s.host} does not offer STARTTLS"
                    raise InsecureConnection(said, SECURITY_HINT)
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.username is not None:
                try:
                    smtp.login(s.username, self.password or "")
                except smtplib.SMTPAuthenticationError as exc:
                    answer = _answer(exc.smtp_code, exc.smtp_error)
                    said = f"{s.host} refused the login of {s.username}: {answer}"
                    raise LoginFailed(said) from None
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        """Say goodbye if the server still listens, waiting a few seconds at most for its
        answer; drop the socket either way."""
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            if smtp.sock is not None:
                smtp.sock.settimeout(min(self.settings.timeout, GOODBYE))
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def deliver(
        self, addresses: Sequence[str], prepared: bytes, on_handover: Callable[[], None]
    ) -> Attempt:
        """One transaction: MAIL, RCPT for each address, DATA with the draft as written
        (without its unsent mark). Any refused address refuses the message (a letter goes
        to all its addresses or to none)."""
        sender, recipients = self.settings.sender.addr_spec, list(addresses)
        message = sent_bytes(prepared)
        try:
            smtp = self.open()
        except Undeliverable:
            raise
        except ssl.SSLError as exc:  # before OSError, its parent: a retry meets the same
            self.drop()
            said = f"nothing sent: {secure_failure(self.settings.host, exc)}"
            raise InsecureConnection(said, SECURITY_HINT) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.drop()
            return Attempt(TEMPORARY, f"cannot connect to {self.settings.host}: {exc}", True, True)
        try:
            refused = self._envelope(smtp, sender, recipients)
            if refused is not None:
                return refused
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._reset(smtp)
                return _refusal(code, text)
        except (smtplib.SMTPException, OSError) as exc:
            self.drop()  # nothing was handed over: the message cannot have arrived
            return Attempt(TEMPORARY, f"the connection broke: {exc}", True, True)
        on_handover()
        try:
            smtp.send(dot_stuffed(message))
            code, text = smtp.getreply()
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.drop()
            return Attempt(UNKNOWN, f"the connection broke after the message was sent: {exc}", True)
        if code == 250:
            return Attempt(SENT, _answer(code, text))
        return _refusal(code, text)

    def _envelope(self, smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> Attempt | None:
        code, text = smtp.mail(sender)
        if code != 250:
            self._reset(smtp)
            said = _refusal(code, text)
            permanent = said.outcome == PERMANENT
            return Attempt(said.outcome, said.answer, said.reconnect, sender_refused=permanent)
        worst: Attempt | None = None
        for address in recipients:
            code, text = smtp.rcpt(address)
            if code not in (250, 251):
                refusal = _refusal(code, text)
                attempt = Attempt(
                    refusal.outcome, f"{address}: {refusal.answer}", refusal.reconnect
                )
                if worst is None or attempt.outcome == PERMANENT:
                    worst = attempt
        if worst is not None:
            self._reset(smtp)
        return worst

    def _reset(self, smtp: smtplib.SMTP) -> None:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.drop()

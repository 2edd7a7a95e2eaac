"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS on a
certificate made for the test and a login; it keeps every message it accepts.

Rules make it misbehave the way real servers do: answer RCPT with 451 or 550 for an
address, close the connection at MAIL, or take a message and close without answering.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "mailer", "correct horse battery staple"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    """The handler: accepted messages, and the misbehaviour asked of it."""

    received: list[Received] = field(default_factory=list)
    # address -> answers to its RCPT, one per attempt; the last one repeats
    rcpt_answers: dict[str, list[str]] = field(default_factory=dict)
    drop_at_mail: set[int] = field(default_factory=set)  # the nth MAIL (0-based) is cut off
    mail_answer: str | None = None  # the answer to every MAIL, instead of 250
    drop_after_data: set[int] = field(default_factory=set)  # the nth message: kept, no answer
    hold_data: set[int] = field(default_factory=set)  # the nth message waits for `release`
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    mails: int = 0
    datas: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        index, self.mails = self.mails, self.mails + 1
        if index in self.drop_at_mail:
            server.transport.close()
            return "421 closing"
        if self.mail_answer is not None:
            return self.mail_answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        answers = self.rcpt_answers.get(address)
        if answers:
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if not answer.startswith("250"):
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        index, self.datas = self.datas, self.datas + 1
        got = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        with self.lock:
            self.received.append(got)
        if index in self.hold_data:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        if index in self.drop_after_data:
            server.transport.close()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        """The messages delivered to ``address`` (as To or Cc)."""
        return [r for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # a refusal: the server answers 535


class Server:
    """A running server: ``port``, its ``mailbox``, and for TLS the CA file to trust."""

    def __init__(self, mailbox: Mailbox, tls: Path | None = None) -> None:
        self.mailbox = mailbox
        self.port = free_port()
        self.ca_file: Path | None = None
        kwargs: dict[str, Any] = {}
        if tls is not None:
            import trustme

            ca = trustme.CA()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            self.ca_file = tls
            ca.cert_pem.write_to_path(str(tls))
            kwargs = {
                "tls_context": context,
                "require_starttls": True,
                "authenticator": _login,
                "auth_required": True,
            }
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mailbox.release.set()
        self.controller.stop()


def serving(tls: Path | None = None, **rules: Any) -> Iterator[Server]:
    with Server(Mailbox(**rules), tls) as server:
        yield server

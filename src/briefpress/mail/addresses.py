"""E-mail addresses as a recipients file or briefpress.yaml gives them, checked strictly.

A mailing goes to people who did not ask for a malformed message, so an address
is accepted only in the plain ``local@domain`` form every server takes: no
display name (the ``name`` column is the name), no second address hidden behind
a comma, and nothing that could end a header line and start another (header
injection). Addresses outside ASCII need SMTPUTF8, which many servers lack, so
they are refused with a hint rather than sent and bounced.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address
from email.utils import parseaddr

# RFC 5322 dot-atom local part; domain labels of letters, digits and inner hyphens.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS_RE = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
CC_SEPARATORS = re.compile(r"[;,\s]+")


def address_problem(value: str) -> tuple[str, str | None] | None:
    """Why ``value`` is not one usable address (message, hint), or None when it is."""
    if any(c in value for c in "\r\n") or any(unicodedata.category(c) == "Cc" for c in value):
        return "the address contains a line break or control character", None
    if "<" in value or ">" in value or '"' in value:
        return "expected only the address", "write user@example.org; the name has its own column"
    if any(c in value for c in ",; \t"):
        return "more than one address", "one address here; put the others in cc"
    if not value.isascii():
        return (
            "the address has characters outside ASCII",
            "write the domain in its xn-- form; many servers refuse such addresses",
        )
    if value.count("@") != 1:
        return "not an e-mail address (expected one @)", None
    local, domain = value.split("@")
    if len(value) > 254 or len(local) > 64:
        return "the address is too long", None
    if not ADDRESS_RE.match(value) or domain.split(".")[-1].isdigit():
        return "not an e-mail address", "expected the form user@example.org"
    return None


def split_cc(value: str) -> list[str]:
    """Copy addresses from one cell: separated by ``;``, ``,`` or spaces."""
    return [part for part in CC_SEPARATORS.split(value.strip()) if part]


def normalise(address: str) -> str:
    """The form two rows compare in: servers treat the domain, and in practice the whole
    address, without regard to case."""
    return address.strip().lower()


def parse_mailbox(value: str) -> tuple[Address | None, tuple[str, str | None] | None]:
    """``Name <address>`` (or a bare address) from the configuration, or why not."""
    if any(c in value for c in "\r\n"):
        return None, ("the value contains a line break", None)
    name, addr = parseaddr(value, strict=True) if _strict_parse() else parseaddr(value)
    if not addr:
        return None, ("not an e-mail address", 'write "Name <user@example.org>"')
    problem = address_problem(addr)
    if problem is not None:
        return None, problem
    local, domain = addr.split("@")
    return Address(display_name=name, username=local, domain=domain), None


def _strict_parse() -> bool:
    """parseaddr's ``strict`` (Python 3.13, and security releases before it) refuses
    ambiguous input such as two addresses; older versions do not have it."""
    import inspect

    return "strict" in inspect.signature(parseaddr).parameters

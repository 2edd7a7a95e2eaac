"""The mail settings (``mail:`` in briefpress.yaml) as a form on the Sending page.

An officer sets up sending once: the organisation's mail server, its security, the
sender's address. The form writes the same ``mail:`` keys a person would, in the same
file, comments kept; a value ``briefpress check`` would refuse (an unencrypted
connection to another host, an address that is not one) is refused with the reason and
nothing is written. There is no password field here: a password never goes in a file;
it is typed when a send starts, or set in ``BRIEFPRESS_SMTP_PASSWORD``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from ruamel.yaml.comments import CommentedMap
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from briefpress.channels.email.settings import config_problems
from briefpress.data.load import CONFIG_FILE
from briefpress.studio import records, yamledit
from briefpress.studio.bodies import small_json
from briefpress.studio.store import Conflict, ProjectFiles

FIELDS = ("host", "port", "security", "username", "from", "reply_to")
SECURITY = ("starttls", "tls", "none")
PASSWORD_VARIABLE = "BRIEFPRESS_SMTP_PASSWORD"


def config_text(files: ProjectFiles) -> str:
    """briefpress.yaml as text; "" for a project that has none yet (its defaults)."""
    try:
        return files.read(CONFIG_FILE).decode("utf-8")
    except FileNotFoundError:
        return ""


def current(files: ProjectFiles) -> dict[str, Any]:
    text = config_text(files)
    doc = yamledit.load(text) or {}
    mail = doc.get("mail") if isinstance(doc, dict) else None
    mail = mail if isinstance(mail, dict) else {}
    return {
        "settings": {k: "" if mail.get(k) is None else str(mail.get(k)) for k in FIELDS},
        "etag": files.version(CONFIG_FILE),
        "password_in_environment": bool(os.environ.get(PASSWORD_VARIABLE)),
    }


def edited(text: str, values: dict[str, Any]) -> str:
    """briefpress.yaml with ``mail:`` given ``values`` (an empty one removed)."""
    doc = yamledit.load(text) if text.strip() else CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise yamledit.EditError("briefpress.yaml is not a mapping")
    before = yamledit.dump(doc)
    mail = doc.get("mail")
    if not isinstance(mail, CommentedMap):
        mail = doc["mail"] = CommentedMap()
    for key in FIELDS:
        if key not in values:
            continue
        value = str(values[key] or "").strip()
        if key == "port" and value:
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise records.Invalid([{"field": "port", "message": "port: a number, 1 to 65535"}])
            yamledit.set_value(mail, key, int(value))
        elif key == "security" and value and value not in SECURITY:
            message = f"security: one of {', '.join(SECURITY)}"
            raise records.Invalid([{"field": key, "message": message}])
        else:
            yamledit.set_value(mail, key, value or None)
    return yamledit.carry_over(text, before, yamledit.dump(doc))


def save(files: ProjectFiles, values: dict[str, Any]) -> dict[str, Any]:
    """Check the new settings as ``briefpress check`` would; write them only if clean."""
    text = config_text(files)
    new = edited(text, values).encode("utf-8")
    files.check(CONFIG_FILE, values.get("etag") or None)
    path = files.path(CONFIG_FILE)
    project, problems = records.load(files.root, {path: new})
    problems = [p for p in problems if p.location.file == CONFIG_FILE and p.is_error]
    problems += [p for p in config_problems(project) if p.is_error]
    if problems:
        raise records.Invalid([records.problem_json(p) for p in problems])
    files.write(CONFIG_FILE, new, values.get("etag") or None, "mail settings")
    return current(files)


class MailSettingsRoutes:
    """``GET`` and ``POST /api/sending/settings`` (a sender's: see team.py)."""

    def __init__(self, files: ProjectFiles) -> None:
        self.files = files

    def routes(self) -> list[Route]:
        return [
            Route("/api/sending/settings", self.show),
            Route("/api/sending/settings", self.change, methods=["POST"]),
        ]

    async def show(self, request: Request) -> Response:
        body = await asyncio.to_thread(current, self.files)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def change(self, request: Request) -> Response:
        values = await small_json(request)
        try:
            body = await asyncio.to_thread(save, self.files, values)
        except records.Invalid as exc:
            return JSONResponse({"error": "not saved", "problems": exc.problems}, 422)
        except yamledit.EditError as exc:
            return JSONResponse({"error": str(exc)}, 422)
        except Conflict as exc:
            message = f"{exc.file} changed on disk since it was read: nothing was saved"
            return JSONResponse({"error": message}, 409)
        return JSONResponse(body)

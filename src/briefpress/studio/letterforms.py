"""The letter's page posted without JavaScript: its words saved, its buttons as submits.

Each field of the letter's form is named by its path (``letter.subject``,
``letter.translations.es.body`` once per paragraph), so the form posted whole reads back
as the letter the page shows (:func:`typed_letter`). A paragraph's buttons and a
translation's are submit buttons named ``op``: moving or removing saves the form with the
move made, as the page's script would through ``PATCH /api/briefs/<id>/letter``; adding
a paragraph or a translation shows the page again with the empty boxes to write (an empty
one cannot be saved). A refusal comes back as the page with each reason under its field.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from briefpress.studio.letteredit import SIGNATURE, TAG, language_name
from briefpress.studio.store import Refused

OWN = "letter"


def texts(form: FormData, path: str) -> dict[str, Any]:
    """One part of the letter as typed: subject, title, closing, paragraphs, signature."""
    part: dict[str, Any] = {
        key: str(form.get(f"{path}.{key}") or "").strip() for key in ("subject", "title", "closing")
    }
    part["body"] = [str(p).strip() for p in form.getlist(f"{path}.body")]
    part["signature"] = {k: str(form.get(f"{path}.signature.{k}") or "").strip() for k in SIGNATURE}
    return part


def typed_letter(form: FormData) -> dict[str, Any]:
    """The letter's words as the form holds them, shaped as ``letter_json``'s."""
    letter = texts(form, OWN)
    letter.pop("title")
    letter["translations"] = {}
    for tag in dict.fromkeys(str(t) for t in form.getlist("translation")):
        if TAG.fullmatch(tag):
            text = texts(form, f"{OWN}.translations.{tag}")
            letter["translations"][tag] = {"language": language_name(tag), **text}
    return letter


def operate(letter: dict[str, Any], op: str, form: FormData) -> bool:
    """Make the move a button asked for, in place; True when it only adds empty boxes to
    write (then nothing is saved yet)."""
    how, _, rest = op.partition("|")
    path, _, index = rest.partition("|")
    if not how:  # "Save and preview"
        return False
    if how == "add-translation":
        tag = str(form.get("new_language") or "")
        if not TAG.fullmatch(tag):
            raise Refused(f"{tag[:20]!r} is not a language")
        empty = {"subject": "", "title": "", "closing": "", "body": [""] * len(letter["body"])}
        signature = dict.fromkeys(SIGNATURE, "")
        letter["translations"].setdefault(
            tag, {"language": language_name(tag), **empty, "signature": signature}
        )
        return True
    if how == "remove":
        letter["translations"].pop(path, None)
        return False
    body = paragraphs_at(letter, path)
    if how == "add":
        body.append("")
        return True
    at = int(index) if index.isdigit() else -1
    if 0 <= at < len(body):
        if how == "drop":
            del body[at]
        elif how in ("up", "down"):
            to = at - 1 if how == "up" else at + 1
            if 0 <= to < len(body):
                body[at], body[to] = body[to], body[at]
    return False


def paragraphs_at(letter: dict[str, Any], path: str) -> list[str]:
    if path == f"{OWN}.body":
        own: list[str] = letter["body"]
        return own
    prefix, suffix = f"{OWN}.translations.", ".body"
    tag = path.removeprefix(prefix).removesuffix(suffix)
    if not path.startswith(prefix) or tag not in letter["translations"]:
        raise Refused(f"no paragraphs at {path[:60]!r}")
    body: list[str] = letter["translations"][tag]["body"]
    return body


def changes(now: dict[str, Any], saved: dict[str, Any]) -> dict[str, Any]:
    """What differs from the letter as saved: only that is written (as the script sends)."""
    own = ("subject", "body", "closing", "signature")
    out = {key: now[key] for key in own if now[key] != saved[key]}
    fields = ("title", "subject", "body", "closing", "signature")
    translations: dict[str, Any] = {}
    for tag, text in now["translations"].items():
        before = saved["translations"].get(tag)
        if before is None or any(text[k] != before[k] for k in fields):
            translations[tag] = {k: text[k] for k in fields}
    for tag in saved["translations"]:
        if tag not in now["translations"]:
            translations[tag] = None
    if translations:
        out["translations"] = translations
    return out

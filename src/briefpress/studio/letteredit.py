"""A letter's own words edited in the studio: subject, paragraphs, closing, signature and
each translation, written into the letter's brief spec (``letter:`` in briefs/<id>.yaml).

An officer rewrites a paragraph, moves one up, adds a Spanish translation; the file must
still read as a person wrote it, so the change goes through the round-trip writer
(yamledit: comments and key order kept, one changed paragraph one changed line). A
change is checked before it is written: the whole project is loaded and validated with
the new text (an empty subject, a paragraph left blank, a language tag Babel does not
know are refused, each next to its field) and nothing is written if that adds an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from briefpress.data.load import Project
from briefpress.data.model import Address, BriefSpec, SignatureText
from briefpress.studio import compose, records, yamledit
from briefpress.studio.store import ProjectFiles, Refused

SIGNATURE = ("name", "title", "organisation")
# What the page edits, in the order a new translation's block is written.
OWN = ("subject", "body", "closing", "signature")
TRANSLATED = ("title", "subject", "body", "closing", "signature")
REQUIRED = ("subject", "body")
TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def language_name(tag: str) -> str:
    """``es`` -> ``Spanish``: how the page names a translation."""
    try:
        return str(Locale.parse(tag.replace("-", "_")).get_display_name("en"))
    except (ValueError, UnknownLocaleError):
        return tag


def signature_json(signature: Address | SignatureText | None) -> dict[str, str]:
    return {key: getattr(signature, key, None) or "" for key in SIGNATURE}


def letter_json(brief: BriefSpec) -> dict[str, Any]:
    """A letter's words as the page and the API show them."""
    letter = brief.letter
    if letter is None:
        raise Refused(f"{brief.id} is not a letter")
    translations = {
        tag: {
            "language": language_name(tag),
            "title": text.title or "",
            "subject": text.subject,
            "body": list(text.body),
            "closing": text.closing or "",
            "signature": signature_json(text.signature),
        }
        for tag, text in letter.translations.items()
    }
    return {
        "id": brief.id,
        "title": brief.title,
        "language": brief.language,
        "language_name": language_name(brief.language),
        "subject": letter.subject,
        "body": list(letter.body),
        "closing": letter.closing or "",
        "signature": signature_json(letter.signature),
        "accompanies": letter.accompanies,
        "translations": translations,
    }


def letter_brief(project: Project, brief_id: str) -> BriefSpec:
    brief = project.briefs.get(brief_id)
    if brief is None or brief.letter is None:
        raise Refused(f"no letter {brief_id!r} in briefs/")
    return brief


# --- what a change may be ------------------------------------------------------------


def refused(field: str, message: str, hint: str | None = None) -> dict[str, Any]:
    return {"field": field, "message": message, "hint": hint}


def text_problems(
    prefix: str, changes: Mapping[str, Any], allowed: tuple[str, ...]
) -> list[dict[str, Any]]:
    """A change's own mistakes, before any file is read: each with its field's path."""
    found = [
        refused(f"{prefix}{key}", f"{key} is not a part of the letter the studio writes")
        for key in changes
        if key not in allowed
    ]
    for key in ("subject", "title", "closing"):
        value = changes.get(key)
        if key in changes and value is not None and not isinstance(value, str):
            found.append(refused(f"{prefix}{key}", f"the {key} must be text"))
    if "subject" in changes and not str(changes["subject"] or "").strip():
        found.append(refused(f"{prefix}subject", "a letter needs a subject"))
    if "body" in changes:
        found += body_problems(f"{prefix}body", changes["body"])
    signature = changes.get("signature")
    if signature is not None and not isinstance(signature, Mapping):
        found.append(refused(f"{prefix}signature", "a signature is a name, title, organisation"))
    return found


def body_problems(field: str, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not all(isinstance(p, str) for p in body):
        return [refused(field, "the paragraphs must be a list of texts")]
    if not body:
        return [refused(field, "a letter needs at least one paragraph")]
    return [
        refused(f"{field}.{i}", f"paragraph {i + 1} is empty", "write it, or remove it")
        for i, text in enumerate(body)
        if not text.strip()
    ]


def change_problems(changes: Mapping[str, Any], current: Collection[str]) -> list[dict[str, Any]]:
    """Everything wrong with a change that can be told without loading the project."""
    found = text_problems("letter.", {k: v for k, v in changes.items() if k != "translations"}, OWN)
    signer = changes.get("signature")
    if isinstance(signer, Mapping) and "name" in signer and not str(signer["name"] or "").strip():
        found.append(refused("letter.signature.name", "a letter needs the name of who signs it"))
    translations = changes.get("translations")
    if translations is None:
        return found
    if not isinstance(translations, Mapping):
        return [*found, refused("letter.translations", "translations must be by language")]
    for tag, text in translations.items():
        prefix = f"letter.translations.{tag}."
        if not TAG.fullmatch(str(tag)):
            found.append(refused(prefix + "language", f"{tag!r} is not a language tag", "es"))
        elif text is None:
            continue
        elif not isinstance(text, Mapping):
            found.append(refused(prefix[:-1], "a translation is its subject, body..."))
        else:
            found += text_problems(prefix, text, TRANSLATED)
            if tag not in current:
                found += [
                    refused(prefix + key, f"a new translation needs its {key}")
                    for key in REQUIRED
                    if key not in text
                ]
    return found


# --- the change, written as a person would -------------------------------------------


def set_paragraphs(target: CommentedMap, key: str, paragraphs: list[str], like: Any) -> None:
    """The list changed item by item, each in the quoting it had (a new one as the first)."""
    current = target.get(key)
    if not isinstance(current, CommentedSeq):
        current = target[key] = CommentedSeq()
    like = current[0] if len(current) else like
    for i, text in enumerate(paragraphs):
        if i < len(current):
            if current[i] != text:
                current[i] = yamledit.styled(text, current[i])
        else:
            current.append(yamledit.styled(text, like))
    del current[len(paragraphs) :]


def set_signature(target: CommentedMap, values: Mapping[str, Any], flow: bool, like: Any) -> None:
    signature = target.get("signature")
    if not isinstance(signature, CommentedMap):
        signature = target["signature"] = CommentedMap()
        if flow:
            signature.fa.set_flow_style()
    for key in SIGNATURE:
        if key in values:
            text = str(values[key] or "").strip()
            if text and key not in signature:
                at = sum(1 for k in signature if k in SIGNATURE[: SIGNATURE.index(key)])
                signature.insert(at, key, yamledit.styled(text, like))
            else:
                yamledit.set_value(signature, key, text or None)
    if not signature:
        del target["signature"]


def apply(target: CommentedMap, changes: Mapping[str, Any], like: Any, flow: bool = False) -> None:
    """Set the letter's (or one translation's) parts that the change names; a new text is
    quoted ``like`` the letter's subject, as the rest of the file is."""
    for key in TRANSLATED:
        if key not in changes:
            continue
        value = changes[key]
        if key == "body":
            set_paragraphs(target, key, [str(p) for p in value], like)
        elif key == "signature":
            set_signature(target, value or {}, flow, like)
        else:
            text = str(value or "").strip()
            if text and key not in target:
                target.insert(position(target, key), key, yamledit.styled(text, like))
            else:
                yamledit.set_value(target, key, text or None)


def position(target: CommentedMap, key: str) -> int:
    """A new part goes after the parts the letter writes before it (TRANSLATED's order)."""
    order = TRANSLATED.index(key)
    before = [i for i, k in enumerate(target) if k in TRANSLATED and TRANSLATED.index(k) < order]
    return before[-1] + 1 if before else len(target) if key != "title" else 0


def apply_translations(letter: CommentedMap, translations: Mapping[str, Any], like: Any) -> None:
    block = letter.get("translations")
    if not isinstance(block, CommentedMap):
        block = letter["translations"] = CommentedMap()
    for tag, text in translations.items():
        if text is None:
            block.pop(tag, None)
            continue
        if tag not in block:
            block[tag] = CommentedMap()
        apply(block[tag], text, like, flow=True)
    if not block:
        del letter["translations"]


def changed_text(text: str, changes: Mapping[str, Any]) -> str:
    doc = yamledit.load(text)
    letter = doc.get("letter") if isinstance(doc, CommentedMap) else None
    if not isinstance(letter, CommentedMap):
        raise Refused("the brief's file has no letter: part")
    before = yamledit.dump(doc)
    like = letter.get("subject")
    apply(letter, {k: v for k, v in changes.items() if k != "translations"}, like)
    if changes.get("translations"):
        apply_translations(letter, changes["translations"], like)
    return yamledit.carry_over(text, before, yamledit.dump(doc))


def what_changed(brief_id: str, changes: Mapping[str, Any]) -> str:
    parts = [k for k in changes if k != "translations"]
    parts += [f"{tag} translation" for tag in changes.get("translations") or {}]
    return f"{', '.join(parts) or 'nothing'} of letter {brief_id}"


def save(
    files: ProjectFiles, brief_id: str, changes: Mapping[str, Any], based_on: str | None
) -> str:
    """Write a change to a letter's words; returns the file's etag. Refused (records.Invalid,
    each problem with its field) when it would break the letter or anything else."""
    relative = compose.brief_path(files.root, brief_id)
    if files.version(relative) is None:
        raise Refused(f"no letter {brief_id!r} in briefs/")
    files.check(relative, based_on)
    text = files.read(relative).decode("utf-8")
    current = translations_in(text)
    bad = change_problems(changes, current)
    if bad:
        raise records.Invalid(bad)
    new = changed_text(text, changes)
    problems = records.propose(files, relative, new, lambda p: compose.field_of(new, p))
    what = what_changed(brief_id, changes)
    return records.written(files, relative, new, based_on, what, problems)


def translations_in(text: str) -> set[str]:
    doc = yamledit.load(text)
    letter = doc.get("letter") if isinstance(doc, CommentedMap) else None
    block = letter.get("translations") if isinstance(letter, CommentedMap) else None
    return {str(tag) for tag in block} if isinstance(block, CommentedMap) else set()

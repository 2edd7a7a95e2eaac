"""``briefpress new-language``: an interface catalog in the project, to translate.

The catalog goes to ``locale/<lang>/LC_MESSAGES/briefpress.po`` in the project,
which is searched before the catalogs shipped with briefpress: a language is
added, or a shipped one corrected, without editing the installed package.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from briefpress.core import i18n
from briefpress.core.errors import BriefpressError
from briefpress.core.files import write_atomic


def new_catalog(project_root: Path, tag: str) -> tuple[Path, bool]:
    """Write the project's catalog for ``tag``; True when it starts from a shipped one."""
    locale = i18n.parse_locale(tag)
    if locale is None:
        raise BriefpressError(f"unknown language {tag!r}: a BCP 47 tag such as fr or pt-BR")
    folder = tag.replace("-", "_")
    target = i18n.catalog_path(folder, (project_root / "locale",))
    if target.exists():
        raise BriefpressError(f"{target} exists already: edit it")
    shipped = i18n.catalog_path(folder)
    source = shipped if shipped.is_file() else i18n.TEMPLATE
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=str(locale))
    catalog.locale = locale
    catalog.project = "briefpress"
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    write_atomic(target, buffer.getvalue())
    return target, source == shipped

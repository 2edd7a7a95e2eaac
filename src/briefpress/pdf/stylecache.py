"""Stylesheets parsed once per renderer, not once per layout.

Parsing the theme's CSS (a dozen files through ``@import``) costs about 0.05 s of CPU, and
a build lays out every brief at least once, some two or three times to fit their pages:
without this, a cold build of the 34 shipped briefs parses the same files 51 times.

WeasyPrint parses a document's ``<link>`` and ``<style>`` sheets itself, as author
sheets, each time; sheets handed to ``render(stylesheets=...)`` are parsed already but
ranked as the user's. So that the cascade stays exactly what the document asks for, every
sheet of the document is handed over that way, in the document's order, and removed
from the HTML: among sheets of one origin, precedence is the same as among author sheets
(origin, then specificity, then order). A document whose style markup is written any
other way (a ``media`` attribute, a ``<style>`` in the body or in an SVG) is left to
WeasyPrint as it is, as is one whose CSS uses cascade layers, whose order WeasyPrint keeps
per document.

A parsed sheet is reused while every file read to parse it (``@import``\\ ed sheets, fonts)
is unchanged on disk, checked by size, modification time and inode at each use: a warm
renderer (the studio, ``build --watch``) sees an edited stylesheet at once.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# A stylesheet link as base.html.j2 writes it, and a <style> block without attributes.
LINK = r'<link rel="stylesheet" href="(?P<href>[^"<>:]+)">'
STYLE = r"<style>(?P<css>.*?)</style>"
SHEET = re.compile(rf"(?:{LINK}|{STYLE})\n?", re.DOTALL)
HEAD = re.compile(r"<head>.*?</head>", re.DOTALL)
LOGGER = logging.getLogger("weasyprint")


@dataclass
class Styles:
    """What ``HTML.render`` needs to use sheets parsed beforehand: the sheets, and the
    colour profiles and counter styles they registered while parsed."""

    sheets: list[Any]
    color_profiles: dict[str, Any]
    counter_style: Any

    def options(self) -> dict[str, Any]:
        return {
            "stylesheets": self.sheets,
            "color_profiles": self.color_profiles,
            "counter_style": self.counter_style,
        }


@dataclass
class _Parsed:
    sheet: Any
    color_profiles: dict[str, Any]
    counter_style: dict[str, Any]
    files: dict[Path, tuple[int, int, int] | None] = field(default_factory=dict)
    # What WeasyPrint logged while parsing (an unknown property, a rule it ignored): said
    # again each time the sheet is used, so each brief that uses it reports it.
    records: list[logging.LogRecord] = field(default_factory=list)


class _Recorder(logging.Handler):
    """Keeps WeasyPrint's log records while a sheet is parsed."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def signature(path: Path) -> tuple[int, int, int] | None:
    """Size, modification time and inode of a file, or None when it is gone."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino)


def split(html: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The HTML without its head's stylesheets, and those sheets in order, each as
    ("link", href) or ("style", css); None when the document has style markup
    written otherwise, which is then left to WeasyPrint."""
    head = HEAD.search(html)
    if head is None:
        return None
    found = [
        ("link", m.group("href")) if m.group("href") is not None else ("style", m.group("css"))
        for m in SHEET.finditer(head.group(0))
    ]
    links = sum(1 for kind, _ in found if kind == "link")
    styles = len(found) - links
    if html.count("<style") != styles or html.count('rel="stylesheet"') != links:
        return None
    return html[: head.start()] + SHEET.sub("", head.group(0)) + html[head.end() :], found


class FrozenProfile:
    """A colour profile (``@color-profile``) whose bytes are read once, when parsed.

    WeasyPrint serialises a profile's ICC data again for each PDF, and once the profile's
    name has been read (as each PDF/X output intent does) the bytes come out different: a
    profile shared by many briefs would make a PDF depend on the briefs a worker wrote
    before it."""

    def __init__(self, profile: Any) -> None:
        self.__dict__.update(profile.__dict__)
        self.content = profile.content  # first: reading the name changes what follows
        self.name = profile.name


class StyleCache:
    """The parsed sheets of one renderer (one font configuration and URL fetcher)."""

    def __init__(self, weasyprint: Any, font_config: Any, fetcher: Any) -> None:
        self.weasyprint = weasyprint
        self.font_config = font_config
        self.fetcher = fetcher
        self.parsed: dict[str, _Parsed] = {}

    def prepare(self, html: str, base_dir: Path) -> tuple[str, dict[str, Any]]:
        """The HTML to lay out and the ``render`` options that give it its sheets."""
        parts = split(html)
        if parts is None:
            return html, {}
        stripped, sheets = parts
        from weasyprint.css.counters import CounterStyle

        styles = Styles([], {}, CounterStyle())
        base_url = str(base_dir) + os.sep
        for kind, value in sheets:
            if kind == "link":
                try:
                    parsed = self.linked((base_dir / unquote(value)).resolve().as_uri())
                except Exception:  # WeasyPrint then reports it, at the link
                    return html, {}
                styles.color_profiles.update(parsed.color_profiles)
                styles.counter_style.update(parsed.counter_style)
                styles.sheets.append(parsed.sheet)
            else:
                styles.sheets.append(self._css(string=value, base_url=base_url, into=styles))
        if any(sheet.layers for sheet in styles.sheets):
            return html, {}
        return stripped, styles.options()

    def linked(self, url: str) -> _Parsed:
        """The sheet at ``url``, parsed now or earlier if none of its files changed."""
        known = self.parsed.get(url)
        if known is not None and all(signature(p) == s for p, s in known.files.items()):
            for record in known.records:
                LOGGER.handle(record)
            return known
        from weasyprint.css.counters import CounterStyle

        into = Styles([], {}, CounterStyle())
        read: list[Path] = []
        recorder = _Recorder()
        self.fetcher.reads = read
        LOGGER.addHandler(recorder)
        try:
            sheet = self._css(url=url, into=into, _check_mime_type=True)
        finally:
            self.fetcher.reads = None
            LOGGER.removeHandler(recorder)
        profiles = {name: FrozenProfile(p) for name, p in into.color_profiles.items()}
        parsed = _Parsed(sheet, profiles, dict(into.counter_style))
        parsed.files = {path: signature(path) for path in read}
        parsed.records = recorder.records
        self.parsed[url] = parsed
        return parsed

    def _css(self, into: Styles, **source: Any) -> Any:
        return self.weasyprint.CSS(
            **source,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
            color_profiles=into.color_profiles,
            counter_style=into.counter_style,
        )

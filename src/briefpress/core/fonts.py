"""The fonts this machine has, as WeasyPrint will find them, and what each can draw.

WeasyPrint asks Fontconfig for every family a stylesheet names that no ``@font-face``
declares, so the script fallbacks of a brief's font stack (``core/scripts.py``) come
from the system's fonts. Listing them through the same Fontconfig (WeasyPrint's own
binding, no extra process) tells the glyph check what the PDF will actually be able to
print. A font's character map is read only when a character is missing from every
font before it in the stack: a Latin brief never opens the 20 MB CJK collections.
"""

from __future__ import annotations

import contextlib
import io
import stat
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from briefpress.core.assets import THEME_FONTS
from briefpress.core.files import inside

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
SHIPPED_SUFFIXES = (".ttf", ".otf")  # what a theme or project ships under fonts/, styles/


def _family_name(path: Path) -> str | None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as font:
            name = font["name"]
            family = name.getDebugName(16) or name.getDebugName(1)
    except (TTLibError, OSError, KeyError):
        return None
    return str(family) if family else None


def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@cache
def shipped_coverage(paths: tuple[Path, ...]) -> dict[str, frozenset[int]]:
    """Per font family, the characters every one of its faces can draw."""
    faces: dict[str, list[frozenset[int]]] = {}
    for path in paths:
        family = _family_name(path)
        if family is not None:
            faces.setdefault(family, []).append(_cmap(path))
    return {family: frozenset.intersection(*sets) for family, sets in faces.items()}


def font_files(project_root: Path) -> tuple[Path, ...]:
    """The theme's fonts and any the project ships under fonts/ or styles/: regular
    files inside the project or theme only (a named pipe called x.ttf would hang)."""
    folders = [THEME_FONTS, project_root / "fonts", project_root / "styles"]
    found = [
        p
        for folder in folders
        if folder.is_dir()
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in SHIPPED_SUFFIXES
        and _regular(p)
        and inside(p, [project_root, THEME_FONTS])
    ]
    return tuple(found)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def shipped_families(project_root: Path) -> set[str]:
    """The families the theme and the project ship as files."""
    return set(shipped_coverage(font_files(project_root)))


@cache
def system_fonts() -> dict[str, tuple[Path, ...]]:
    """Family name -> font files, for every font Fontconfig lists on this machine.

    Empty where WeasyPrint's libraries cannot load: then nothing is known of the
    fallbacks, and the post-check still sees what was embedded.
    """
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from weasyprint.text.ffi import ffi, fontconfig
    except (ImportError, OSError):
        return {}
    config = fontconfig.FcInitLoadConfigAndFonts()
    found: dict[str, list[Path]] = {}
    try:
        fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        value = ffi.new("FcChar8 **")
        for i in range(fonts.nfont if fonts != ffi.NULL else 0):
            pattern = fonts.fonts[i]
            if fontconfig.FcPatternGetString(pattern, b"file", 0, value):
                continue
            path = Path(ffi.string(value[0]).decode("utf-8", "replace"))
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            for n in range(4):  # a family may have several names (English first)
                if fontconfig.FcPatternGetString(pattern, b"family", n, value):
                    break
                family = ffi.string(value[0]).decode("utf-8", "replace")
                found.setdefault(family, []).append(path)
    finally:
        fontconfig.FcConfigDestroy(config)
    return {family: tuple(dict.fromkeys(paths)) for family, paths in found.items()}


def _face_cmaps(path: Path, family: str) -> list[frozenset[int]]:
    """The character map of each face of ``family`` in a font file or collection."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(path, lazy=True) as collection:
                return [
                    frozenset(font.getBestCmap() or {})
                    for font in collection.fonts
                    if family in _names(font)
                ]
        with TTFont(path, lazy=True) as font:
            return [frozenset(font.getBestCmap() or {})]
    except (TTLibError, OSError, KeyError, AssertionError):
        return []


def _names(font: object) -> set[str]:
    table = font["name"]  # type: ignore[index]
    return {str(table.getDebugName(i)) for i in (1, 16) if table.getDebugName(i)}


@cache
def system_coverage(family: str) -> frozenset[int] | None:
    """The characters every face of a system family can draw; None if not installed."""
    faces = [cmap for path in system_fonts().get(family, ()) for cmap in _face_cmaps(path, family)]
    return frozenset.intersection(*faces) if faces else None


class StackCoverage:
    """The characters some font of a stack can draw, each font's map read when needed.

    ``ord(c) in coverage`` is what the glyph check asks; a family neither shipped nor
    installed covers nothing (the stack's other fonts still may).
    """

    def __init__(self, families: Iterable[str], shipped: dict[str, frozenset[int]]) -> None:
        self.families = tuple(families)
        self.shipped = shipped
        self._maps: list[frozenset[int]] = []

    def _map(self, index: int) -> frozenset[int]:
        while len(self._maps) <= index:
            family = self.families[len(self._maps)]
            found = self.shipped.get(family)
            if found is None:
                found = system_coverage(family) or frozenset()
            self._maps.append(found)
        return self._maps[index]

    def __contains__(self, code: object) -> bool:
        return any(code in self._map(i) for i in range(len(self.families)))

    def available(self, family: str) -> bool:
        return family in self.shipped or system_coverage(family) is not None

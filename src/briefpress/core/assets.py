"""Where the built-in theme lives, and how its files reach ``out/assets``.

Built HTML links its stylesheets and fonts relatively, so ``out/<id>.html``
is standalone: the plain ``weasyprint`` command renders it the same from
``out/``. Assets are copied only when their content changed.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

from briefpress.core.files import write_atomic

THEME_DIR = Path(__file__).parent.parent / "theme"
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STYLES = THEME_DIR / "styles"
THEME_FONTS = THEME_DIR / "fonts"
THEME_ICC = THEME_DIR / "icc"
ASSETS = "assets"


def sync_tree(source: Path, target: Path) -> None:
    """Mirror ``source`` into ``target``, rewriting only files that differ."""
    for path in sorted(source.rglob("*")):
        if path.is_dir() or path.name.startswith(".") or "__pycache__" in path.parts:
            continue
        dest = target / path.relative_to(source)
        if dest.exists() and filecmp.cmp(path, dest, shallow=False):
            continue
        write_atomic(dest, path.read_bytes())


def publish_theme(out_dir: Path) -> Path:
    """Copy the theme's styles, fonts and ICC profile under ``out/assets``; return that folder."""
    assets = out_dir / ASSETS
    sync_tree(THEME_STYLES, assets / "styles")
    sync_tree(THEME_FONTS, assets / "fonts")
    sync_tree(THEME_ICC, assets / "icc")
    return assets

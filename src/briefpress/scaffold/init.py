"""``briefpress init``: a new project that builds at once.

The project is copied from ``skeleton/``: a brand file, a small report whose
files explain their own fields in comments, one brief of each kind, a
``.gitignore`` and a README for the people who will edit it. Nothing that
exists is overwritten.
"""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import write_atomic

SKELETON = Path(__file__).parent / "skeleton"
RENAMED = {"gitignore": ".gitignore"}  # dot files do not travel well in packages


def skeleton_files() -> list[tuple[Path, str]]:
    """The skeleton's files as (path inside the new project, template text)."""
    files = []
    for path in sorted(SKELETON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(SKELETON)
            target = relative.with_name(RENAMED.get(relative.name, relative.name))
            files.append((target, path.read_text(encoding="utf-8")))
    return files


def _yaml_text(value: str) -> str:
    """``value`` for use inside a double-quoted YAML string."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def init_project(target: Path, organisation: str, today: dt.date | None = None) -> list[Path]:
    """Write a new project into ``target``; refuse, naming them, if any file exists."""
    if not organisation.strip():
        raise BriefpressError("the organisation name is empty")
    unprintable = sorted({c for c in organisation if not c.isprintable() and c != " "})
    if unprintable:  # YAML refuses control characters: the project would not load
        shown = ", ".join(f"U+{ord(c):04X}" for c in unprintable)
        raise BriefpressError(
            [
                Problem(
                    Location("--organisation"),
                    f"the organisation name holds characters that cannot be printed ({shown})",
                    "type the name again without them (a pasted name may carry them)",
                )
            ]
        )
    files = skeleton_files()
    existing = [target / p for p, _ in files if (target / p).exists()]
    if existing:
        raise BriefpressError(
            [
                Problem(Location(str(p)), "exists already", "init writes only into a new folder")
                for p in existing
            ]
        )
    year = str((today or dt.date.today()).year)
    written = []
    for relative, text in files:
        name = organisation if relative.suffix == ".md" else _yaml_text(organisation)
        content = string.Template(text).safe_substitute(organisation=name, year=year)
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content.encode("utf-8"))
        written.append(path)
    (target / "out").mkdir(exist_ok=True)
    return written

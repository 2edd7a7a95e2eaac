"""Which briefpress last built a project, and whether a newer one changed the look.

Every build records its version in ``out/.briefpress-version``. When a build finds
another version recorded there, the PDFs already in ``out/`` are the previous version's
work: before they are replaced, a fingerprint of each page's picture is taken, and after
the build the new pages are compared with them. An organisation that has sent or
printed briefs then learns which ones would now look different, rather than finding out
from a policymaker's copy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import briefpress
from briefpress.core.files import write_atomic

VERSION_FILE = ".briefpress-version"
PICTURE_WIDTH = 300  # pixels: enough to see a moved line, a new colour or font


def current() -> str:
    return briefpress.__version__


def recorded(out_dir: Path) -> str | None:
    """The version that last built the project whose outputs are in ``out_dir``."""
    try:
        found = json.loads((out_dir / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = found.get("briefpress") if isinstance(found, dict) else None
    return version if isinstance(version, str) else None


def record(out_dir: Path) -> None:
    """Remember that this version built the project (written after each build)."""
    if recorded(out_dir) != current():
        text = json.dumps({"briefpress": current()}) + "\n"
        write_atomic(out_dir / VERSION_FILE, text.encode("utf-8"))


def page_prints(pdf: Path) -> list[str]:
    """A fingerprint of each page's picture: the same pixels, the same fingerprint."""
    import pypdfium2 as pdfium

    from briefpress.build.thumbs import _PDFIUM

    prints = []
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            for index in range(len(document)):
                page = document[index]
                image = page.render(scale=PICTURE_WIDTH / page.get_width()).to_pil()
                page.close()
                prints.append(hashlib.sha256(image.tobytes()).hexdigest())
        finally:
            document.close()
    return prints


@dataclass
class Upgrade:
    """A build by another version than the last: the earlier version, and the page
    fingerprints of the PDFs it made."""

    previous: str
    before: dict[Path, list[str]] = field(default_factory=dict)

    def changed(self, rebuilt: list[Path]) -> list[Path]:
        """The rebuilt PDFs whose pages now look different (or number differently)."""
        return [pdf for pdf in rebuilt if pdf in self.before and _prints(pdf) != self.before[pdf]]


def _prints(pdf: Path) -> list[str] | None:
    try:
        return page_prints(pdf)
    except Exception:  # a PDF that cannot be read counts as changed
        return None


def before_build(out_dir: Path) -> Upgrade | None:
    """When another version built ``out_dir``: its version and its pages' fingerprints
    (taken now, before this build replaces them); None when this version did, or none."""
    previous = recorded(out_dir)
    if previous is None or previous == current():
        return None
    upgrade = Upgrade(previous)
    for pdf in sorted([*out_dir.glob("*.pdf"), *out_dir.glob("print/*.pdf")]):
        found = _prints(pdf)
        if found is not None:
            upgrade.before[pdf] = found
    return upgrade


def upgrade_note(upgrade: Upgrade, rebuilt: list[Path], root: Path, shown: int = 5) -> str:
    """What to tell a person after the first build by a new version."""
    text = f"note: built by briefpress {upgrade.previous} before; this is {current()}:"
    changed = upgrade.changed(rebuilt)
    compared = [pdf for pdf in rebuilt if pdf in upgrade.before]
    if changed:
        names = [p.relative_to(root).as_posix() for p in changed[:shown]]
        more = f" and {len(changed) - shown} more" if len(changed) > shown else ""
        return (
            f"{text} the look of {len(changed)} PDF(s) changed (their pages differ): "
            f"{', '.join(names)}{more}. Compare them with the copies already sent or "
            "printed; CHANGELOG.md says what changed."
        )
    if compared:
        return f"{text} the {len(compared)} PDF(s) rebuilt look the same as before."
    return f"{text} the look of the briefs may have changed; compare them with earlier copies."

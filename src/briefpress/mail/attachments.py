"""The letters a send attaches: the output of ``briefpress letters``, checked before use.

``briefpress letters`` writes one PDF per recipient and ``manifest.csv``; this
module reads that folder through :func:`letter_files` and decides whether it is
the current build for this recipients file (:func:`stale_reason`). Each PDF is
checked as a build checks its output (fonts embedded and only the brand's, no
trace of the machine, the page count the manifest promised) and against the
size a mail server accepts, before anything is sent.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefpress import __version__
from briefpress.core.errors import Problem
from briefpress.core.files import write_atomic
from briefpress.data.load import CONFIG_FILE, Project
from briefpress.mail.letters import MANIFEST_FILE
from briefpress.mail.personal import file_name
from briefpress.mail.recipients import Recipient, RecipientsFile
from briefpress.pdf.postcheck import pdf_facts


@dataclass(frozen=True, slots=True)  # one per recipient while a send drafts
class LetterFile:
    """One recipient's PDF as the manifest lists it."""

    row: int
    language: str
    folder: Path  # the mailing's, shared by all its files
    file: str
    pages: int

    @property
    def path(self) -> Path:
        return self.folder / self.file


def manifest_rows(folder: Path) -> Iterator[LetterFile]:
    """The mailing's PDFs in the manifest's order (the recipients'), read as they come;
    nothing if there is no manifest."""
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        return
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle):
            yield LetterFile(int(r["row"]), r["language"], folder, r["file"], int(r["pages"]))


def letter_files(folder: Path) -> dict[int, LetterFile]:
    """The mailing's PDFs by recipient row, from its manifest; empty if there is none."""
    return {letter.row: letter for letter in manifest_rows(folder)}


def _inputs(project: Project, letter_file: str, recipients_file: Path) -> Iterator[Path]:
    """Files whose change changes the letters (the brief behind them is checked by its
    build, which rewrites its PDF when it changes)."""
    yield recipients_file
    yield project.root / letter_file
    for folder in ("templates", "styles"):
        base = project.root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file())


def inputs_digest(
    project: Project, letter_file: str, recipients_file: Path, brief_pdfs: list[Path]
) -> dict[str, str]:
    """A fingerprint of each thing the letters are made from, by name. The configuration
    counts without its ``mail:`` part: the server or the rate does not change a letter."""
    config = dataclasses.replace(project.config, mail=None)
    found = {"briefpress": __version__, CONFIG_FILE: _sha256(repr(config).encode())}
    paths = [*_inputs(project, letter_file, recipients_file), *brief_pdfs]
    for path in paths:
        found[project.display(path)] = _sha256(path.read_bytes()) if path.is_file() else "-"
    return found


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest_digest(folder: Path) -> str:
    manifest = folder / MANIFEST_FILE
    return hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""


def remember(stamp: Path, folder: Path, inputs: dict[str, str]) -> None:
    """Record that the letters in ``folder`` are the build of ``inputs``."""
    stamp.parent.mkdir(parents=True, exist_ok=True)
    record = {"manifest": _manifest_digest(folder), "inputs": inputs}
    write_atomic(stamp, (json.dumps(record) + "\n").encode("utf-8"))  # whole or not at all


def stale_reason(
    project: Project,
    letter_file: str,
    recipients_file: Path,
    recipients: RecipientsFile,
    folder: Path,
    brief_pdfs: list[Path],
    stamp: Path,
) -> str | None:
    """Why the letters in ``folder`` are not the current build for these recipients, or
    None when they are.

    A send records what the letters it used were made from (``stamp``). Letters it has
    not seen yet (the first send, or ``briefpress letters`` run since) count as current
    when no input file is newer than their manifest.
    """
    if not (folder / MANIFEST_FILE).is_file():
        return "no letters made yet"
    width = max(3, len(str(len(recipients))))
    expected = ((r.row, r.language, file_name(r, width)) for r in recipients)
    found = ((f.row, f.language, f.file) for f in manifest_rows(folder))
    if any(a != b for a, b in itertools.zip_longest(expected, found)):
        return "the letters were made for other recipients"
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    if record.get("manifest") == _manifest_digest(folder):
        before = record.get("inputs") or {}
        now = inputs_digest(project, letter_file, recipients_file, brief_pdfs)
        changed = [name for name in {**before, **now} if before.get(name) != now.get(name)]
        if changed:
            return f"{changed[0]} changed after the letters were made"
        return None
    made = (folder / MANIFEST_FILE).stat().st_mtime
    inputs = [*_inputs(project, letter_file, recipients_file), project.root / CONFIG_FILE]
    inputs += brief_pdfs
    for path in inputs:
        if path.is_file() and path.stat().st_mtime > made:
            return f"{project.display(path)} changed after the letters were made"
    return None


def attachment_problems(
    recipient: Recipient,
    letter: LetterFile,
    pdf: bytes,
    max_bytes: int,
    fonts: tuple[str, ...],
    traces: list[bytes],
) -> list[Problem]:
    """What stops this PDF from going out: size, and the build's own checks (``traces``:
    :func:`briefpress.pdf.postcheck.machine_traces`, worked out once per send)."""
    shown = letter.path.name
    problems = []

    def problem(message: str, hint: str | None = None) -> None:
        problems.append(Problem(recipient.loc, f"{shown}: {message} (row {recipient.row})", hint))

    if len(pdf) > max_bytes:
        problem(
            f"{size(len(pdf))}, over the limit of {size(max_bytes)}",
            "raise mail: max_attachment_mb if the server takes more",
        )
        return problems
    try:
        facts = pdf_facts(pdf)
    except Exception as exc:  # a damaged file raises many kinds
        problem(f"not a readable PDF ({type(exc).__name__})", "run briefpress letters again")
        return problems
    if facts.pages != letter.pages:
        problem(f"{facts.pages} pages, but the manifest says {letter.pages}")
    for font in sorted(facts.unembedded):
        problem(f"font {font} is not embedded")
    allowed = tuple(f.replace(" ", "").lower() for f in fonts)
    for font in sorted(facts.fonts):
        if not font.replace("-", "").replace(" ", "").lower().startswith(allowed):
            problem(f"fallback font {font} used")
    if any(trace in pdf for trace in traces):
        problem("the PDF contains a local path or machine name")
    return problems


def size(count: int) -> str:
    """A file size as people read it: kB under a megabyte, MB with one decimal above."""
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} kB"
    return f"{count / 1024 / 1024:.1f} MB"

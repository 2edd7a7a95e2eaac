"""Mail merge: one personal letter per recipient, each followed by the brief it accompanies.

The brief is the same for everyone, so it is built once (through the build's
content-hash cache: not at all when it is up to date) and its pages are copied
behind every letter. The letters are the only per-recipient WeasyPrint work;
they are made in worker processes that keep WeasyPrint and the fonts warm, as
the build's PDFs are. A 4-page brief to 1,000 people therefore costs about
1,000 letter renders, not 1,000 briefs.

Everything the mailing writes goes to a temporary folder beside the target and
is moved into place only when every letter is made: a bad row or a failed
letter leaves the previous mailing as it was.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefpress.build.builder import Build, warm_renderer, warm_worker
from briefpress.checks.validate import validate_project, where
from briefpress.core import i18n
from briefpress.core.assets import publish_theme
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import write_atomic
from briefpress.data.load import Project, load_brief, load_project
from briefpress.data.model import Address, BriefSpec
from briefpress.mail.recipients import Recipient, load_recipients
from briefpress.pdf.postcheck import DEFAULT_PAGE_BUDGET, check_pdf
from briefpress.pdf.weasy import SharedStyles
from briefpress.render.glyphs import coverage, missing_glyphs
from briefpress.render.html import Rendered, build_date, make_environment, render_brief

MAILING_FILE = "mailing.pdf"
MANIFEST_FILE = "manifest.csv"
MANIFEST_COLUMNS = ("row", "name", "organisation", "language", "file", "pages")
SALUTATION = i18n.N_("Dear %(name)s,")  # the letter template's msgid: one translation


@dataclass(frozen=True)
class LetterJob:
    """What a worker needs to make one recipient's PDF: letter, then the brief."""

    row: int
    rendered: Rendered
    output: Path
    project_root: Path
    fonts: tuple[str, ...]
    strict: bool
    brief_pdf: Path | None
    # The full post-check (fonts, machine traces) of the first letter in each language;
    # the others differ only in the recipient's row, whose characters were checked.
    full_check: bool = True


@dataclass(frozen=True)
class LetterOutcome:
    """A made letter: its own pages (for the combined print file) and the file's count."""

    row: int
    letter_pdf: bytes
    letter_pages: int
    pages: int
    problems: list[Problem]
    written: bool


@dataclass(frozen=True)
class ManifestRow:
    row: int
    name: str
    organisation: str
    language: str
    file: str
    pages: int


@dataclass
class Mailing:
    """What a mailing made, and how much rendering it took."""

    folder: Path
    rows: list[ManifestRow]
    mailing_pages: int
    problems: list[Problem] = field(default_factory=list)  # warnings that did not stop it
    stats: dict[str, int] = field(default_factory=dict)


# --- the per-recipient letter ------------------------------------------------------


def personalise(letter_brief: BriefSpec, recipient: Recipient, today: dt.date) -> BriefSpec:
    """The letter brief addressed to one recipient, in the recipient's language.

    The spec's own recipient is a sample, so its salutation is never reused: a row
    without one gets the language's (from the interface catalog the template uses).
    """
    letter = letter_brief.letter
    assert letter is not None  # checked before any letter is made
    language = i18n.Language(recipient.language)
    salutation = recipient.salutation or language.gettext(SALUTATION) % {"name": recipient.name}
    address = Address(recipient.name, recipient.title, recipient.organisation, recipient.address)
    personal = dataclasses.replace(
        letter,
        recipient=address,
        salutation=salutation,
        date=letter.date or language.date(today),
        note=recipient.note,
        sample=False,
    )
    return dataclasses.replace(letter_brief, language=recipient.language, letter=personal)


# Stylesheets parsed once per worker and mailing (the staging folder names the mailing).
_SHARED: dict[Path, SharedStyles] = {}


def shared_styles(job: LetterJob) -> SharedStyles:
    """This mailing's stylesheets, parsed by the first letter this process makes."""
    key = job.output.parent
    if key not in _SHARED:
        _SHARED.clear()  # an earlier mailing's: its stylesheets may have changed since
        _SHARED[key] = warm_renderer(job.project_root).shared_styles(job.rendered)
    return _SHARED[key]


def make_letter(job: LetterJob) -> LetterOutcome:
    """Render and check one letter, put the brief behind it, write the recipient's PDF."""
    try:
        pdf, pages, problems = warm_renderer(job.project_root).render(
            job.rendered, shared_styles(job)
        )
    except BriefpressError as exc:
        return LetterOutcome(job.row, b"", 0, 0, exc.problems, False)
    problems += letter_checks(job, pdf, pages)
    if any(p.is_error or job.strict for p in problems):
        return LetterOutcome(job.row, b"", pages, 0, problems, False)
    combined, total = letter_and_brief(pdf, job.brief_pdf)
    write_atomic(job.output, combined)
    return LetterOutcome(job.row, pdf, pages, total, problems, True)


def letter_checks(job: LetterJob, pdf: bytes, pages: int) -> list[Problem]:
    """The build's post-checks; after the first letter of a language, the page budget."""
    brief = job.rendered.brief
    if job.full_check:
        return check_pdf(pdf, brief, job.project_root, job.fonts)
    budget = brief.max_pages or DEFAULT_PAGE_BUDGET.get(brief.kind)
    if budget is not None and pages > budget:
        return [
            Problem(
                Location(brief.file),
                f"the brief runs to {pages} pages, over max_pages {budget}",
                "shorten the note, or raise max_pages",
            )
        ]
    return []


def letter_and_brief(letter_pdf: bytes, brief_pdf: Path | None) -> tuple[bytes, int]:
    """One recipient's file: the letter's pages, then the brief's, with the letter's
    document information and language. The brief keeps its links and bookmarks."""
    import pikepdf

    out = pikepdf.new()
    with pikepdf.open(io.BytesIO(letter_pdf)) as letter:
        _append_pages(out, letter)
        _copy_document_facts(letter, out)
        with contextlib.ExitStack() as stack:
            if brief_pdf is not None:
                brief = stack.enter_context(pikepdf.open(brief_pdf))
                _append_pages(out, brief)
            buffer = io.BytesIO()
            out.save(buffer, deterministic_id=True)
    return buffer.getvalue(), len(out.pages)


def _append_pages(out: Any, source: Any) -> None:
    """Pages with their named destinations and outline where pikepdf can carry them."""
    add_pages_from = getattr(out, "add_pages_from", None)  # recent pikepdf (10.x)
    if add_pages_from is not None:
        add_pages_from(source)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older pikepdf: links inside the brief may not resolve
        out.pages.extend(source.pages)


def _copy_document_facts(source: Any, out: Any) -> None:
    """Title, author, dates and language; the print edition's output intent (CMYK)."""
    for key, value in source.docinfo.items():
        out.docinfo[key] = _foreign(out, value)
    for key in ("/Lang", "/OutputIntents"):
        if key in source.Root:
            out.Root[key] = _foreign(out, source.Root[key])


def _foreign(out: Any, value: Any) -> Any:
    """``value`` from another PDF, usable in ``out`` (pikepdf copies only indirect objects)."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_foreign(out, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _foreign(out, v) for k, v in value.items()})
    return value


# --- the combined print file and the manifest ---------------------------------------


def combined_print_file(
    letters: Iterable[bytes], brief_pdf: Path | None, title: str
) -> tuple[bytes, int]:
    """Every letter and its brief in one file, each letter starting on an odd page.

    The brief's pages are copied once and shared by every copy in the file (same
    content streams, fonts and images), so the file grows by a letter per person.
    """
    import pikepdf

    out = pikepdf.new()
    with contextlib.ExitStack() as stack:
        brief = stack.enter_context(pikepdf.open(brief_pdf)) if brief_pdf else None
        for letter_pdf in letters:
            letter = stack.enter_context(pikepdf.open(io.BytesIO(letter_pdf)))
            if len(out.pages) == 0:
                _copy_document_facts(letter, out)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a print file: links and bookmarks do not matter
                out.pages.extend(letter.pages)
                if brief is not None:
                    out.pages.extend(brief.pages)
            if len(out.pages) % 2:
                box = out.pages[-1].mediabox
                out.add_blank_page(page_size=(float(box[2]), float(box[3])))
        out.docinfo["/Title"] = title
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    return buffer.getvalue(), len(out.pages)


def _cell(value: str) -> str:
    """A manifest value that a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    """The manifest as UTF-8 with a byte-order mark, which spreadsheets need to show
    names in Vietnamese or Cyrillic correctly (our own reader accepts it too)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MANIFEST_COLUMNS)
    for r in rows:
        writer.writerow([r.row, _cell(r.name), _cell(r.organisation), r.language, r.file, r.pages])
    return buffer.getvalue().encode("utf-8-sig")


# Latin letters for Cyrillic names (Russian, Kyrgyz, Ukrainian), so that file names
# survive any zip tool or print shop; the PDFs and the manifest keep the names as written.
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфыэңөүіїґ", "abvgdeziyklmnoprstufyenouiig", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "є": "ye"},
}


def slug(name: str) -> str:
    """A short ASCII file name part for a person's name ("Nguyễn Văn Mẫu" -> nguyen-van-mau)."""
    text = name.lower().replace("đ", "d")
    text = "".join(_CYRILLIC.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40].rstrip("-") or "recipient"


def file_name(recipient: Recipient, width: int) -> str:
    """``0007-maria-ejemplo.pdf``: the row number keeps files unique and in mailing order."""
    return f"{recipient.row:0{width}d}-{slug(recipient.name)}.pdf"


# --- publishing the folder ----------------------------------------------------------


def check_target(target: Path, display: str) -> None:
    """Only a new or empty folder, or a previous mailing, may be replaced."""
    if target.exists() and not target.is_dir():
        raise BriefpressError(f"{display} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST_FILE).is_file():
        raise BriefpressError(
            [
                Problem(
                    Location(display),
                    "the folder exists and is not a mailing (it has no manifest.csv)",
                    "choose a new or empty folder with --out; a mailing replaces its folder",
                )
            ]
        )


def publish(staging: Path, target: Path) -> None:
    """Swap the finished staging folder in for the target, then drop the old mailing."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        os.replace(target, old / target.name)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- the mailing ----------------------------------------------------------------------


def load_mailing(root: Path, letter_id: str) -> Project:
    """The project with only the letter and the brief it accompanies: other briefs'
    mistakes do not stop a mailing."""
    project = load_project(root, [letter_id])
    letter = project.briefs.get(letter_id)
    target = letter.letter.accompanies if letter and letter.letter else None
    path = project.briefs_dir / f"{target}.yaml"
    if target and target != letter_id and path.is_file():
        brief = load_brief(project, path)
        if brief is not None:
            project.briefs[brief.id] = brief
    return project


def letter_problems(project: Project, letter_id: str) -> list[Problem]:
    """A mailing needs a letter brief (the validation checks what it accompanies)."""
    brief = project.briefs.get(letter_id)
    if brief is None:
        return []  # its load problems are reported already
    if brief.kind != "letter" or brief.letter is None:
        return [
            Problem(
                where(brief, "kind"),
                f"{letter_id!r} is a {brief.kind} brief: letters are sent from a letter brief",
                "see briefs/letter-policymakers.yaml (kind: letter)",
            )
        ]
    return []


def glyph_problems(recipients: list[Recipient], project: Project) -> list[Problem]:
    """Characters in a recipient's row that the brand's fonts cannot print: caught by row,
    before any rendering, rather than as a fallback font in letter 734."""
    brand = project.config.brand
    fonts = coverage(project.root, (brand.body_font, brand.heading_font))
    problems = []
    for r in recipients:
        texts = [r.name, r.title or "", r.organisation or "", r.address, r.salutation or ""]
        for missing in missing_glyphs([*texts, r.note or ""], fonts):
            problems.append(
                Problem(
                    r.loc,
                    f"{missing.name} cannot be printed in {missing.family} (row {r.row})",
                    f"in {missing.sample!r}; choose fonts for this script in briefpress.yaml",
                )
            )
    return problems


def build_accompanying(project: Project, brief_id: str, edition: str, strict: bool) -> Build:
    """A build of just the accompanying brief, sharing the build's cache."""
    only = dataclasses.replace(project, briefs={brief_id: project.briefs[brief_id]})
    return Build(only, (edition,), strict)


def brief_pdf_for(project: Project, brief_id: str, edition: str, strict: bool) -> tuple[Path, int]:
    """The accompanying brief's PDF, built if stale; and how many renders that took (0/1)."""
    run = build_accompanying(project, brief_id, edition, strict)
    settled, pending = run.plan()
    try:
        results = settled + list(run.run_jobs(pending))
    finally:
        run.cache.save()
    result = results[0]
    if result.failed(strict):
        brief = project.briefs[brief_id]
        failure = Problem(Location(brief.file), f"the accompanying brief {brief_id!r} failed")
        raise BriefpressError([*result.problems, failure])
    project.problems.extend(p for p in result.problems if not p.is_error)
    return result.output, 0 if result.fresh else 1


@dataclass(frozen=True)
class Run:
    """The settings every letter of one mailing shares."""

    project: Project
    letter: BriefSpec
    edition: str
    strict: bool
    brief_pdf: Path | None
    staging: Path
    workers: int


def letter_jobs(run: Run, recipients: list[Recipient]) -> Iterator[tuple[Recipient, LetterJob]]:
    """HTML for every letter (cheap: made here), with the file it goes to."""
    project = run.project
    env = make_environment(project.root, run.letter.language)
    brand = project.config.brand
    fonts = (brand.body_font, brand.heading_font)
    today = build_date()
    width = max(3, len(str(len(recipients))))
    checked: set[str] = set()
    for recipient in recipients:
        rendered = render_brief(
            personalise(run.letter, recipient, today), project, run.edition, env
        )
        output = run.staging / file_name(recipient, width)
        first = recipient.language not in checked
        checked.add(recipient.language)
        job = LetterJob(
            recipient.row, rendered, output, project.root, fonts, run.strict, run.brief_pdf, first
        )
        yield recipient, job


def run_letters(
    jobs: Iterable[LetterJob], count: int, workers: int, root: Path
) -> Iterator[LetterOutcome]:
    """Letters in parallel, each worker with a warm renderer; results in job order.

    ``jobs`` may be a generator: workers start on the first letters while the HTML
    of the later ones is still being rendered here.
    """
    if workers > 1 and count > 1:
        workers = min(workers, count)
        chunk = max(1, min(16, count // (workers * 4)))
        with ProcessPoolExecutor(workers, initializer=warm_worker, initargs=(root,)) as pool:
            yield from pool.map(make_letter, jobs, chunksize=chunk)
    else:
        yield from map(make_letter, jobs)


def row_problems(recipient: Recipient, outcome: LetterOutcome) -> list[Problem]:
    """A failed letter's problems, pointed at its row: the row is what the user can change."""
    problems = outcome.problems or [Problem(recipient.loc, "the letter could not be made")]
    return [
        Problem(recipient.loc, f"the letter for row {recipient.row}: {p.message}", p.hint)
        for p in problems
        if p.is_error or not outcome.written
    ]


def shared_warnings(letter: BriefSpec, outcomes: list[LetterOutcome]) -> list[Problem]:
    """Warnings of made letters, once each: 1,000 letters repeat the same one."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        for message in dict.fromkeys(p.message for p in outcome.problems if not p.is_error):
            counts[message] = counts.get(message, 0) + 1
    return [
        Problem(
            Location(letter.file),
            f"{message} (in {n} letter{'s' if n > 1 else ''})",
            severity="warning",
        )
        for message, n in counts.items()
    ]


def make_mailing(run: Run, recipients: list[Recipient]) -> Mailing:
    """Every letter into the staging folder, then the combined file and the manifest."""
    planned: list[tuple[Recipient, LetterJob]] = []

    def jobs() -> Iterator[LetterJob]:
        for recipient, job in letter_jobs(run, recipients):
            planned.append((recipient, job))
            yield job

    outcomes = list(run_letters(jobs(), len(recipients), run.workers, run.project.root))
    failures = [
        p
        for (recipient, _), outcome in zip(planned, outcomes, strict=True)
        if not outcome.written
        for p in row_problems(recipient, outcome)
    ]
    if failures:
        raise BriefpressError(failures)
    rows = [
        ManifestRow(r.row, r.name, r.organisation or "", r.language, job.output.name, o.pages)
        for (r, job), o in zip(planned, outcomes, strict=True)
    ]
    title = f"{run.letter.title}: {len(rows)} letters"
    combined, pages = combined_print_file((o.letter_pdf for o in outcomes), run.brief_pdf, title)
    write_atomic(run.staging / MAILING_FILE, combined)
    write_atomic(run.staging / MANIFEST_FILE, manifest_csv(rows))
    stats = {"recipients": len(recipients), "letter_renders": len(outcomes)}
    warnings_found = [*run.project.problems, *shared_warnings(run.letter, outcomes)]
    return Mailing(run.staging, rows, pages, warnings_found, stats)


def prepare_mailing(
    root: Path, letter_id: str, recipients_file: Path, strict: bool
) -> tuple[Project, BriefSpec, list[Recipient]]:
    """Load and check the letter, what it accompanies and every recipient; stop with all
    their problems together before anything is rendered."""
    project = load_mailing(root, letter_id)
    letter = project.briefs.get(letter_id)
    language = letter.language if letter else i18n.SOURCE_LANGUAGE
    shown = project.display(recipients_file)
    recipients, row_checks = load_recipients(recipients_file, shown, language)
    problems = [*validate_project(project), *letter_problems(project, letter_id), *row_checks]
    problems += glyph_problems(recipients, project)
    raise_if_errors(problems, strict=strict)
    assert letter is not None  # else its load problem was raised
    project.problems = problems  # only warnings are left
    return project, letter, recipients


def mail(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    out_dir: Path | None = None,
    edition: str = "screen",
    strict: bool = False,
    jobs: int = 1,
) -> Mailing:
    """Make the whole mailing into ``out/letters/<id>/`` (or ``out_dir``), or nothing."""
    project, letter, recipients = prepare_mailing(root, letter_id, recipients_file, strict)
    target = (out_dir or project.out_dir / "letters" / letter_id).absolute()
    check_target(target, project.display(target))
    accompanies = letter.letter.accompanies if letter.letter else None
    brief_pdf, brief_renders = None, 0
    if accompanies:
        brief_pdf, brief_renders = brief_pdf_for(project, accompanies, edition, strict)
    else:
        publish_theme(project.out_dir)  # the letters' stylesheets and fonts
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the mailing from the print queue
    try:
        run = Run(project, letter, edition, strict, brief_pdf, staging, jobs)
        mailing = make_mailing(run, recipients)
        publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    mailing.folder = target
    mailing.stats["brief_renders"] = brief_renders
    return mailing

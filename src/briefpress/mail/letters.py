"""Mail merge: one personal letter per recipient, each followed by the brief it accompanies.

The brief is the same for every reader of a language (the edition in their language
where the project has one, :mod:`briefpress.mail.accompany`), so each is built once
(through the build's content-hash cache: not at all when it is up to date) and its pages
are copied behind every letter. The letters are the only per-recipient WeasyPrint work;
they are made in worker processes that keep WeasyPrint and the fonts warm, as
the build's PDFs are. A 4-page brief to 1,000 people therefore costs about
1,000 letter renders, not 1,000 briefs.

Memory stays flat in the number of recipients: letters go to disk as the workers
finish them, only a bounded window of letters is in flight at a time, and the combined
print file is written page by page (:mod:`briefpress.pdf.stream`), sharing the brief's
objects between all its copies. What every letter repeats (the print edition's colour
profile above all) is compressed once per worker, not once per letter.

Everything the mailing writes goes to a temporary folder beside the target and
is moved into place only when every letter is made: a bad row, a failed letter, Ctrl-C
or SIGTERM leaves the previous mailing as it was. Only a folder briefpress made (it
holds the ownership marker) or an empty one is ever replaced (:mod:`briefpress.core.files`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefpress import editions
from briefpress.build.builder import Build, claim_out, warm_worker
from briefpress.checks.validate import validate_project, where
from briefpress.core import i18n
from briefpress.core.assets import publish_theme
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import (
    check_replaceable,
    csv_table,
    spreadsheet_text,
    staged_folder,
)
from briefpress.core.fonts import StackCoverage
from briefpress.core.signals import check_interrupted, worker_pool
from briefpress.data import kinds
from briefpress.data.load import Project, load_brief, load_project
from briefpress.data.model import BriefSpec
from briefpress.mail.accompany import briefs_by_language, load_editions
from briefpress.mail.assemble import PrintFile
from briefpress.mail.making import (
    TEMPLATE_NOTES,
    TEMPLATE_RECIPIENT,
    LetterJob,
    LetterOutcome,
    head_of,
    make_letter,
)
from briefpress.mail.personal import file_name, personalise, untranslated
from briefpress.mail.recipients import (
    LanguageRows,
    Recipient,
    RecipientsFile,
    RowCheck,
    load_recipients,
)
from briefpress.render.glyphs import missing_glyphs, stack_coverage
from briefpress.render.html import build_date, make_environment, render_brief
from briefpress.render.medium import Medium

if TYPE_CHECKING:
    from jinja2 import Environment

MAILING_FILE = "mailing.pdf"
MANIFEST_FILE = "manifest.csv"
MANIFEST_COLUMNS = ("row", "name", "organisation", "language", "file", "pages")
# Told how far a mailing is: (letters made, letters in all), first (0, n) once the rows
# are checked; it may raise to stop the mailing, which then leaves the previous one.
Progress = Callable[[int, int], None]


@dataclass
class Mailing:
    """What a mailing made, and how much rendering it took."""

    folder: Path
    letters: int
    mailing_pages: int
    problems: list[Problem] = field(default_factory=list)  # warnings that did not stop it
    stats: dict[str, int] = field(default_factory=dict)


# --- the manifest ----------------------------------------------------------------------


def _cell(value: str) -> str:
    """A manifest value that a spreadsheet shows as text, never runs as a formula."""
    return spreadsheet_text(value)


def manifest_row(recipient: Recipient, file: str, pages: int) -> list[object]:
    """A row of manifest.csv (MANIFEST_COLUMNS)."""
    org = recipient.organisation or ""
    return [recipient.row, _cell(recipient.name), _cell(org), recipient.language, file, pages]


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
        load_editions(project, target)  # the brief in the readers' languages
    return project


def letter_problems(project: Project, letter_id: str) -> list[Problem]:
    """A mailing needs a letter brief (the validation checks what it accompanies)."""
    brief = project.briefs.get(letter_id)
    if brief is None:
        return []  # its load problems are reported already
    if not kinds.is_mailed(brief) or brief.letter is None:
        return [
            Problem(
                where(brief, "kind"),
                f"{letter_id!r} is a {brief.kind} brief: letters are sent from a letter brief",
                "see briefs/letter-policymakers.yaml (kind: letter)",
            )
        ]
    return []


def glyph_check(project: Project) -> RowCheck:
    """A check of a recipient's row for characters the brand's fonts cannot print: caught
    by row, before any rendering, rather than as a fallback font in letter 734."""
    brand = project.config.brand
    by_language: dict[str, dict[str, StackCoverage]] = {}

    def check(r: Recipient) -> list[Problem]:
        if r.language not in by_language:  # each font's map is read once per mailing
            by_language[r.language] = stack_coverage(project.root, brand.stacks(r.language))
        fonts = by_language[r.language]
        texts = [r.name, r.title or "", r.organisation or "", r.address, r.salutation or ""]
        return [
            Problem(
                r.loc,
                f"{missing.name} cannot be printed in {missing.family} (row {r.row})",
                f"in {missing.sample!r}; name a font for this script under brand: fonts: "
                "in briefpress.yaml",
            )
            for missing in missing_glyphs([*texts, r.note or ""], fonts)
        ]

    return check


def language_problems(
    recipients: RecipientsFile, letter_brief: BriefSpec, project_root: Path | None = None
) -> list[Problem]:
    """Recipients whose letter would not be wholly in their language: no translation of
    the letter's words, or no interface catalog (the project's locale/ or a shipped one).
    One warning per language, at its first row and naming its rows, before anything is
    rendered (``--strict`` stops there)."""
    rows: dict[tuple[str, str], LanguageRows] = {}
    dirs = i18n.catalog_dirs(project_root)
    for language, found in recipients.languages.items():
        if untranslated(letter_brief, language):
            rows[("words", language)] = found
        missing = i18n.catalog_for(language, dirs) is None
        if missing and not i18n.Language(language).is_source:
            rows[("catalog", language)] = found
    problems = []
    for (what, tag), found in rows.items():
        shown = ", ".join(map(str, found.shown)) + (
            f" and {found.count - len(found.shown)} more" if found.count > len(found.shown) else ""
        )
        plural = "s" if found.count > 1 else ""
        if what == "words":
            message = (
                f"the letter has no {tag} translation: its subject and body stay in "
                f"{letter_brief.language} for row{plural} {shown}"
            )
            hint = f"add letter.translations.{tag} (subject, body) to {letter_brief.file}"
        else:
            message = (
                f"no {tag} interface catalog: headings, page labels and closing stay in "
                f"English for row{plural} {shown}"
            )
            hint = f"start one with: briefpress new-language {tag}"
        problems.append(Problem(found.first, message, hint, severity="warning"))
    return problems


def build_accompanying(project: Project, brief_id: str, edition: str, strict: bool) -> Build:
    """A build of just the accompanying brief, sharing the build's cache."""
    only = dataclasses.replace(project, briefs={brief_id: project.briefs[brief_id]})
    return Build(only, (edition,) if edition else (), strict)


def brief_pdf_for(
    project: Project, brief_id: str, edition: str, strict: bool, pool: Executor | None = None
) -> tuple[Path, int]:
    """The accompanying brief's PDF, built if stale; and how many renders that took (0/1).

    With ``pool`` (the mailing's workers) the brief is rendered there, so this process never
    loads WeasyPrint and stays small for the rest of the mailing."""
    run = build_accompanying(project, brief_id, edition, strict)
    settled, pending = run.plan()
    try:
        results = settled + list(run.run_jobs(pending, pool))
    finally:
        run.cache.save()
    result = results[0]
    if result.failed(strict):
        brief = project.briefs[brief_id]
        failure = Problem(Location(brief.file), f"the accompanying brief {brief_id!r} failed")
        raise BriefpressError([*result.problems, failure])
    project.problems.extend(p for p in result.problems if not p.is_error)
    return result.output, 0 if result.fresh else 1


def brief_pdfs_for(
    project: Project,
    letter: BriefSpec,
    languages: list[str],
    edition: str,
    strict: bool,
    pool: Executor | None = None,
) -> tuple[dict[str, Path], int]:
    """Language -> the PDF of the brief behind its readers' letters (mail/accompany.py),
    each brief built once if stale; and how many renders that took."""
    by_language = briefs_by_language(project, letter, languages)
    pdfs: dict[str, Path] = {}
    renders = 0
    for brief_id in dict.fromkeys(by_language.values()):
        pdfs[brief_id], count = brief_pdf_for(project, brief_id, edition, strict, pool)
        renders += count
    return {language: pdfs[brief_id] for language, brief_id in by_language.items()}, renders


@dataclass(frozen=True)
class Run:
    """The settings every letter of one mailing shares."""

    project: Project
    letter: BriefSpec
    edition: str
    strict: bool
    brief_pdfs: dict[str, Path]  # by the readers' language (mail/accompany.py)
    staging: Path
    pool: Executor | None  # the workers; None: letters are made in this process
    progress: Progress | None = None


def letter_jobs(run: Run, recipients: RecipientsFile) -> Iterator[tuple[Recipient, LetterJob]]:
    """HTML for every letter (cheap: made here), with the file it goes to."""
    project = run.project
    env = make_environment(project.root, run.letter.language)
    fonts = project.config.brand.every_family()
    today = build_date()
    width = max(3, len(str(len(recipients))))
    dirs = i18n.catalog_dirs(project.root)
    heads: dict[str, tuple[str, ...]] = {}  # each language's template heads
    for recipient in recipients:
        rendered = render_brief(
            personalise(run.letter, recipient, today, dirs), project, medium_of(run), env
        )
        output = run.staging / file_name(recipient, width)
        first = recipient.language not in heads
        if first:
            heads[recipient.language] = template_heads(run, recipient.language, today, env)
        job = LetterJob(
            recipient.row,
            rendered,
            output,
            project.root,
            fonts,
            run.strict,
            run.brief_pdfs.get(recipient.language),
            first,
            heads[recipient.language],
        )
        yield recipient, job


def medium_of(run: Run) -> Medium:
    """What the mailing's edition renders for (screen or print)."""
    return editions.get(run.edition or editions.default().name).medium


def template_heads(run: Run, language: str, today: dt.date, env: Environment) -> tuple[str, ...]:
    """The HTML of a language's letters to TEMPLATE_RECIPIENT, up to the flow mark, one
    for each of TEMPLATE_NOTES; none when the letter template has no flow mark."""
    name, address = TEMPLATE_RECIPIENT
    where = Location(run.letter.file)
    dirs = i18n.catalog_dirs(run.project.root)
    heads = []
    for note in TEMPLATE_NOTES:
        nobody = Recipient(0, where, name, None, None, address, None, language, note)
        letter = personalise(run.letter, nobody, today, dirs)
        head = head_of(render_brief(letter, run.project, medium_of(run), env))
        if head is None:
            return ()
        heads.append(head.html)
    return tuple(heads)


def run_letters(
    jobs: Iterable[LetterJob], pool: Executor | None, window: int = 16
) -> Iterator[LetterOutcome]:
    """Letters in the workers of ``pool`` (or here, without one); outcomes in job order.

    ``jobs`` is consumed lazily: at most ``window`` letters are rendered and waiting at any
    time, so memory does not grow with the mailing, and workers start on the first letters
    while the HTML of later ones is still being made.
    """
    if pool is None:
        for job in jobs:
            check_interrupted()
            yield make_letter(job)
        return
    pending: deque[Future[LetterOutcome]] = deque()
    for job in jobs:  # stopping early: the pool's owner ends the workers (worker_pool)
        pending.append(pool.submit(make_letter, job))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def row_problems(recipient: Recipient, outcome: LetterOutcome) -> list[Problem]:
    """A failed letter's problems, pointed at its row: the row is what the user can change."""
    problems = outcome.problems or [Problem(recipient.loc, "the letter could not be made")]
    return [
        Problem(recipient.loc, f"the letter for row {recipient.row}: {p.message}", p.hint)
        for p in problems
        if p.is_error or not outcome.written
    ]


def count_warnings(counts: dict[str, int], outcome: LetterOutcome) -> None:
    """How many letters gave each warning (1,000 letters repeat the same one)."""
    for message in dict.fromkeys(p.message for p in outcome.problems if not p.is_error):
        counts[message] = counts.get(message, 0) + 1


def shared_warnings(letter: BriefSpec, counts: dict[str, int]) -> list[Problem]:
    """Warnings of made letters, once each, with the number of letters they concern."""
    return [
        Problem(
            Location(letter.file),
            f"{message} (in {n} letter{'s' if n > 1 else ''})",
            severity="warning",
        )
        for message, n in counts.items()
    ]


def make_mailing(run: Run, recipients: RecipientsFile) -> Mailing:
    """Every letter into the staging folder, each added to the combined print file and the
    manifest as it comes. A failed letter fails the mailing, after all were tried."""
    planned: deque[tuple[Recipient, Path]] = deque()

    def jobs() -> Iterator[LetterJob]:
        for recipient, job in letter_jobs(run, recipients):
            planned.append((recipient, job.output))
            yield job

    print_file = PrintFile(run.staging / MAILING_FILE)
    failures: list[Problem] = []
    warned: dict[str, int] = {}
    made = filled = 0
    try:
        with csv_table(run.staging / MANIFEST_FILE, MANIFEST_COLUMNS) as manifest:
            for done, outcome in enumerate(run_letters(jobs(), run.pool), 1):
                recipient, output = planned.popleft()
                count_warnings(warned, outcome)
                if not outcome.written:
                    failures += row_problems(recipient, outcome)
                elif not failures:
                    brief_pdf = run.brief_pdfs.get(recipient.language)
                    print_file.add(output, outcome.letter_pages, brief_pdf)
                    manifest.writerow(manifest_row(recipient, output.name, outcome.pages))
                    made += 1
                    filled += outcome.filled
                if run.progress is not None:
                    run.progress(done, len(recipients))
    except BaseException:
        print_file.abort()
        raise
    if failures:
        print_file.abort()
        raise BriefpressError(failures)
    pages = print_file.close(f"{run.letter.title}: {made} letters")
    stats = {"recipients": len(recipients), "letter_renders": made, "filled": filled}
    warnings_found = [*run.project.problems, *shared_warnings(run.letter, warned)]
    return Mailing(run.staging, made, pages, warnings_found, stats)


def prepare_mailing(
    root: Path, letter_id: str, recipients_file: Path, strict: bool
) -> tuple[Project, BriefSpec, RecipientsFile]:
    """Load and check the letter, what it accompanies and every recipient; stop with all
    their problems together before anything is rendered."""
    project = load_mailing(root, letter_id)
    letter = project.briefs.get(letter_id)
    language = letter.language if letter else i18n.SOURCE_LANGUAGE
    shown = project.display(recipients_file)
    recipients, row_checks = load_recipients(
        recipients_file, shown, language, check=glyph_check(project)
    )
    problems = [*validate_project(project), *letter_problems(project, letter_id), *row_checks]
    if letter is not None and letter.letter is not None:
        problems += language_problems(recipients, letter, project.root)
    raise_if_errors(problems, strict=strict)
    assert letter is not None  # else its load problem was raised
    project.problems = problems  # only warnings are left
    return project, letter, recipients


def mail(
    root: Path,
    letter_id: str,
    recipients_file: Path,
    out_dir: Path | None = None,
    edition: str = "",  # none: the default edition
    strict: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Mailing:
    """Make the whole mailing into ``out/letters/<id>/`` (or ``out_dir``), or nothing;
    ``progress`` follows it letter by letter (the studio's progress bar)."""
    project, letter, recipients = prepare_mailing(root, letter_id, recipients_file, strict)
    if progress is not None:
        progress(0, len(recipients))
    target = (out_dir or project.out_dir / "letters" / letter_id).absolute()
    shown = project.display(target)
    check_replaceable(target, shown, "letters --out")  # before any work: never another's folder
    # The staging folder is entered first, so it is left last: on Ctrl-C or SIGTERM the
    # workers are ended before it is removed, and none can write a letter into it after.
    claim_out(project)  # out/ is briefpress's before the staging folder is made in it
    with contextlib.ExitStack() as stack:
        staging = stack.enter_context(staged_folder(target, shown, "letters --out"))
        pool = None
        if jobs > 1 and len(recipients) > 1:
            workers = min(jobs, len(recipients))
            pool = stack.enter_context(worker_pool(workers, warm_worker, (project.root,)))
        languages = list(recipients.languages)
        brief_pdfs, brief_renders = brief_pdfs_for(
            project, letter, languages, edition, strict, pool
        )
        if not brief_pdfs:
            publish_theme(project.out_dir)  # the letters' stylesheets and fonts
        run = Run(project, letter, edition, strict, brief_pdfs, staging, pool, progress)
        mailing = make_mailing(run, recipients)
    mailing.folder = target
    mailing.stats["brief_renders"] = brief_renders
    return mailing

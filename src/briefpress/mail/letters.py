"""Mail merge: one personal letter per recipient, each followed by the brief it accompanies.

The brief is the same for everyone, so it is built once (through the build's
content-hash cache: not at all when it is up to date) and its pages are copied
behind every letter. The letters are the only per-recipient WeasyPrint work;
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
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

from briefpress import editions
from briefpress.build.builder import Build, warm_renderer, warm_worker
from briefpress.checks.validate import validate_project, where
from briefpress.core import i18n
from briefpress.core.assets import publish_theme
from briefpress.core.errors import BriefpressError, Location, Problem, raise_if_errors
from briefpress.core.files import (
    check_replaceable,
    csv_table,
    portable_name,
    spreadsheet_text,
    staged_folder,
    write_atomic,
)
from briefpress.core.fonts import StackCoverage
from briefpress.core.signals import check_interrupted, worker_pool
from briefpress.data.load import Project, load_brief, load_project
from briefpress.data.model import Address, BriefSpec, LetterSpec, LetterText
from briefpress.mail.accompany import briefs_by_language, load_editions
from briefpress.mail.assemble import PrintFile, StreamCache, join, letter_and_brief
from briefpress.mail.recipients import (
    LanguageRows,
    Recipient,
    RecipientsFile,
    RowCheck,
    load_recipients,
)
from briefpress.pdf.postcheck import DEFAULT_PAGE_BUDGET, check_pdf
from briefpress.pdf.variable import FLOW_MARK, Templates
from briefpress.pdf.weasy import SharedStyles
from briefpress.render.glyphs import missing_glyphs, stack_coverage
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
    """A made letter: how many of its file's pages are the letter's, and the file's count.

    The PDF itself stays on disk (``LetterJob.output``): nothing per recipient but these
    numbers travels back from the workers."""

    row: int
    letter_pages: int
    pages: int
    problems: list[Problem]
    written: bool


@dataclass
class Mailing:
    """What a mailing made, and how much rendering it took."""

    folder: Path
    letters: int
    mailing_pages: int
    problems: list[Problem] = field(default_factory=list)  # warnings that did not stop it
    stats: dict[str, int] = field(default_factory=dict)


# --- the per-recipient letter ------------------------------------------------------


def letter_text(letter_brief: BriefSpec, language: str) -> LetterText | None:
    """The letter's words for a reader of ``language``: its translation for that tag
    (``pt-BR``), else for the tag's language (``pt``); None when the letter is written in
    that language already, or has no translation for it."""
    letter = letter_brief.letter
    if letter is None or i18n.base_language(language) == i18n.base_language(letter_brief.language):
        return None
    for candidate in (language, i18n.base_language(language)):
        for tag, text in letter.translations.items():
            if tag.lower() == candidate.lower():
                return text
    return None


def untranslated(letter_brief: BriefSpec, language: str) -> bool:
    """Whether a reader of ``language`` would get the letter's words in another language."""
    same = i18n.base_language(language) == i18n.base_language(letter_brief.language)
    return not same and letter_text(letter_brief, language) is None


def translated_letter(letter: LetterSpec, text: LetterText) -> LetterSpec:
    """The letter with its own words replaced by a translation's. The closing is the
    translation's or, if it has none, the language's (never the original's)."""
    signature = letter.signature
    if text.signature is not None:
        signature = dataclasses.replace(
            signature,
            name=text.signature.name or signature.name,
            title=text.signature.title or signature.title,
            organisation=text.signature.organisation or signature.organisation,
        )
    return dataclasses.replace(
        letter, subject=text.subject, body=text.body, closing=text.closing, signature=signature
    )


def personalise(
    letter_brief: BriefSpec,
    recipient: Recipient,
    today: dt.date,
    dirs: tuple[Path, ...] = i18n.SHIPPED,
) -> BriefSpec:
    """The letter brief addressed to one recipient, wholly in the recipient's language:
    the letter's translation for it where there is one (``letter.translations``), and the
    interface words (headings, page labels, closing) from its catalog at render time.

    The spec's own recipient is a sample, so its salutation is never reused: a row
    without one gets the language's (from the interface catalog the template uses).
    """
    letter = letter_brief.letter
    assert letter is not None  # checked before any letter is made
    language = i18n.Language(recipient.language, dirs)
    text = letter_text(letter_brief, recipient.language)
    title = letter_brief.title
    if text is not None:
        letter = translated_letter(letter, text)
        title = text.title or text.subject
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
    return dataclasses.replace(
        letter_brief, language=recipient.language, title=title, letter=personal
    )


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
    """Render and check one letter, put the brief behind it, write the recipient's PDF.

    The first letter of a language in this process is rendered whole and kept as a
    template; after it, only the letter's head (what names the recipient) is rendered and
    put into the template, unless it does not fit one (pdf/variable.py).
    WeasyPrint writes the letter uncompressed (its own compression, at zlib's slowest
    level, was most of a print letter's time: the colour profile alone is 180 KB), and
    :func:`join` compresses it, reusing what the letters before it repeated.
    """
    made = None if job.full_check else from_template(job)
    if made is not None:
        (combined, total), pages, problems = made
        problems += page_budget(job, pages)
        if any(p.is_error or job.strict for p in problems):
            return LetterOutcome(job.row, pages, 0, problems, False)
    else:
        try:
            pdf, pages, problems = warm_renderer(job.project_root).render(
                job.rendered, shared_styles(job), compress=False, keep_parts=True
            )
        except BriefpressError as exc:
            return LetterOutcome(job.row, 0, 0, exc.problems, False)
        problems += letter_checks(job, pdf, pages)
        if any(p.is_error or job.strict for p in problems):
            return LetterOutcome(job.row, pages, 0, problems, False)
        if head_of(job.rendered) is not None:
            templates_for(job).add(pdf)
        combined, total = letter_and_brief(
            pdf, job.brief_pdf, compressed_streams(job), job.rendered.medium.tagged
        )
    write_atomic(job.output, combined)
    return LetterOutcome(job.row, pages, total, problems, True)


# The letter template marks where the flow continues after what names the recipient.
FLOW_MARK_HTML = f'<div id="{FLOW_MARK}"></div>'
# Whole letters kept as templates, per mailing (its staging folder) and language.
_TEMPLATES: dict[tuple[Path, str], Templates] = {}


def templates_for(job: LetterJob) -> Templates:
    """This process's templates for the job's mailing and language."""
    key = (job.output.parent, job.rendered.brief.language)
    if any(folder != key[0] for folder, _ in _TEMPLATES):
        _TEMPLATES.clear()  # an earlier mailing's
    return _TEMPLATES.setdefault(key, Templates())


def head_of(rendered: Rendered) -> Rendered | None:
    """The letter's HTML up to the flow mark, or None if its template has no mark (a
    project's own letter template, say: its letters are rendered whole)."""
    end = rendered.html.find(FLOW_MARK_HTML)
    if end < 0:
        return None
    return dataclasses.replace(rendered, html=rendered.html[: end + len(FLOW_MARK_HTML)])


def from_template(job: LetterJob) -> tuple[tuple[bytes, int], int, list[Problem]] | None:
    """The recipient's file (bytes and pages) made from a template of the letter's
    language with this recipient's parts, the letter's page count and the head's
    warnings; None when there is no template yet or none fits (the letter is then
    rendered whole)."""
    head = head_of(job.rendered)
    templates = templates_for(job)
    if head is None or not templates.items:
        return None
    try:
        head_pdf, _, problems = warm_renderer(job.project_root).render(
            head, shared_styles(job), compress=False, keep_parts=True, head=True
        )
    except BriefpressError:
        return None  # the whole render reports it
    cache = compressed_streams(job)
    tags = job.rendered.medium.tagged
    filled = templates.fill(head_pdf, lambda letter: join(letter, job.brief_pdf, cache, tags))
    if filled is None:
        return None
    return filled[0], filled[1], problems


# Compressed forms of large streams that letters repeat (colour profile, font subsets),
# per worker and mailing, so each is compressed once.
_COMPRESSED: dict[Path, StreamCache] = {}


def compressed_streams(job: LetterJob) -> StreamCache:
    """This mailing's stream cache in this process (the staging folder names the mailing)."""
    key = job.output.parent
    if key not in _COMPRESSED:
        _COMPRESSED.clear()
        _COMPRESSED[key] = StreamCache()
    return _COMPRESSED[key]


def letter_checks(job: LetterJob, pdf: bytes, pages: int) -> list[Problem]:
    """The build's post-checks; after the first letter of a language, the page budget."""
    if job.full_check:
        return check_pdf(pdf, job.rendered.brief, job.project_root, job.fonts)
    return page_budget(job, pages)


def page_budget(job: LetterJob, pages: int) -> list[Problem]:
    """A letter over its brief's page budget (a long note can make one)."""
    brief = job.rendered.brief
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


# --- the manifest ----------------------------------------------------------------------


def _cell(value: str) -> str:
    """A manifest value that a spreadsheet shows as text, never runs as a formula."""
    return spreadsheet_text(value)


def manifest_row(recipient: Recipient, file: str, pages: int) -> list[object]:
    """A row of manifest.csv (MANIFEST_COLUMNS)."""
    org = recipient.organisation or ""
    return [recipient.row, _cell(recipient.name), _cell(org), recipient.language, file, pages]


# Latin letters for Cyrillic names (Russian, Kyrgyz, Ukrainian), so that file names
# survive any zip tool or print shop; the PDFs and the manifest keep the names as written.
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфыэңөүіїґ", "abvgdeziyklmnoprstufyenouiig", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "є": "ye"},
}


def slug(name: str) -> str:
    """A short ASCII file name part for a person's name in any script ("Nguyễn Văn Mẫu" ->
    nguyen-van-mau, "سلمى الخطيب" -> slma-lkhtyb, "김민지" -> gimminji): Cyrillic by the
    table above, everything else by anyascii's transliteration."""
    text = name.lower().replace("đ", "d")
    text = "".join(_CYRILLIC.get(c, c) for c in text)
    text = anyascii(unicodedata.normalize("NFC", text)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40].rstrip("-") or "recipient"


def file_name(recipient: Recipient, width: int) -> str:
    """``0007-maria-ejemplo.pdf``: the row number keeps files unique and in mailing order."""
    return portable_name(f"{recipient.row:0{width}d}-{slug(recipient.name)}.pdf")


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
    if brief.kind != "letter" or brief.letter is None:
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


def letter_jobs(run: Run, recipients: RecipientsFile) -> Iterator[tuple[Recipient, LetterJob]]:
    """HTML for every letter (cheap: made here), with the file it goes to."""
    project = run.project
    env = make_environment(project.root, run.letter.language)
    fonts = project.config.brand.every_family()
    today = build_date()
    width = max(3, len(str(len(recipients))))
    checked: set[str] = set()
    for recipient in recipients:
        rendered = render_brief(
            personalise(run.letter, recipient, today, i18n.catalog_dirs(project.root)),
            project,
            editions.get(run.edition or editions.default().name).medium,
            env,
        )
        output = run.staging / file_name(recipient, width)
        first = recipient.language not in checked
        checked.add(recipient.language)
        brief_pdf = run.brief_pdfs.get(recipient.language)
        job = LetterJob(
            recipient.row, rendered, output, project.root, fonts, run.strict, brief_pdf, first
        )
        yield recipient, job


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
    made = 0
    try:
        with csv_table(run.staging / MANIFEST_FILE, MANIFEST_COLUMNS) as manifest:
            for outcome in run_letters(jobs(), run.pool):
                recipient, output = planned.popleft()
                count_warnings(warned, outcome)
                if not outcome.written:
                    failures += row_problems(recipient, outcome)
                elif not failures:
                    brief_pdf = run.brief_pdfs.get(recipient.language)
                    print_file.add(output, outcome.letter_pages, brief_pdf)
                    manifest.writerow(manifest_row(recipient, output.name, outcome.pages))
                    made += 1
    except BaseException:
        print_file.abort()
        raise
    if failures:
        print_file.abort()
        raise BriefpressError(failures)
    pages = print_file.close(f"{run.letter.title}: {made} letters")
    stats = {"recipients": len(recipients), "letter_renders": made}
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
) -> Mailing:
    """Make the whole mailing into ``out/letters/<id>/`` (or ``out_dir``), or nothing."""
    project, letter, recipients = prepare_mailing(root, letter_id, recipients_file, strict)
    target = (out_dir or project.out_dir / "letters" / letter_id).absolute()
    shown = project.display(target)
    check_replaceable(target, shown, "letters --out")  # before any work: never another's folder
    with contextlib.ExitStack() as stack:
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
        with staged_folder(target, shown, "letters --out") as staging:
            run = Run(project, letter, edition, strict, brief_pdfs, staging, pool)
            mailing = make_mailing(run, recipients)
    mailing.folder = target
    mailing.stats["brief_renders"] = brief_renders
    return mailing

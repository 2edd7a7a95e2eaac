"""Making one recipient's PDF, in a worker: the letter, then the brief behind it.

Each language's letter is laid out once per worker and mailing, addressed to no one
(:data:`TEMPLATE_RECIPIENT`), as a template; a recipient's letter is the template with
only its head (what names the recipient) rendered and put in (:mod:`briefpress.pdf.
variable`), or the whole letter rendered when the head does not fit. The choice, and so
the file's bytes, depend on the row alone, never on the worker or the rows before it.
What the letters repeat (stylesheets, the colour profile's compressed stream) is made
once per worker and mailing (the staging folder names the mailing).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from briefpress.build.builder import warm_renderer
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import write_atomic
from briefpress.data import kinds
from briefpress.mail.assemble import StreamCache, join, letter_and_brief
from briefpress.pdf.postcheck import check_pdf
from briefpress.pdf.variable import FLOW_MARK, Templates
from briefpress.pdf.weasy import SharedStyles
from briefpress.render.html import Rendered


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
    # The language's template letters up to the flow mark, addressed to no one (see
    # TEMPLATE_RECIPIENT), one for each of TEMPLATE_NOTES; none when the letter template
    # has no flow mark.
    template_heads: tuple[str, ...] = ()


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
    filled: bool = False  # made from the language's template, not rendered whole


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

    Each language's letter is laid out once, addressed to no one, as a template; each
    recipient's letter is that template with only its head (what names the recipient)
    rendered and put in, unless the head does not fit it (pdf/variable.py): then the
    letter is rendered whole. Which of the two a letter gets, and so its bytes, depends
    on its row alone, never on which worker made it or what it made before (``-j``, the
    other rows). WeasyPrint writes the letter uncompressed (its own compression, at
    zlib's slowest level, was most of a print letter's time: the colour profile alone is
    180 KB), and :func:`join` compresses it, reusing what the letters before it repeated.
    """
    made = from_template(job)
    if made is not None:
        (combined, total), pages, problems = made
        problems += page_budget(job, pages)
        if job.full_check:  # the template's post-check stands for the language's letters
            problems += template_for(job)[1]
        if any(p.is_error or job.strict for p in problems):
            return LetterOutcome(job.row, pages, 0, problems, False)
    else:
        try:
            pdf, pages, problems, _html = warm_renderer(job.project_root).render(
                job.rendered, shared_styles(job), compress=False, keep_parts=True
            )
        except BriefpressError as exc:
            return LetterOutcome(job.row, 0, 0, exc.problems, False)
        problems += letter_checks(job, pdf, pages)
        if any(p.is_error or job.strict for p in problems):
            return LetterOutcome(job.row, pages, 0, problems, False)
        combined, total = letter_and_brief(
            pdf, job.brief_pdf, compressed_streams(job), job.rendered.medium.tagged
        )
    write_atomic(job.output, combined)
    return LetterOutcome(job.row, pages, total, problems, True, made is not None)


# The letter template marks where the flow continues after what names the recipient.
FLOW_MARK_HTML = f'<div id="{FLOW_MARK}"></div>'
# The one a language's template letter is addressed to: no person (the template's text
# is never sent), in letters every brand font has, one line each, as most rows are.
TEMPLATE_RECIPIENT = ("Recipient", "Address")
# A template without a personal note, and one with a note of one line (a note is one
# more part, and moves the flow by its lines): the rows most mailings have fit one.
TEMPLATE_NOTES = (None, "Note")
# Each language's templates per mailing (its staging folder): the whole letters addressed
# to TEMPLATE_RECIPIENT, or None if none could be made, and their post-check's problems.
_TEMPLATES: dict[tuple[Path, str], tuple[Templates | None, list[Problem]]] = {}


def template_for(job: LetterJob) -> tuple[Templates | None, list[Problem]]:
    """This process's template for the job's mailing and language, laid out on first use:
    every worker lays out the same one, so a letter is the same whoever fills it."""
    key = (job.output.parent, job.rendered.brief.language)
    if any(folder != key[0] for folder, _ in _TEMPLATES):
        _TEMPLATES.clear()  # an earlier mailing's
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _lay_out_template(job)
    return _TEMPLATES[key]


def _lay_out_template(job: LetterJob) -> tuple[Templates | None, list[Problem]]:
    head = head_of(job.rendered)
    if head is None or not job.template_heads:
        return None, []
    templates = Templates(size=len(job.template_heads))
    found: list[Problem] = []
    for template_head in reversed(job.template_heads):  # added in front: first kept first
        html = template_head + job.rendered.html[len(head.html) :]
        rendered = dataclasses.replace(job.rendered, html=html)
        try:
            pdf, _, problems, _html = warm_renderer(job.project_root).render(
                rendered, shared_styles(job), compress=False, keep_parts=True
            )
        except BriefpressError:
            continue  # the letters it would fill, rendered whole, report it in their rows
        problems += check_pdf(pdf, job.rendered.brief, job.project_root, job.fonts)
        if not any(p.is_error for p in problems):
            templates.add(pdf)
            found += [p for p in problems if p not in found]
    return (templates if templates.items else None), found


def head_of(rendered: Rendered) -> Rendered | None:
    """The letter's HTML up to the flow mark, or None if its template has no mark (a
    project's own letter template, say: its letters are rendered whole)."""
    end = rendered.html.find(FLOW_MARK_HTML)
    if end < 0:
        return None
    return dataclasses.replace(rendered, html=rendered.html[: end + len(FLOW_MARK_HTML)])


def from_template(job: LetterJob) -> tuple[tuple[bytes, int], int, list[Problem]] | None:
    """The recipient's file (bytes and pages) made from the template of the letter's
    language with this recipient's parts, the letter's page count and the head's
    warnings; None when there is no template or it does not fit (the letter is then
    rendered whole)."""
    head = head_of(job.rendered)
    if head is None:
        return None
    templates = template_for(job)[0]
    if templates is None:
        return None
    try:
        head_pdf, _, problems, _html = warm_renderer(job.project_root).render(
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
    budget = kinds.page_budget(brief)
    if budget is not None and pages > budget:
        return [
            Problem(
                Location(brief.file),
                f"the brief runs to {pages} pages, over max_pages {budget}",
                "shorten the note, or raise max_pages",
            )
        ]
    return []

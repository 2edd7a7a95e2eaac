"""``briefpress import``: from a report's PDF, Word or text file to draft data.

The stages: :mod:`.source` reads the file through the same reader and
normaliser as ``check --against``; :mod:`.structure` finds sections,
footnotes and recommendations; :mod:`.quotes` finds respondent quotes by
their attributions, quotations from literature, organisations and countries;
:mod:`.write` writes ``reports/ID/`` from templates without overwriting what a
person wrote.  The import ends by verifying the draft exactly as ``check
--against FILE`` does, and writes the review list, ``REVIEW.md``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefpress.checks.drafts import marked_lines
from briefpress.checks.language import check_verbatim
from briefpress.checks.validate import check_anonymity, check_references
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.core.files import write_atomic
from briefpress.data.load import Project, load_report
from briefpress.importer.draft import Draft
from briefpress.importer.parse import parse
from briefpress.importer.review import SOURCE_TEXT, write_review
from briefpress.importer.write import REVIEW, Mode, draft_data, render_review, write_draft
from briefpress.source.read import SourceError

__all__ = ["STAGES", "ImportResult", "import_report", "summary_lines"]

_REPORT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# How many review items the terminal shows; REVIEW.md has them all.
_SHOWN = 12


@dataclass
class ImportResult:
    """What an import found, wrote and verified."""

    draft: Draft
    folder: str  # as the user knows it: reports/ID
    written: list[Path] = field(default_factory=list)
    mismatches: list[Problem] = field(default_factory=list)
    to_write: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    review: str = REVIEW  # REVIEW.new.md when a person has edited REVIEW.md

    def counts(self) -> list[tuple[str, int]]:
        """Records found, by kind, for the summary and REVIEW.md."""
        draft = self.draft
        return [
            ("sections", len(draft.sections)),
            ("respondent quotes", len(draft.quotes)),
            ("quotations from literature", len(draft.literature)),
            ("footnotes", len(draft.footnotes)),
            ("recommendations", len(draft.recommendations)),
            ("recommendation parts", sum(len(r.parts) for r in draft.recommendations)),
            ("organisations", len(draft.organisations)),
            ("countries", len(draft.countries)),
        ]


# The stages an import goes through, in order, as a progress bar names them.
STAGES = (
    "Reading the report",
    "Writing its data",
    "Checking every quote against the report",
    "Writing the review list",
)


def import_report(
    path: Path,
    root: Path,
    report_id: str,
    mode: Mode = "safe",
    stage: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``path`` into ``root/reports/<report_id>/`` and verify it; ``stage`` is
    told the index in STAGES of each stage as it starts (for a progress bar)."""
    started = time.perf_counter()
    tell = stage or (lambda index: None)
    if not _REPORT_ID.fullmatch(report_id):
        hint = "lower-case letters, digits and hyphens"
        raise BriefpressError([Problem(Location(report_id), "not a usable report id", hint)])
    tell(0)
    try:
        draft, problems = parse(path, root, report_id)
    except SourceError as exc:
        raise BriefpressError(str(exc)) from exc
    if problems:
        raise BriefpressError(problems)
    folder = root / "reports" / report_id
    display = f"reports/{report_id}"
    tell(1)
    written, problems = write_draft(folder, draft, draft_data(draft), mode, display)
    if problems:
        raise BriefpressError(problems)
    write_atomic(folder / SOURCE_TEXT, draft.text.encode("utf-8"))
    result = ImportResult(draft, display, written)
    tell(2)
    result.mismatches = _verify(root, folder, path, draft)
    tell(3)
    result.to_write = [
        problem
        for target in written
        for problem in marked_lines(target, f"{display}/{target.name}")
    ]
    review = render_review(draft, result.counts(), [str(p) for p in result.mismatches])
    result.review = write_review(folder, review).name
    result.seconds = time.perf_counter() - started
    return result


def _verify(root: Path, folder: Path, path: Path, draft: Draft) -> list[Problem]:
    """Load the draft as ``check`` does and verify it against the report.

    A draft that does not load, or a field not found in the report, is a
    fault of the importer and fails the import.  References that do not
    resolve (after a merge, they may be a person's) and what the anonymity
    check flags in the report's own wording go on the review list.
    """
    project = Project(root=root)
    data = load_report(project, folder)
    problems = list(project.problems)
    if data is None:
        return problems
    project.reports = {data.report.id: data}
    for problem in [*check_references(data), *check_anonymity(data)]:
        draft.note(str(problem.location), problem.message)
    return problems + check_verbatim(project, path)


def summary_lines(result: ImportResult) -> list[str]:
    """The terminal summary: counts, verification, review items, next steps."""
    draft = result.draft
    found = ", ".join(f"{count} {name}" for name, count in result.counts())
    took = f"{result.seconds:.1f}s"
    lines = [f"imported {draft.source_name} into {result.folder}/ in {took}: {found}"]
    if result.mismatches:
        lines.append(f"verification FAILED: {len(result.mismatches)} problem(s):")
        lines += [f"  {problem}" for problem in result.mismatches]
    else:
        lines.append(f"verified: every verbatim field is in {draft.source_name}")
    counts = f"{len(draft.review)} item(s) to review, {len(result.to_write)} field(s) to write"
    lines.append(f"{counts}:")
    lines += [f"  {item.where}: {item.message}" for item in draft.review[:_SHOWN]]
    if len(draft.review) > _SHOWN:
        lines.append(f"  ... and {len(draft.review) - _SHOWN} more")
    if result.review != REVIEW:
        lines.append(
            f"{REVIEW} has your ticks and notes, so it is kept; the new list is "
            f"{result.folder}/{result.review} (your ticks carried over)"
        )
    lines.append(
        f"next: read {result.folder}/{result.review}, write the fields marked TO WRITE, "
        "then run briefpress check"
    )
    return lines

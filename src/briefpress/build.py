"""The build: load and validate everything, then render each brief and edition.

Validation covers the whole project before anything is rendered, so a typo
is reported in seconds rather than after minutes of PDF work. After that a
failing brief is reported and the others still build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .assets import THEME_DIR, publish_theme
from .errors import BriefpressError, Problem, raise_if_errors
from .load import Project, load_project
from .model import BriefSpec
from .pdf import PdfRenderer, write_atomic
from .postcheck import check_pdf
from .render import make_environment, render_brief
from .validate import validate_project


@dataclass
class BriefResult:
    brief: BriefSpec
    edition: str
    output: Path
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    def failed(self, strict: bool) -> bool:
        return any(p.is_error or strict for p in self.problems) or not self.written


def output_path(project: Project, brief_id: str, edition: str, suffix: str = ".pdf") -> Path:
    folder = project.out_dir if edition == "screen" else project.out_dir / "print"
    return folder / f"{brief_id}{suffix}"


def prepare(root: Path, brief_ids: list[str] | None, strict: bool) -> Project:
    """Load and validate the project; stop with every problem if anything is wrong."""
    project = load_project(root, brief_ids)
    problems = validate_project(project)
    raise_if_errors(problems, strict=strict)
    project.problems = problems  # warnings that did not stop the build
    return project


@dataclass
class Builder:
    """Renders briefs of one project, keeping Jinja2 and WeasyPrint warm."""

    project: Project
    strict: bool = False
    write_html: bool = False
    renderer: PdfRenderer | None = None

    def __post_init__(self) -> None:
        self.env = make_environment(self.project.root)

    def pdf_renderer(self) -> PdfRenderer:
        if self.renderer is None:
            self.renderer = PdfRenderer(self.project.root, extra_roots=[THEME_DIR])
        return self.renderer

    def build_one(self, brief: BriefSpec, edition: str) -> BriefResult:
        result = BriefResult(brief, edition, output_path(self.project, brief.id, edition))
        try:
            rendered = render_brief(brief, self.project, edition, self.env)
            if self.write_html:
                html_path = output_path(self.project, brief.id, edition, ".html")
                write_atomic(html_path, rendered.html.encode("utf-8"))
            pdf, result.pages, warnings = self.pdf_renderer().render(rendered)
            result.problems.extend(warnings)
            brand = self.project.config.brand
            fonts = (brand.body_font, brand.heading_font)
            result.problems.extend(check_pdf(pdf, brief, self.project.root, fonts))
        except BriefpressError as exc:
            result.problems.extend(exc.problems)
            return result
        if not any(p.is_error or self.strict for p in result.problems):
            write_atomic(result.output, pdf)
            result.written = True
        return result


def build(
    root: Path,
    brief_ids: list[str] | None = None,
    editions: tuple[str, ...] = ("screen",),
    strict: bool = False,
    write_html: bool = False,
    on_result: Callable[[BriefResult], None] | None = None,
) -> list[BriefResult]:
    """Build the named briefs (all when none) in each edition; never stops at one failure."""
    project = prepare(root, brief_ids, strict)
    publish_theme(project.out_dir)
    builder = Builder(project, strict=strict, write_html=write_html)
    results = []
    for brief in project.briefs.values():
        for edition in editions:
            result = builder.build_one(brief, edition)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results

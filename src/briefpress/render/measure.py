"""The language measure of every brief in another language than the report's: each is
rendered to HTML (no PDF) and read by :func:`briefpress.checks.foreign.measure`."""

from __future__ import annotations

from collections.abc import Iterator

from briefpress.checks.foreign import LIMIT, LanguageShare, measure
from briefpress.core import i18n
from briefpress.core.errors import BriefpressError, Location, Problem
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec, ReportData
from briefpress.render.html import make_environment, render_brief
from briefpress.render.medium import MEASURE


def names(data: ReportData, project: Project) -> list[str]:
    """What is not counted as foreign: names as the report writes them (organisations,
    countries), the report's title and publisher, and the brand's name."""
    report = data.report
    found = [report.title, report.publisher.name, report.publisher.short]
    found += [report.subtitle or ""]
    for org in data.organisations.values():
        found += [org.short, org.name or "", org.display]
    found += [country.name for country in data.countries.values()]
    brand = project.config.brand
    found += [brand.organisation, brand.short or ""]
    return [n for n in found if n]


def translated_briefs(project: Project) -> list[BriefSpec]:
    """Briefs whose language is not their report's, in id order."""
    return [
        b
        for _, b in sorted(project.briefs.items())
        if b.report in project.reports
        and not i18n.Language(
            b.language, source=project.reports[b.report].report.language
        ).is_source
    ]


def language_shares(project: Project) -> Iterator[LanguageShare]:
    """The measure of each translated brief that renders (one that does not is left to
    the build to report)."""
    env = make_environment(project.root)
    for brief in translated_briefs(project):
        try:
            html = render_brief(brief, project, MEASURE, env).html
        except BriefpressError:
            continue
        data = project.reports[brief.report]
        yield measure(brief.id, html, brief.language, names(data, project))


def share_problems(shares: list[LanguageShare], project: Project) -> list[Problem]:
    """A warning for each brief with more than 5% of its words in another language."""
    problems = []
    for s in shares:
        if s.share > LIMIT:
            brief = project.briefs[s.brief]
            problems.append(
                Problem(
                    Location(brief.file),
                    f"{s.share:.1%} of the brief's words ({s.foreign} of {s.words}) are not in "
                    f"{s.language}, over {LIMIT:.0%}",
                    f"translate what it shows in translations/{s.language}.yaml "
                    "(check lists what is missing)",
                    severity="warning",
                )
            )
    return problems

"""``briefpress check``: validate data and briefs without rendering anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefpress import editions
from briefpress.checks.affects import blocked, everywhere
from briefpress.checks.validate import validate_project
from briefpress.cli.app import Context, cli
from briefpress.cli.jsonout import emit, problem_json
from briefpress.core.errors import Location, Problem
from briefpress.data.load import Project, load_project

if TYPE_CHECKING:
    from briefpress.checks.foreign import LanguageShare


@cli.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The report as .txt, .pdf or .docx: verify every verbatim field against it.",
)
@click.option(
    "--languages",
    is_flag=True,
    help="Print, for each brief in another language, the share of its words not in it.",
)
@click.option(
    "--pdf",
    "pdf",
    is_flag=True,
    help="Also preflight the built PDFs: PDF/UA-1 (screen), PDF/X-4 (print), page fill.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (docs/cli-json.md)."
)
@click.pass_obj
def check_cmd(
    obj: Context, strict: bool, against: Path | None, languages: bool, pdf: bool, as_json: bool
) -> None:
    """Validate report data and every brief without building PDFs (--pdf: and the built ones)."""
    project = load_project(obj.project)
    problems, shares, building = find_problems(project, against, pdf)
    failing = [p for p in problems if p.is_error or strict]
    stops = briefs_stopped(project, [p for p in building if p.is_error or strict])
    quotes = sum(len(d.quotes) for d in project.reports.values())
    if as_json:
        emit(
            {
                "ok": not failing,
                "problems": [
                    {**problem_json(p), **({"stops": stops[p][0]} if p in stops else {})}
                    for p in problems
                ],
                "reports": len(project.reports),
                "quotes": quotes,
                "briefs": sorted(project.briefs),
                "languages": [{**vars(share), "share": round(share.share, 4)} for share in shares],
            }
        )
        if failing:
            sys.exit(1)
        return
    for problem in problems:
        click.echo(str(problem), err=True)
        if problem in stops:
            click.echo(f"  {stops[problem][1]}", err=True)
    if failing:
        click.echo(f"{len(failing)} problem(s) found.", err=True)
        sys.exit(1)
    if languages:
        # One column for the ids, as wide as the longest, so the figures line up.
        width = max((len(share.brief) for share in shares), default=0)
        for share in shares:
            click.echo(
                f"{share.brief:<{width}} {share.language:<6} {share.share:6.1%} not in its language"
                f" ({share.foreign} of {share.words} words)"
            )
    obj.say(
        f"ok: {len(project.reports)} report(s), {quotes} quotes, {len(project.briefs)} briefs"
        + (f", verbatim fields match {against.name}" if against else "")
    )


def briefs_stopped(project: Project, gate: list[Problem]) -> dict[Problem, tuple[list[str], str]]:
    """For each problem ``build`` would stop at, the briefs it would keep from building,
    and a line saying so: a bad record stops only the briefs that show it."""
    stopped = blocked(project, gate)
    every = everywhere(project, gate)
    found = {}
    for problem in gate:
        ids = sorted(bid for bid, mine in stopped.items() if problem in mine)
        if problem in every:
            line = "stops every brief"
        else:
            line = f"stops {', '.join(ids)}" if ids else "stops no brief: none shows it"
        found[problem] = (ids, line)
    return found


def find_problems(
    project: Project, against: Path | None, pdf: bool
) -> tuple[list[Problem], list[LanguageShare], list[Problem]]:
    """Every problem ``check`` reports, the language share of each translated brief
    (measured only when nothing is wrong, since measuring renders every brief), and the
    problems ``build`` itself would find."""
    problems = validate_project(project)
    building = list(problems)
    if pdf:
        problems.extend(preflight_built(project))
    if against is not None:
        from briefpress.checks.language import check_verbatim

        problems.extend(check_verbatim(project, against))
    from briefpress.checks.drafts import check_drafts
    from briefpress.checks.language import check_language, check_translations

    problems.extend(check_language(project))
    problems.extend(check_translations(project))
    problems.extend(check_drafts(project))
    from briefpress import channels

    for channel in channels.registry().values():
        problems.extend(channel.config_problems(project))
    shares: list[LanguageShare] = []
    if not any(p.is_error for p in problems):
        from briefpress.render.measure import language_shares, share_problems

        shares = list(language_shares(project))
        problems.extend(share_problems(shares, project))
    return problems, shares, building


def preflight_built(project: Project) -> list[Problem]:
    """Preflight every PDF the project's briefs have been built to (either edition)."""
    from briefpress.pdf.preflight import preflight_file

    problems: list[Problem] = []
    for brief_id, brief in sorted(project.briefs.items()):
        for edition in editions.registry().values():
            path = edition.output(project.out_dir, brief_id)
            if edition.preflight is not None and path.is_file():
                found = preflight_file(path, edition.preflight, brief.min_pages is not None)
                problems += [
                    Problem(Location(project.display(path)), p.message, severity=p.severity)
                    for p in found
                ]
    return problems

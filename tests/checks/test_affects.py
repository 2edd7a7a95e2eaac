"""Which briefs a problem in a report's data stops."""

from __future__ import annotations

from pathlib import Path

from briefpress.checks.affects import blocked, everywhere, record_at, stopping
from briefpress.checks.validate import validate_project
from briefpress.core.errors import Location, Problem
from briefpress.data.load import load_project


def stopped(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    project = load_project(root)
    return {
        brief_id: [p.message for p in stopping(project, brief, problems)]
        for brief_id, brief in project.briefs.items()
    }


def test_a_problem_in_a_record_stops_the_briefs_that_show_it(project: Path) -> None:
    quotes = project / "reports/mini-report/quotes.yaml"
    quotes.write_text(quotes.read_text().replace("themes: [policing]", "themes: [prisons]", 1))
    loaded = load_project(project)
    errors = [p for p in validate_project(loaded) if p.is_error]
    assert record_at(loaded.reports["mini-report"], errors[0]) == ("quotes", "q41-01")
    found = stopped(project, errors)
    assert found["arcadia"] and not found["fines"]


def test_other_problems_stop_every_brief_they_may_reach(project: Path) -> None:
    place = Problem(Location("reports/mini-report/countries.yaml", 3, 5), "a bad place")
    config = Problem(Location("briefpress.yaml", 2, 1), "a bad colour")
    other = Problem(Location("reports/another/quotes.yaml", 3, 5), "another report's")
    found = stopped(project, [place, config, other])
    assert found["arcadia"] == found["fines"] == ["a bad place", "a bad colour"]


def test_a_briefs_own_problem_stops_it_alone_and_the_projects_stop_all(project: Path) -> None:
    loaded = load_project(project)
    own = Problem(Location("briefs/fines.yaml", 4, 1), "an unknown theme")
    quote = Problem(Location("reports/mini-report/quotes.yaml", 10, 13), "a bad quote")
    config = Problem(Location("briefpress.yaml", 2, 1), "a bad colour")
    assert everywhere(loaded, [own, quote]) == []
    assert blocked(loaded, [own, quote]) == {"arcadia": [quote], "fines": [own]}
    assert everywhere(loaded, [own, config]) == [config]
    assert blocked(loaded, [config]) == {"arcadia": [config], "fines": [config]}

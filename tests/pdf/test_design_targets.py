"""The designer's targets (pdf/design.py, `make check-design`) held by briefs built from both
fixture reports, in both editions: pages full (the last at least half), a readable measure,
words whole in the text layer, no grey type in print, figures described by their data, no
words over words. A few briefs of different shapes, to keep the test quick."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefpress import editions
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.pdf import fit
from briefpress.pdf.design import measure, misses
from briefpress.render.html import render_brief
from conftest import run_cli

pytest.importorskip("weasyprint")


def built_misses(root: Path, briefs: list[str]) -> dict[str, list[str]]:
    """Each built PDF's misses, by brief and edition, after building ``briefs``."""
    result = run_cli(["-C", str(root), "build", *briefs, "--edition", "all", "-j", "1"])
    assert result.code == 0, result.out + result.err
    project = load_project(root)
    brand = project.config.brand
    names = tuple(n for n in (brand.organisation, brand.short) if n)
    found = {}
    for brief_id in briefs:
        for ed in editions.pdf_editions():
            facts = measure(ed.output(project.out_dir, brief_id).read_bytes(),
                            ed.medium.prepress, names)  # fmt: skip
            assert facts.fills, f"{brief_id} {ed.name}: no pages measured"
            problems = misses(facts, project.briefs[brief_id].kind)
            found[f"{brief_id} {ed.name}"] = [
                p.replace(f"page {len(facts.fills)} ", "last page ", 1) for p in problems
            ]
    return found


def held(found: dict[str, list[str]], root: Path) -> dict[str, list[str]]:
    """The misses, less a short last page of a brief that had nothing fill to fit could
    leave out: its content runs a little over a page (the fixtures' reports are small),
    and the measure counts the room above the back matter at the page's foot as empty."""
    project = load_project(root, None)
    left: dict[str, list[str]] = {}
    for name, problems in found.items():
        brief = project.briefs[name.split()[0]]
        fixed = not fit.droppable(render_brief(brief, project, medium("screen")).html)
        left[name] = [p for p in problems if not (fixed and p.startswith("last page "))]
    return left


def test_cities_briefs_meet_the_targets(cities: Path) -> None:
    found = built_misses(cities, ["kestrel-bay", "letter"])
    assert held(found, cities) == {name: [] for name in found}


def test_project_briefs_meet_the_targets(project: Path) -> None:
    found = built_misses(project, ["arcadia", "fines"])
    assert held(found, project) == {name: [] for name in found}

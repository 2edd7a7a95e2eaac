"""`layout:` in briefpress.yaml or a brief's spec names one of the theme's looks, and the
brief's page carries it for the theme's sheets."""

from __future__ import annotations

from pathlib import Path

from briefpress.checks.brand import check_layouts
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.render.html import render_brief


def test_an_unknown_layout_is_refused_where_it_is_written(project: Path) -> None:
    config = project / "briefpress.yaml"
    before = config.read_text(encoding="utf-8") if config.exists() else ""
    config.write_text(before + "\nlayout: glossy\n", "utf-8")
    problems = check_layouts(load_project(project))
    assert len(problems) == 1
    assert "glossy" in problems[0].message and "magazine" in (problems[0].hint or "")


def test_a_brief_may_choose_its_own_layout(project: Path) -> None:
    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "layout: magazine\n", "utf-8")
    loaded = load_project(project)
    assert not check_layouts(loaded)
    html = render_brief(loaded.briefs["arcadia"], loaded, medium("screen")).html
    assert "layout-magazine" in html

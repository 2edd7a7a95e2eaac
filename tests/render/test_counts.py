"""Counts printed in a brief's headings agree with their number: one place is "country",
not "countries", in the heading and in the page of contents that leads to it."""

from __future__ import annotations

from pathlib import Path

from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.render.html import make_environment, render_brief


def test_voices_from_one_place_name_it_in_the_singular(project: Path) -> None:
    loaded = load_project(project)
    html = render_brief(
        loaded.briefs["fines"], loaded, medium("screen"), make_environment(project)
    ).html
    assert html.count("Voices from 1 country<") == 2, "heading and contents"
    assert "Voices from 1 countries" not in html

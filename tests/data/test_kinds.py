"""The kind registry: each kind is one module in data/kinds/ with its template and
stylesheet in the theme, and everything that differs by kind is read from it."""

from __future__ import annotations

from briefpress.core.assets import THEME_STYLES, THEME_TEMPLATES
from briefpress.data import kinds
from briefpress.data.model import BriefSpec


def test_every_kind_has_its_template_and_stylesheet_in_the_theme() -> None:
    assert set(kinds.names()) == {"country", "theme", "overview", "handout", "letter"}
    for kind in kinds.registry().values():
        assert (THEME_TEMPLATES / kind.template_name).is_file(), kind.name
        assert (THEME_STYLES / kind.stylesheet_name).is_file(), kind.name
        assert kind.page_budget >= 1 and kind.label


def test_the_page_budget_is_the_specs_or_the_kinds() -> None:
    handout = BriefSpec(id="h", report="r", kind="handout", title="H")
    assert kinds.page_budget(handout) == 1
    assert (
        kinds.page_budget(BriefSpec(id="h", report="r", kind="handout", title="H", max_pages=2))
        == 2
    )
    assert kinds.page_budget(BriefSpec(id="x", report="r", kind="unknown", title="X")) is None

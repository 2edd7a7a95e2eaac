"""Towns no gazetteer knows are drafted as places of their own, listed once for review.

The harvest fixture's countries and towns are invented: the import cannot tell a town's
country, so each town becomes a place (the quotes and the organisations there keyed to
it), every quote keeps its town as its ``location``, and REVIEW.md asks once per town to
merge it into its place; a town so declared is no longer taken for a person's name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from briefpress.data.load import load_project
from briefpress.importer import import_report
from briefpress.importer.draft import TOWN_NOTE
from briefpress.scaffold.init import init_project

sys.path.insert(0, str(Path(__file__).parents[1] / "fixtures" / "import"))
import make_shapes

TOWNS = {
    "Vessly Ford",
    "Marrowick",
    "Tallowmere",
    "Oskavel",
    "Druvenna",
    "Pellinor",
    "Quenby Hollow",
}


def test_unknown_towns_become_places_to_merge(tmp_path: Path) -> None:
    root = tmp_path / "project"
    init_project(root, "Harvest Rights Network")
    source = make_shapes.make_txt("harvest", tmp_path / "harvest.txt")
    result = import_report(source, root, "harvest")
    folder = root / "reports/harvest"
    places = yaml.safe_load((folder / "countries.yaml").read_text("utf-8"))["countries"]
    assert {p["name"] for p in places} == TOWNS
    quotes = yaml.safe_load((folder / "quotes.yaml").read_text("utf-8"))["quotes"]
    ids = {p["name"]: p["id"] for p in places}
    assert all(q["country"] == ids[q["location"]] for q in quotes)
    assert {q["location"] for q in quotes} == TOWNS
    review = (folder / "REVIEW.md").read_text("utf-8")
    assert review.count(TOWN_NOTE) == len(TOWNS)  # once a town, though Oskavel speaks twice
    assert "no country could be told" not in review
    assert "personal name" not in review  # Vessly Ford is a declared place, not a person
    assert not result.mismatches
    project = load_project(root)
    assert "harvest" in project.reports

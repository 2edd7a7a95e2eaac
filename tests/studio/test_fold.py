"""Towns folded into a place: every file of the report re-keyed in one step, undone as one.

The harvest fixture's towns are invented, so the import drafts each as a place of its
own; here they also appear in a finding, a place's facts, the methodology's respondents
by place and a brief, as a person would have written them before folding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from briefpress.importer import import_report
from briefpress.scaffold.init import init_project
from briefpress.studio import fold, records
from briefpress.studio.store import Conflict, ProjectFiles

sys.path.insert(0, str(Path(__file__).parents[1] / "fixtures" / "import"))
import make_shapes

REPORT = "reports/harvest"
FINDING = """findings:
  - id: heat-kills
    headline: Work goes on in dangerous heat  # ours
    text: "Across the three countries, workers named the same problems: pay held back,
      crowded housing and work in dangerous heat."
    section: "2"
    countries: [oskavel, druvenna, marrowick]
    quotes: []
"""
FACTS = """    facts:
      - id: greenhouses
        label: Greenhouses
        value: "40 degrees in July"
        evidence: "At two in the afternoon it was forty degrees in the greenhouse."
        section: "2.2"
"""

METHODOLOGY = """  methodology:
    interviews: 9
    respondents: 9
    respondents_by_country: {oskavel: 2, druvenna: 1, pellinor: 1}
    evidence: "We spoke with seasonal farmworkers and the organisations that support them"
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project with the harvest report imported, and its towns named elsewhere."""
    folder = tmp_path_factory.mktemp("fold")
    root = folder / "project"
    init_project(root, "Harvest Rights Network")
    source = make_shapes.make_txt("harvest", folder / "harvest.txt")
    import_report(source, root, "harvest")
    (root / REPORT / "findings.yaml").write_text(FINDING, encoding="utf-8")
    places = root / REPORT / "countries.yaml"
    text = places.read_text(encoding="utf-8")
    at = text.index('    summary: "TO WRITE"', text.index('id: "oskavel"'))
    places.write_text(text[:at] + FACTS + text[at:], encoding="utf-8")
    with (root / REPORT / "report.yaml").open("a", encoding="utf-8") as report:
        report.write(METHODOLOGY)
    brief = "report: harvest\nkind: country\nplace: oskavel\ntitle: Oskavel\n"
    (root / "briefs" / "oskavel.yaml").write_text(brief, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, str]:
    paths = [*root.glob(f"{REPORT}/*"), *root.glob("briefs/*.yaml")]
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in paths}


def test_towns_in_every_file_are_folded_in_one_step_and_undone_as_one(
    imported: Path, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(imported, root)
    files = ProjectFiles(root)
    before = snapshot(root)
    names = {t["id"]: t["name"] for t in fold.towns_to_fold(files, "harvest")}
    assert {"oskavel", "druvenna", "pellinor", "vessly-ford"} <= set(names)
    assert names["quenby-hollow"] == "Quenby Hollow"

    done = fold.fold(files, "harvest", ["oskavel", "druvenna"], None, "Estrenia")
    assert done["place"] == "estrenia"
    after = snapshot(root)
    changed = {f for f in after if after[f] != before[f]}
    assert changed == {
        f"{REPORT}/countries.yaml",
        f"{REPORT}/quotes.yaml",
        f"{REPORT}/organisations.yaml",
        f"{REPORT}/findings.yaml",
        f"{REPORT}/REVIEW.md",
        f"{REPORT}/report.yaml",
        "briefs/oskavel.yaml",
    }
    assert "respondents_by_country: {pellinor: 1, estrenia: 3}" in after[f"{REPORT}/report.yaml"]
    quotes = after[f"{REPORT}/quotes.yaml"]
    assert quotes.count('country: "estrenia"') == 4
    assert 'oskavel"' not in quotes.replace('location: "Oskavel"', "")
    assert 'location: "Druvenna"' in quotes  # each quote keeps its town, as printed
    assert "countries: [estrenia, marrowick]" in after[f"{REPORT}/findings.yaml"]
    assert "place: estrenia" in after["briefs/oskavel.yaml"]
    places = after[f"{REPORT}/countries.yaml"]
    assert 'id: "oskavel"' not in places and 'id: "druvenna"' not in places
    assert "id: greenhouses" in places.split("id: estrenia")[1].split("  - id:")[0]
    review = after[f"{REPORT}/REVIEW.md"]
    assert "- [x] **countries.yaml (oskavel)**" in review
    assert "- [ ] **countries.yaml (pellinor)**" in review
    # The organisation that was in Oskavel is in Estrenia, so its Druvenna quote is too:
    _, problems = records.load(root)
    assert not [p for p in problems if p.is_error and "harvest" in p.location.file]
    assert files.undo[-1].what == "merged Oskavel, Druvenna into Estrenia"

    # An existing place as the target; then undo puts every file back, newest first.
    fold.fold(files, "harvest", ["pellinor"], None, "Corvania")
    fold.fold(files, "harvest", ["quenby-hollow"], "corvania", None)
    assert files.undo[-1].what == "merged Quenby Hollow into Corvania"
    # Quenby Hollow is no place any more, but still its quote's location: not a person's name
    _, problems = records.load(root)
    assert not [p for p in problems if p.is_error and "harvest" in p.location.file]
    for _ in range(3):
        files.undo_last()
    assert snapshot(root) == before


def test_a_fold_that_would_break_something_or_meets_a_changed_file_writes_nothing(
    imported: Path, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(imported, root)
    files = ProjectFiles(root)
    before = snapshot(root)
    for towns, into, name, field in [
        ([], None, "Estrenia", "towns"),
        (["oskavel"], None, None, "name"),
        (["oskavel"], "oskavel", None, "into"),
        (["oskavel"], None, "Marrowick", "name"),  # a place of that id exists
        (["atlantis"], None, "Estrenia", "towns"),
    ]:
        with pytest.raises(records.Invalid) as refused:
            fold.fold(files, "harvest", towns, into, name)
        assert refused.value.problems[0]["field"] == field
    # Oskavel's organisation also speaks in Druvenna: folding Oskavel alone into
    # Valdoria's towns would put the organisation in another place than its quote.
    with pytest.raises(records.Invalid):
        fold.fold(files, "harvest", ["oskavel"], "marrowick", None)
    stale = {f"{REPORT}/quotes.yaml": "0" * 20}
    with pytest.raises(Conflict):
        fold.fold(files, "harvest", ["pellinor"], None, "Corvania", stale)
    assert snapshot(root) == before
    assert files.undo == []

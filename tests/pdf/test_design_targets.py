"""The designer's targets (pdf/design.py, `make check-design`) held by briefs built from both
fixture reports, in both editions: pages full (the last at least half), a readable measure,
words whole in the text layer, no grey type in print, figures described by their data, no
words over words. A few briefs of different shapes, to keep the test quick."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefpress import editions
from briefpress.data.load import load_project
from briefpress.pdf.design import measure, misses
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
            found[f"{brief_id} {ed.name}"] = problems
    return found


def test_cities_briefs_meet_the_targets(cities: Path) -> None:
    found = built_misses(cities, ["kestrel-bay", "letter"])
    assert found == {name: [] for name in found}


def test_project_briefs_meet_the_targets(project: Path) -> None:
    found = built_misses(project, ["arcadia", "fines"])
    assert found == {name: [] for name in found}


def test_a_brief_of_a_page_and_a_bit_is_set_on_one_page(project: Path) -> None:
    """Arcadia's content runs a few lines over a page: it is set on one page, without
    its page of contents and without its cover line, which the first finding repeats."""
    import pypdfium2

    found = built_misses(project, ["arcadia"])
    assert found == {name: [] for name in found}
    pdf = pypdfium2.PdfDocument(project / "out" / "arcadia.pdf")
    assert len(pdf) == 1
    text = " ".join(str(pdf[0].get_textpage().get_text_range()).split())
    assert text.count("Policing became less harsh once sanctions were removed.") == 1
    assert "Recommendations" in text and "Suggested citation" in text

"""Starting out: ``init`` a project, ``new`` briefs in it, ``new-language`` catalogs."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli


def briefpress(root: Path, *args: str) -> tuple[int, str]:
    result = run_cli(["-C", str(root), *args])
    return result.code, result.output


def test_init_makes_a_project_that_checks_and_builds(tmp_path: Path) -> None:
    root = tmp_path / "new"
    code, out = briefpress(tmp_path, "init", str(root), "--organisation", 'Harbour "Peer" Network')
    assert code == 0, out
    for name in (".gitignore", "README.md", "briefpress.yaml", "reports/my-report/report.yaml"):
        assert (root / name).is_file(), name
    kinds = {p.read_text().split("kind: ")[1].split()[0] for p in (root / "briefs").glob("*")}
    assert kinds == {"country", "theme", "handout", "letter", "overview"}
    code, out = briefpress(root, "check", "--strict")
    assert code == 0, out
    code, out = briefpress(root, "build", "first-city", "letter")
    assert code == 0, out
    assert 'Harbour "Peer" Network' in (root / "briefpress.yaml").read_text().replace("\\", "")


def test_init_refuses_a_name_with_control_characters(tmp_path: Path) -> None:
    """A name pasted with a control character once wrote a project YAML refuses to load."""
    root = tmp_path / "new"
    code, out = briefpress(tmp_path, "init", str(root), "--organisation", "Harbour\x07 Network")
    assert code == 1 and "--organisation: error:" in out and "U+0007" in out
    assert not root.exists()


def test_a_stylesheet_name_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    """Every brief links every file of styles/ by name: one that is not UTF-8 text once
    ended the build in an internal error."""
    root = tmp_path / "new"
    assert briefpress(tmp_path, "init", str(root))[0] == 0
    (root / "styles").mkdir(exist_ok=True)
    (root / "styles" / "bad\udcff.css").write_text("p { }")  # the name b"bad\xff.css"
    code, out = briefpress(root, "build", "letter")
    assert code == 1, out
    assert "styles/bad\ufffd.css: error:" in out and "not valid UTF-8" in out
    assert "internal error" not in out


def test_init_overwrites_nothing(tmp_path: Path) -> None:
    (tmp_path / "briefpress.yaml").write_text("brand: {organisation: Mine}\n")
    code, out = briefpress(tmp_path, "init")
    assert code == 1 and "briefpress.yaml: error: exists already" in out
    assert (tmp_path / "briefpress.yaml").read_text() == "brand: {organisation: Mine}\n"


def test_outside_a_project_the_error_names_init(tmp_path: Path) -> None:
    code, out = briefpress(tmp_path, "build")
    assert code == 1 and "briefpress init" in out


def test_new_briefs_take_their_words_from_the_project(cities: Path) -> None:
    for kind in ("handout", "letter", "country", "overview", "theme"):
        code, out = briefpress(cities, "new", kind, f"new-{kind}")
        assert code == 0, out
        spec = (cities / "briefs" / f"new-{kind}.yaml").read_text()
        assert "decriminalis" not in spec and 'briefpress"' not in spec
    handout = (cities / "briefs" / "new-handout.yaml").read_text()
    assert "Pharmacies in two cities turned people away" in handout  # the report's finding
    assert "Lantern Harm Reduction Alliance" in (cities / "briefs" / "new-letter.yaml").read_text()
    code, out = briefpress(cities, "check", "--strict")
    assert code == 0, out
    code, out = briefpress(cities, "build", "new-handout")
    assert code == 0, out


def test_new_refuses_an_id_that_is_a_path(cities: Path) -> None:
    for bad in ("../escape", "a/b", "Upper", "x.yaml"):
        code, out = briefpress(cities, "new", "theme", bad)
        assert code == 1 and "is not a brief id" in out, (bad, out)
    assert not (cities / "escape.yaml").exists()


def test_an_interface_language_from_the_project_folder(cities: Path) -> None:
    brief = cities / "briefs" / "pharmacies.yaml"
    brief.write_text(brief.read_text() + "language: fr\n")
    code, out = briefpress(cities, "check")
    assert "no interface translation for 'fr'" in out and "new-language fr" in out
    code, out = briefpress(cities, "new-language", "fr")
    assert code == 0, out
    catalog = cities / "locale" / "fr" / "LC_MESSAGES" / "briefpress.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        text.replace('msgid "Key findings"\nmsgstr ""', 'msgid "Key findings"\nmsgstr "Constats"'),
        encoding="utf-8",
    )
    code, out = briefpress(cities, "check")
    assert "no interface translation" not in out, out
    code, out = briefpress(cities, "build", "pharmacies", "--html")
    assert code == 0, out
    assert ">Constats</h2>" in (cities / "out" / "pharmacies.html").read_text(encoding="utf-8")
    code, out = briefpress(cities, "new-language", "fr")
    assert code == 1 and "exists already" in out


MINIMAL = {
    "reports/tiny/report.yaml": (
        "report:\n  id: tiny\n  title: Tiny Report\n"
        "  publisher: {short: TR, name: Tiny Reporters}\n"
        '  year: 2025\n  sections: [{id: "1", title: Voices}]\n'
    ),
    "reports/tiny/places.yaml": "places:\n  - {id: upriver, name: Upriver}\n",
    "reports/tiny/quotes.yaml": (
        "quotes:\n  - {id: q1, order: 1, text: We were heard., place: upriver,\n"
        '     attribution: "Respondent [Upriver]", section: "1"}\n'
    ),
    "briefs/upriver.yaml": "report: tiny\nkind: country\ntitle: Upriver\nplace: upriver\n",
}


def test_the_minimal_report_of_the_docs_checks_and_builds(tmp_path: Path) -> None:
    """docs/data-model.md: four files and nineteen fields are a report that builds."""
    for name, text in MINIMAL.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out = briefpress(tmp_path, "check", "--strict")
    assert code == 0, out
    code, out = briefpress(tmp_path, "build", "--html")
    assert code == 0, out
    page = (tmp_path / "out" / "upriver.html").read_text(encoding="utf-8")
    assert "We were heard." in page and "Country brief" in page


def test_a_letter_without_a_brand_is_signed_by_the_publisher(cities: Path) -> None:
    (cities / "briefpress.yaml").unlink()
    code, out = briefpress(cities, "new", "letter", "unbranded")
    assert code == 0, out
    spec = (cities / "briefs" / "unbranded.yaml").read_text(encoding="utf-8")
    assert 'organisation: "Lantern Harm Reduction Alliance"' in spec
    assert '"briefpress"' not in spec

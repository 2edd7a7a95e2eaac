"""``out/index.html``: a static gallery of every brief, written by a full build."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from briefpress.build.thumbs import THUMB_WIDTH
from conftest import Result

Cli = Callable[..., Result]


class Links(HTMLParser):
    """Every href and src in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def test_a_full_build_writes_a_gallery_that_works_from_disk(project: Path, cli: Cli) -> None:
    assert cli("build", "--edition", "all").code == 0
    index = project / "out/index.html"
    html = index.read_text()
    assert "Arcadia: no sanctions" in html and "Fines" in html
    assert "Country brief" in html and "Theme brief" in html and html.count(">Built<") == 2
    targets = {urlsplit(link).path for link in links(index)}
    for expected in ("arcadia.pdf", "print/arcadia.pdf", "thumbs/fines.png", "index.html"):
        assert expected in targets
    for target in targets:  # every link is relative and leads to a file in out/
        assert not target.startswith(("/", "http")), target
        assert (project / "out" / target).is_file(), target


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_thumbnails_are_the_first_pages(project: Path) -> None:
    for brief_id in ("arcadia", "fines"):
        with Image.open(project / f"out/thumbs/{brief_id}.png") as image:
            assert image.format == "PNG" and image.width == THUMB_WIDTH
            assert 1.3 < image.height / image.width < 1.5  # an A4 page
            darkest, _ = image.convert("L").getextrema()
            assert isinstance(darkest, int) and darkest < 100  # not blank: there is ink


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_thumbnails_are_only_rendered_again_when_the_pdf_changed(project: Path, cli: Cli) -> None:
    thumbs = project / "out/thumbs"
    before = {p.name: p.stat().st_mtime_ns for p in thumbs.glob("*.png")}
    cli("build")
    assert {p.name: p.stat().st_mtime_ns for p in thumbs.glob("*.png")} == before
    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text().replace("no sanctions", "sanctions gone"))
    cli("build")
    after = {p.name: p.stat().st_mtime_ns for p in thumbs.glob("*.png")}
    assert after["fines.png"] == before["fines.png"]
    assert after["arcadia.png"] != before["arcadia.png"]
    assert "Arcadia: sanctions gone" in (project / "out/index.html").read_text()


def test_building_some_briefs_leaves_the_gallery_alone(project: Path, cli: Cli) -> None:
    assert cli("build", "arcadia").code == 0
    assert not (project / "out/index.html").exists()


def test_a_failed_brief_is_shown_as_failed(project: Path, cli: Cli) -> None:
    (project / "briefs/fines.yaml").write_text(
        'report: mini-report\nkind: theme\ntitle: "Fines"\ntheme: fines\nmax_pages: 1\n'
    )
    result = cli("build")
    assert result.code == 1
    html = (project / "out/index.html").read_text()
    assert "1 failed" in html and ">Failed<" in html and "briefs/fines.yaml" in html

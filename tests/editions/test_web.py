"""The web edition: ``build --edition web`` makes a site that is valid HTML, shows the
data's own words, says its language, needs no script and no network, and passes an
axe-core scan in Chromium (when axe-core and Chromium are on the machine)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest

import chromium
from briefpress.core.i18n import Language
from briefpress.data.load import load_project
from briefpress.data.translations import localise
from conftest import CITIES, FIXTURE, run_cli

XHTML = "{http://www.w3.org/1999/xhtml}"
AXE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "briefpress/axe-core/axe.min.js"
)
PUBLISHED = "https://briefs.example.org/cities"
SPANISH = """\
quotes:
  q41-01:
    text: "Los agentes de policía ya no son tan agresivos ni tan duros como antes."
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Both fixture projects built in the web edition, one brief in Spanish."""
    roots = []
    for source in (FIXTURE, CITIES):
        root = tmp_path_factory.mktemp("web") / source.name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("out"))
        roots.append(root)
    arcadia = roots[0] / "briefs/arcadia.yaml"
    arcadia.write_text(arcadia.read_text(encoding="utf-8") + "language: es\n", encoding="utf-8")
    translations = roots[0] / "reports/mini-report/translations"
    translations.mkdir()
    (translations / "es.yaml").write_text(SPANISH, encoding="utf-8")
    config = roots[1] / "briefpress.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"web_url: {PUBLISHED}\n", "utf-8")
    for root in roots:
        result = run_cli(["-C", str(root), "build", "--edition", "web"])
        assert result.code == 0, result.output
    return roots


def pages(root: Path) -> list[Path]:
    return sorted((root / "out/web").glob("*.html"))


def parse(path: Path) -> Element:
    """The page as html5lib reads it, failing on any parse error (strict mode)."""
    parser = html5lib.HTMLParser(strict=True)
    return parser.parse(path.read_bytes())


def text(element: Element) -> str:
    return "".join(element.itertext())


def check_pages_and_index(root: Path) -> None:
    briefs = {p.stem for p in (root / "briefs").glob("*.yaml")}
    site = root / "out/web"
    assert {p.stem for p in pages(root)} == briefs | {"index"}
    index = parse(site / "index.html")
    links = {a.get("href") for a in index.iter(f"{XHTML}a")}
    assert {f"{b}.html" for b in briefs} <= links
    assert {f"pdf/{b}.pdf" for b in briefs} <= links
    for brief in briefs:  # the screen PDF, as built, offered for download
        offered = (site / "pdf" / f"{brief}.pdf").read_bytes()
        assert offered == (root / "out" / f"{brief}.pdf").read_bytes()


def check_valid_and_labelled(root: Path) -> None:
    for page in pages(root):
        tree = parse(page)  # raises on the first HTML error
        html = tree if tree.tag == f"{XHTML}html" else tree.find(f"{XHTML}html")
        assert html is not None
        assert html.get("dir") in ("ltr", "rtl") and html.get("lang")
        assert not list(tree.iter(f"{XHTML}script")), f"{page.name} needs JavaScript"
        for image in tree.iter(f"{XHTML}img"):
            assert image.get("alt") is not None, f"{page.name}: an image without alt"


def check_quotes(root: Path) -> int:
    """Every quote a page shows is the data's text in the brief's language, whole."""
    checked = 0
    project = load_project(root)
    for brief in project.briefs.values():
        data = localise(project.reports[brief.report], brief.language)
        page = parse(root / "out/web" / f"{brief.id}.html")
        for figure in page.iter(f"{XHTML}figure"):
            if not (figure.get("id") or "").startswith("quote-"):
                continue
            quote = data.quotes[figure.get("id", "")[len("quote-") :]]
            shown = figure.find(f"{XHTML}blockquote")
            assert shown is not None
            paragraphs = [text(p) for p in shown.iter(f"{XHTML}p")]
            assert "\n\n".join(paragraphs) == str(quote.text), (brief.id, quote.id)
            checked += 1
    return checked


def local_targets(tree: Element) -> list[str]:
    found = []
    for element in tree.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and not urlsplit(value).scheme and not value.startswith("#"):
                found.append(unquote(urlsplit(value).path))
    for meta in tree.iter(f"{XHTML}meta"):
        content = meta.get("content", "")
        if meta.get("property") == "og:image" and not urlsplit(content).scheme:
            found.append(content)
    return found


CSS_LINK = re.compile(r"""(?:url\(|@import\s+)['"]?([^'")\s;]+)""")


def check_from_disk(root: Path) -> None:
    """Every local link and picture, and each stylesheet's imports and fonts, is a file
    inside out/web/: the folder can be zipped, opened or uploaded as it is."""
    site = (root / "out/web").resolve()
    linked = [(page, target) for page in pages(root) for target in local_targets(parse(page))]
    for sheet in site.rglob("*.css"):
        linked += [(sheet, t) for t in CSS_LINK.findall(sheet.read_text(encoding="utf-8"))]
    for source, target in linked:
        path = (source.parent / target).resolve()
        assert path.is_relative_to(site), f"{source.name} links outside: {target}"
        assert path.is_file(), f"{source.name} links a missing {target}"
    for page in pages(root):
        metas = {m.get("property"): m.get("content") for m in parse(page).iter(f"{XHTML}meta")}
        if page.stem != "index":
            assert metas["og:title"] and metas["og:description"] and metas["og:image"]


def test_every_brief_has_a_page_and_the_index_links_them(sites: list[Path]) -> None:
    for root in sites:
        check_pages_and_index(root)
        gallery = (root / "out/index.html").read_text(encoding="utf-8")  # the build's own
        for brief in (root / "briefs").glob("*.yaml"):
            assert f'href="web/{brief.stem}.html"' in gallery


def test_pages_are_valid_and_say_their_language(sites: list[Path]) -> None:
    for root in sites:
        check_valid_and_labelled(root)
    arcadia = parse(sites[0] / "out/web/arcadia.html")
    assert arcadia.get("lang") == "es" and arcadia.get("dir") == "ltr"
    assert Language("ar").direction == "rtl"


def test_every_quote_is_the_datas_own_text(sites: list[Path]) -> None:
    assert sum(check_quotes(root) for root in sites) >= 3
    spanish = (sites[0] / "out/web/arcadia.html").read_text(encoding="utf-8")
    assert "Los agentes de policía ya no son tan agresivos" in spanish


def test_the_site_works_from_disk(sites: list[Path]) -> None:
    for root in sites:
        check_from_disk(root)


def test_social_cards_carry_the_published_address_when_the_project_gives_it(
    sites: list[Path],
) -> None:
    """Social sites read a card's picture only from a whole address: with ``web_url`` the
    cards name it (and the page's own address); without it they stay relative, so the
    folder still works from disk."""
    for root, published in zip(sites, (None, PUBLISHED + "/"), strict=True):
        for page in pages(root):
            if page.stem == "index":
                continue
            metas = {m.get("property"): m.get("content") for m in parse(page).iter(f"{XHTML}meta")}
            if published is None:
                assert metas["og:image"] == f"pdf/{page.stem}.png" and "og:url" not in metas
            else:
                assert metas["og:image"] == f"{published}pdf/{page.stem}.png"
                assert metas["og:url"] == f"{published}{page.stem}.html"


def test_every_shipped_brief_has_its_page(shipped: dict[str, Any]) -> None:
    """The shipped project's site (built by the session's shipped build): every brief's
    page valid, its quotes the data's, the folder whole."""
    root = shipped["root"]
    check_pages_and_index(root)
    check_valid_and_labelled(root)
    assert check_quotes(root) > 0
    check_from_disk(root)


def axe_violations(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in found]


def test_axe_finds_nothing_in_chromium(sites: list[Path]) -> None:
    api = chromium.sync_api()
    if not AXE.is_file():
        pytest.skip("needs axe-core (python scripts/system_deps.py test)")
    with api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            tab = browser.new_page(viewport={"width": 390, "height": 844})
            found = {
                page.name: axe_violations(tab, page.as_uri())
                for root in sites
                for page in pages(root)
            }
        finally:
            browser.close()
    assert not {name: v for name, v in found.items() if v}

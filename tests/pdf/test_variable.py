"""Letters filled from a template (pdf/variable.py) are the letters a whole render makes:
the same pages pixel for pixel, the recipient's text and no one else's, a structure tree
that passes PDF/UA-1 with each part in it once; and a head that does not fit a template
(a personal note, a salutation on two lines, no flow mark) is never put into one."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from briefpress.core.assets import THEME_DIR, publish_theme
from briefpress.core.errors import Location
from briefpress.data.load import Project, load_project
from briefpress.editions import medium
from briefpress.mail.making import FLOW_MARK_HTML, head_of
from briefpress.mail.personal import personalise
from briefpress.mail.recipients import Recipient
from briefpress.pdf.preflight import check_print, check_screen
from briefpress.pdf.tagging import PART_KEY
from briefpress.pdf.variable import Templates, find_parts, flow_point
from briefpress.pdf.weasy import PdfRenderer, SharedStyles
from briefpress.render.html import Rendered, make_environment, render_brief
from conftest import FIXTURE
from pdftree import elements, outline, structure_faults
from sampleletter import LETTER_HEAD

# Two pages: page 2 comes from the template untouched, page 1 is where the parts go.
LETTER = LETTER_HEAD


def save(doc: pikepdf.Pdf) -> bytes:
    """A filled document's bytes (what Templates.fill hands its ``then``)."""
    out = io.BytesIO()
    doc.save(out, deterministic_id=True, compress_streams=False)
    return out.getvalue()


PARAGRAPH = (
    "We write to share what people who use drugs in Arcadia told the study, and what "
    "changed for them once the sanctions for possession were removed."
)
TODAY = dt.date(2021, 1, 1)


def recipient(
    name: str,
    address: str,
    language: str = "en",
    title: str | None = None,
    organisation: str | None = None,
    salutation: str | None = None,
    note: str | None = None,
) -> Recipient:
    return Recipient(
        1, Location(Path("r.csv")), name, title, organisation, address, salutation, language, note
    )


TEMPLATE_EN = recipient("Alex Sample (SAMPLE)", "1 Example Street\nSample City 0000")
OTHERS_EN = {
    "latin": recipient("María Ejemplo (SAMPLE)", "Calle Ejemplo 1\nSan José", title="Diputada"),
    "vietnamese": recipient(
        "Nguyễn Văn Mẫu (SAMPLE)",
        "Số 1 Phố Mẫu\nHà Nội",
        title="Đại biểu Quốc hội",
        organisation="Quốc hội Mẫu",
    ),
    # Seven window lines: the address is printed smaller (window-small).
    "cyrillic-small": recipient(
        "Иван Образцов (SAMPLE)",
        "ул. Образцовая, 1\nкв. 2\nБишкек 720000\nКыргызстан",
        title="Депутат",
        organisation="Образцовый парламент",
    ),
}


@dataclass
class Letters:
    """The letter brief of a fixture project and a warm renderer for it."""

    project: Project
    renderer: PdfRenderer
    shared: dict[tuple[str, str], SharedStyles]

    def rendered(self, who: Recipient, edition: str = "screen") -> Rendered:
        letter = personalise(self.project.briefs["letter"], who, TODAY)
        env = make_environment(self.project.root, letter.language)
        return render_brief(letter, self.project, medium(edition), env)

    def pdf(self, rendered: Rendered) -> bytes:
        """A letter (or its head) as a mailing renders it: marks kept, streams plain."""
        key = (rendered.edition, rendered.brief.language)
        if key not in self.shared:
            self.shared[key] = self.renderer.shared_styles(rendered)
        pdf, _, problems, _html = self.renderer.render(
            rendered, self.shared[key], compress=False, keep_parts=True
        )
        assert not [p for p in problems if p.is_error]
        return pdf

    def whole(self, who: Recipient, edition: str = "screen") -> bytes:
        return self.pdf(self.rendered(who, edition))

    def head(self, who: Recipient, edition: str = "screen") -> bytes:
        head = head_of(self.rendered(who, edition))
        assert head is not None
        return self.pdf(head)

    def templates(self, who: Recipient, edition: str = "screen") -> Templates:
        templates = Templates()
        templates.add(self.whole(who, edition))
        assert templates.items, "the theme's letter makes a usable template"
        return templates


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Letters:
    root = tmp_path_factory.mktemp("variable") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("out"))
    body = "".join(f'    - "{PARAGRAPH}"\n' for _ in range(6))
    (root / "briefs/letter.yaml").write_text(LETTER + body, encoding="utf-8")
    project = load_project(root, ["letter"])
    publish_theme(project.out_dir)
    return Letters(project, PdfRenderer(root, extra_roots=[THEME_DIR]), {})


def filled(templates: Templates, head: bytes) -> tuple[bytes, int]:
    made = templates.fill(head, save)
    assert made is not None, "the head fits its template"
    return made


# --- what the pages show ------------------------------------------------------------------


def page_images(pdf: bytes, folder: Path) -> list[bytes]:
    """Every page rendered by poppler at 100 dpi, as PPM bytes."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder.mkdir()
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "in.pdf", "page"], cwd=folder, check=True)
    return [p.read_bytes() for p in sorted(folder.glob("page-*.ppm"))]


def first_page_text(pdf: bytes, folder: Path) -> str:
    path = folder / "text.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(run.stdout.decode("utf-8").split())


@pytest.mark.parametrize("who", sorted(OTHERS_EN))
def test_a_filled_letter_draws_as_its_whole_render(
    letters: Letters, who: str, tmp_path: Path
) -> None:
    person = OTHERS_EN[who]
    if who == "cyrillic-small":
        assert "window-small" in letters.rendered(person).html
    templates = letters.templates(TEMPLATE_EN)
    made, pages = filled(templates, letters.head(person))
    whole = letters.whole(person)
    expected = page_images(whole, tmp_path / "whole")
    assert len(expected) == pages == 2
    assert page_images(made, tmp_path / "filled") == expected
    text = first_page_text(made, tmp_path)
    for line in [person.name, *person.address.split("\n")]:
        assert line in text
    assert TEMPLATE_EN.name not in text and "Alex Sample" not in text


def test_a_template_in_another_language_fills_alike(letters: Letters, tmp_path: Path) -> None:
    """Vietnamese interface words (date, headings): a template of its own language."""
    template = recipient("Trần Thị Mẫu (SAMPLE)", "Số 2 Phố Mẫu\nHà Nội", language="vi")
    person = recipient("Lê Văn Ví Dụ (SAMPLE)", "Số 3 Đường Mẫu\nHuế", language="vi")
    made, _ = filled(letters.templates(template), letters.head(person))
    assert page_images(made, tmp_path / "filled") == page_images(
        letters.whole(person), tmp_path / "whole"
    )
    text = first_page_text(made, tmp_path)
    assert "Kính gửi Lê Văn Ví Dụ (SAMPLE)" in text and "Trần Thị Mẫu" not in text


def test_a_print_letter_fills_and_passes_pdf_x4(letters: Letters, tmp_path: Path) -> None:
    person = OTHERS_EN["vietnamese"]
    made, _ = filled(letters.templates(TEMPLATE_EN, "print"), letters.head(person, "print"))
    assert page_images(made, tmp_path / "filled") == page_images(
        letters.whole(person, "print"), tmp_path / "whole"
    )
    findings = [str(f) for f in check_print(made)]
    assert findings == [str(f) for f in check_print(letters.whole(person, "print"))]
    assert not [f for f in check_print(made) if f.severity == "error"]
    with pikepdf.open(io.BytesIO(made)) as doc:
        assert structure_faults(doc) == []


# --- the structure tree -------------------------------------------------------------------


def test_a_filled_letter_is_tagged_as_its_whole_render(letters: Letters) -> None:
    person = OTHERS_EN["cyrillic-small"]
    templates = letters.templates(TEMPLATE_EN)
    made, _ = filled(templates, letters.head(person))
    assert check_screen(made) == []
    whole = letters.whole(person)
    with pikepdf.open(io.BytesIO(made)) as doc, pikepdf.open(io.BytesIO(whole)) as plain:
        assert structure_faults(doc) == []
        # The recipient's parts once each, where the whole render has them.
        assert outline(doc) == outline(plain)
        parts = [e for e in elements(plain) if PART_KEY in e]
        assert [str(e.S) for e in parts] == ["/NonStruct", "/P"]
    # A second recipient from the same template: the template is not used up.
    again, _ = filled(templates, letters.head(OTHERS_EN["latin"]))
    with pikepdf.open(io.BytesIO(again)) as doc:
        assert structure_faults(doc) == []


# --- heads that do not fit ------------------------------------------------------------------


def test_a_personal_note_is_not_filled_into_a_letter_without_one(letters: Letters) -> None:
    with_note = recipient("Ana Nota (SAMPLE)", "2 Note Street\nSample City", note="Thank you.")
    without = letters.templates(TEMPLATE_EN)
    assert without.fill(letters.head(with_note), save) is None
    noted = letters.templates(with_note)
    assert noted.fill(letters.head(TEMPLATE_EN), save) is None
    # Kept side by side, each head finds the template of its shape.
    noted.add(letters.whole(TEMPLATE_EN))
    assert noted.fill(letters.head(with_note), save) is not None
    assert noted.fill(letters.head(OTHERS_EN["latin"]), save) is not None


def test_a_salutation_on_two_lines_is_not_filled_into_one_on_one(letters: Letters) -> None:
    long = recipient(
        "Lee Long (SAMPLE)",
        "3 Long Street\nSample City",
        salutation="Dear Honourable Member of Parliament and Chair of the Standing Committee "
        "on Health, Social Protection and Drug Policy of the Sample Republic,",
    )
    head = letters.head(long)
    templates = letters.templates(TEMPLATE_EN)
    with pikepdf.open(io.BytesIO(head)) as doc:
        parts = find_parts(doc)
        assert parts is not None and parts.shape == templates.items[0].shape
        assert flow_point(doc) != templates.items[0].flow  # the body starts a line lower
    assert templates.fill(head, save) is None


def test_a_letter_without_the_flow_mark_is_not_a_template(letters: Letters) -> None:
    rendered = letters.rendered(TEMPLATE_EN)
    assert head_of(rendered) is not None
    unmarked = Rendered(
        rendered.brief,
        rendered.medium,
        rendered.html.replace(FLOW_MARK_HTML, ""),
        rendered.base_dir,
        rendered.selected,
    )
    assert head_of(unmarked) is None
    templates = Templates()
    templates.add(letters.pdf(unmarked))
    assert templates.items == []
    assert templates.fill(letters.head(OTHERS_EN["latin"]), save) is None

"""Templates and data are read only from inside the project or the theme (class 4).

The PDF stage's fetcher already refuses a stylesheet or image outside the project; the
template loader and the YAML loader now apply the same rule after following symbolic
links, and refuse files that are not regular files (a named pipe would hang a build).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefpress.core.assets import THEME_TEMPLATES
from briefpress.core.errors import BriefpressError
from briefpress.data.load import load_project
from briefpress.editions import medium
from briefpress.render.html import make_environment, render_brief

SECRET = "SECRET-OUTSIDE-THE-PROJECT"


def render(project: Path, brief_id: str = "arcadia") -> str:
    loaded = load_project(project)
    assert not [p for p in loaded.problems if p.is_error], loaded.problems
    env = make_environment(project)
    return render_brief(loaded.briefs[brief_id], loaded, medium("screen"), env).html


def problems(project: Path) -> list[str]:
    with pytest.raises(BriefpressError) as caught:
        render(project)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.html"
    secret.parent.mkdir()
    secret.write_text(f"<p>{SECRET}</p>")
    return secret


def overriding_country(project: Path, extra: str) -> None:
    """A project copy of the country template that also includes ``extra``."""
    templates = project / "templates"
    templates.mkdir(exist_ok=True)
    theme = (THEME_TEMPLATES / "country.html.j2").read_text()
    (templates / "country.html.j2").write_text(theme + f'{{% include "{extra}" %}}\n')


def test_an_include_through_a_link_to_outside_is_refused(project: Path, outside: Path) -> None:
    overriding_country(project, "secret.html.j2")
    (project / "templates" / "secret.html.j2").symlink_to(outside)
    found = problems(project)
    assert found == [
        "templates/secret.html.j2: error: template 'secret.html.j2' leads outside the project"
        " (a symbolic link) (templates are read only from the project and the briefpress theme)"
    ]


def test_a_linked_template_folder_and_a_linked_template_are_refused(
    project: Path, outside: Path
) -> None:
    (project / "templates").symlink_to(outside.parent)
    (outside.parent / "country.html.j2").write_text("{{ brief.title }}" + SECRET)
    assert "leads outside the project" in problems(project)[0]


def test_links_inside_the_project_are_fine(project: Path) -> None:
    overriding_country(project, "extra.html.j2")
    (project / "notes").mkdir()
    (project / "notes" / "extra.j2").write_text("<p>INSIDE</p>")
    (project / "templates" / "extra.html.j2").symlink_to(project / "notes" / "extra.j2")
    assert "<p>INSIDE</p>" in render(project)


def test_template_mistakes_are_located_messages(project: Path) -> None:
    overriding_country(project, "bad.html.j2")
    bad = project / "templates" / "bad.html.j2"
    bad.write_bytes(b"<p>\ncaf\xe9</p>")
    assert problems(project) == [
        "templates/bad.html.j2:2: error: template is not UTF-8 text (byte 8) "
        "(save the file as UTF-8)"
    ]
    bad.write_text("<p>\n{{ 1 / 0 }}</p>")
    assert problems(project) == [
        "templates/bad.html.j2:2: error: template 'country.html.j2' failed: "
        "ZeroDivisionError: division by zero"
    ]


def test_data_files_linked_from_outside_are_refused(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere.yaml"
    spec = project / "briefs" / "fines.yaml"
    copy.write_text(spec.read_text())
    spec.unlink()
    spec.symlink_to(copy)
    loaded = load_project(project)
    assert [str(p) for p in loaded.problems] == [
        "briefs/fines.yaml: error: the file is a symbolic link to outside the project "
        "(copy the file into the project instead of linking to it)"
    ]
    assert "fines" not in loaded.briefs and "arcadia" in loaded.briefs


def test_a_named_pipe_or_a_folder_among_the_specs_is_a_message_not_a_hang(
    project: Path,
) -> None:
    os.mkfifo(project / "briefs" / "pipe.yaml")
    (project / "briefs" / "folder.yaml").mkdir()
    code = "from briefpress.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "-C", str(project), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "briefs/folder.yaml: error: cannot read the file: it is a folder, not a file" in (
        done.stderr
    )
    assert "briefs/pipe.yaml: error: cannot read the file: it is a named pipe, not a file" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr

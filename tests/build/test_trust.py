"""What a build trusts under out/: only outputs it recorded, never code, never foreign folders.

Classes 1-3 of the red-team pass: a build writes only into an out/ it owns; nothing
under out/ is loaded as code (the old Jinja bytecode cache was pickled code); an output
is "up to date" only if it is byte for byte the file the cache recorded.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from briefpress.build.cache import CACHE_FILE, BuildCache, cache_name
from briefpress.core.files import OWNER_FILE
from conftest import Result, build_states, run_cli

Cli = Callable[..., Result]
# Builds run with -j1: in this process, so WeasyPrint stays warm from one build to the next.


class Planted:
    """Unpickling this writes a file: proof that code under out/ was run."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (self.proof, "code from out/ ran"))


def test_outputs_are_trusted_only_as_recorded(project: Path, cli: Cli) -> None:
    """A truncated or swapped PDF is rebuilt, never reported up to date."""
    assert build_states(cli("build", "-j1")) == {"arcadia": "built", "fines": "built"}
    out = project / "out"
    arcadia, fines = (out / "arcadia.pdf").read_bytes(), (out / "fines.pdf").read_bytes()
    cache = BuildCache.load(out)
    assert cache.verified(cache_name("arcadia", "screen"), out / "arcadia.pdf")

    (out / "arcadia.pdf").write_bytes(arcadia[: len(arcadia) // 2])  # truncated
    (out / "fines.pdf").write_bytes(arcadia)  # swapped for another brief
    assert not BuildCache.load(out).verified(cache_name("fines", "screen"), out / "fines.pdf")
    assert build_states(cli("build", "-j1")) == {"arcadia": "built", "fines": "built"}
    assert (out / "arcadia.pdf").read_bytes() == arcadia  # builds are reproducible
    assert (out / "fines.pdf").read_bytes() == fines

    (out / "fines.pdf").unlink()
    (out / "fines.pdf").symlink_to(out / "arcadia.pdf")  # a link is not the recorded file
    assert build_states(cli("build", "fines", "-j1")) == {"fines": "built"}
    assert not (out / "fines.pdf").is_symlink() and (out / "fines.pdf").read_bytes() == fines


@pytest.mark.usefixtures("built_project")  # the project as a first build left it
def test_a_bad_cache_is_ignored_and_rebuilt(project: Path, cli: Cli) -> None:
    out = project / "out"
    garbage = {"arcadia:screen": {"key": "x", "pages": "many", "size": -1}, "*inputs*": []}
    (out / CACHE_FILE).write_text(json.dumps(garbage))
    (out / "thumbs" / ".sources.json").write_bytes(b"\x80\x04garbled")
    result = cli("build", "-j1")
    assert result.code == 0, result.output
    assert build_states(result) == {"arcadia": "built", "fines": "built"}
    assert build_states(cli("build", "-j1")) == {"arcadia": "fresh", "fines": "fresh"}


def test_nothing_under_out_is_loaded_as_code(project: Path, cli: Cli, tmp_path: Path) -> None:
    """A planted (or garbled) file where Jinja kept compiled templates is never loaded."""
    proof = tmp_path / "proof.txt"
    jinja = project / "out" / ".cache" / "jinja"
    jinja.mkdir(parents=True)
    (project / "out" / CACHE_FILE).write_text("{}")  # an out/ from before markers
    payload = b"j2\x05" + pickle.dumps(Planted(proof)) + b"garbled marshal data"
    for name in ("__jinja2_" + "0" * 40 + ".cache", "anything.cache"):
        (jinja / name).write_bytes(payload)
    result = cli("build", "-j1")
    assert result.code == 0, result.output
    assert not proof.exists()
    assert not jinja.exists()  # briefpress's own leftover, removed
    assert (project / "out" / OWNER_FILE).is_file()  # the earlier out/ was taken over


def test_a_build_never_writes_into_a_folder_it_did_not_make(project: Path, cli: Cli) -> None:
    out = project / "out"
    (out / "index.html").write_text("<p>my own page</p>")
    result = cli("build", "-j1")
    assert result.code == 1
    assert result.err.startswith("out/: error: the build's output folder: the folder exists")
    assert "Traceback" not in result.output
    assert (out / "index.html").read_text() == "<p>my own page</p>"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_leftovers_of_a_killed_build_are_removed(project: Path, cli: Cli) -> None:
    cli("build", "fines", "-j1")
    out = project / "out"
    leftover = out / ".arcadia.pdf.999999999-abc123.tmp"  # no such process id
    leftover.write_bytes(b"half a PDF")
    assert cli("build", "fines", "-j1").code == 0
    assert not leftover.exists()


def test_a_new_logo_or_date_rebuilds_what_shows_it(
    cities: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The logo (a file outside the folders every brief depends on) and the date printed
    on each brief are inputs too: a PDF with the old logo or date is never "up to date"."""

    def states() -> dict[str, str]:
        return build_states(run_cli(["-C", str(cities), "build", "-j1", "letter"]))

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert states() == {"letter": "built"}
    assert states() == {"letter": "fresh"}
    logo = cities / "logo.svg"
    logo.write_text(logo.read_text().replace("#0b5d5b", "#5d0b0b"))
    assert states() == {"letter": "built"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert states() == {"letter": "built"}
    assert states() == {"letter": "fresh"}


def test_outputs_are_checked_like_gits_index(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output whose size, times and inode are those recorded is not read again; one
    changed in place, even to the same size, is hashed and found changed."""
    from briefpress.build import cache as cache_module

    cli("build", "fines", "-j1")
    out = project / "out"
    cache = BuildCache.load(out)
    cache.saved_ns = 1 << 62  # not racy: the cache file is newer than every output
    real_digest = cache_module.file_digest

    def no_reading(path: Path) -> str:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(cache_module, "file_digest", no_reading)
    assert cache.verified(cache_name("fines", "screen"), out / "fines.pdf")
    monkeypatch.setattr(cache_module, "file_digest", real_digest)
    pdf = bytearray((out / "fines.pdf").read_bytes())
    pdf[-20] ^= 1  # the same size, written in place: only the times tell
    with (out / "fines.pdf").open("r+b") as handle:
        handle.write(pdf)
    assert not BuildCache.load(out).verified(cache_name("fines", "screen"), out / "fines.pdf")
    assert build_states(cli("build", "fines", "-j1")) == {"fines": "built"}


def test_out_may_be_a_link_to_another_disk(cities: Path, tmp_path: Path) -> None:
    """out/ wherever the user points it: the theme's files published under out/assets
    are the build's own, not "outside the project", for briefs and letters alike."""
    elsewhere = tmp_path / "other-disk" / "briefpress-out"
    elsewhere.mkdir(parents=True)
    (cities / "out").symlink_to(elsewhere)
    result = run_cli(["-C", str(cities), "build", "-j1", "letter"])
    assert result.code == 0 and "blocked" not in result.output, result.output
    assert (elsewhere / "letter.pdf").is_file()
    (cities / "people.csv").write_text(
        'name,title,organisation,address\nAna Perez,Minister,Health,"1 Main St\nTown"\n'
    )
    result = run_cli(["-C", str(cities), "letters", "letter", "--recipients", "people.csv", "-j1"])
    assert result.code == 0, result.output
    assert "internal error" not in result.output and "blocked" not in result.output
    assert (elsewhere / "letters" / "letter" / "manifest.csv").is_file()


def test_a_no_op_build_loads_nothing(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changed since a clean build: the answer comes from the cache alone (no
    YAML read, no check run); a changed spec or a deleted PDF takes the full path."""
    from briefpress.build import builder

    assert build_states(cli("build", "-j1")) == {"arcadia": "built", "fines": "built"}

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the project was loaded")

    monkeypatch.setattr(builder, "load_project", no_loading)
    result = cli("build", "-j1")
    assert result.code == 0 and build_states(result) == {"arcadia": "fresh", "fines": "fresh"}
    monkeypatch.undo()
    (project / "out" / "fines.pdf").unlink()
    assert build_states(cli("build", "-j1")) == {"arcadia": "fresh", "fines": "built"}
    spec = project / "briefs" / "arcadia.yaml"
    spec.write_text(spec.read_text().replace("no sanctions", "no fines"))
    assert build_states(cli("build", "-j1")) == {"arcadia": "built", "fines": "fresh"}
    (project / "out" / "index.html").unlink()  # the gallery a full build writes
    assert build_states(cli("build", "-j1")) == {"arcadia": "fresh", "fines": "fresh"}
    assert (project / "out" / "index.html").is_file()

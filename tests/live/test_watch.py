"""Rebuild on save: which briefs a saved file affects, and the warm rebuild loop."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from serving import stop

from briefpress.build import builder as build_module
from briefpress.build.results import BriefResult
from briefpress.core.assets import THEME_STYLES, THEME_TEMPLATES
from briefpress.core.errors import Location, Problem
from briefpress.data.model import BriefSpec
from briefpress.live.terminal import Terminal
from briefpress.live.watch import (
    Affected,
    BriefSpecInfo,
    Hooks,
    LiveBuilder,
    Rebuild,
    classify,
    run_live,
)

SPECS = {
    "arcadia": BriefSpecInfo("mini-report"),
    "fines": BriefSpecInfo("mini-report", ("extra/fines.css",)),
    "other": BriefSpecInfo("another-report"),
}


def affected(root: Path, *names: str) -> Affected:
    return classify([root / name for name in names], root, SPECS)


def test_a_brief_spec_affects_that_brief_only(tmp_path: Path) -> None:
    found = affected(tmp_path, "briefs/arcadia.yaml")
    assert found.briefs == {"arcadia"} and not found.everything
    assert affected(tmp_path, "briefs/new-one.yaml").briefs == {"new-one"}


def test_report_data_affects_the_briefs_of_that_report(tmp_path: Path) -> None:
    found = affected(tmp_path, "reports/mini-report/quotes.yaml")
    assert found.briefs == {"arcadia", "fines"} and not found.everything


@pytest.mark.parametrize(
    "name", ["templates/country.html.j2", "styles/extra.css", "briefpress.yaml", "styles/x.woff2"]
)
def test_templates_styles_and_config_affect_every_brief(tmp_path: Path, name: str) -> None:
    assert affected(tmp_path, name).everything


@pytest.mark.parametrize("name", ["briefs", "reports", "templates", "styles"])
def test_a_source_folder_renamed_away_and_back_affects_every_brief(
    tmp_path: Path, name: str
) -> None:
    assert affected(tmp_path, name).everything


def test_a_report_folder_renamed_affects_its_briefs(tmp_path: Path) -> None:
    assert affected(tmp_path, "reports/mini-report").briefs == {"arcadia", "fines"}


def test_the_logo_affects_every_brief(tmp_path: Path) -> None:
    assert classify([tmp_path / "art" / "logo.svg"], tmp_path, SPECS, ("art/logo.svg",)).everything


def test_the_built_in_theme_affects_every_brief(tmp_path: Path) -> None:
    found = classify([THEME_TEMPLATES / "base.html.j2"], tmp_path, SPECS)
    assert found.everything and found.templates
    assert classify([THEME_STYLES / "common.css"], tmp_path, SPECS).everything


def test_an_extra_stylesheet_forces_its_brief(tmp_path: Path) -> None:
    """The cache key does not cover a brief's own stylesheets: rebuild it regardless."""
    found = affected(tmp_path, "extra/fines.css")
    assert found.forced == {"fines"} and not found.everything


def test_unrelated_files_affect_nothing(tmp_path: Path) -> None:
    assert not affected(tmp_path, "README.md", "notes/todo.txt", "briefs/notes.txt")
    assert not classify([Path("/elsewhere/briefs/arcadia.yaml")], tmp_path, SPECS)


def test_fonts_are_loaded_afresh_when_a_font_changes(tmp_path: Path) -> None:
    assert affected(tmp_path, "styles/fonts/Brand.ttf").fonts
    assert not affected(tmp_path, "styles/extra.css").fonts


# --- the warm rebuild ----------------------------------------------------------------


@pytest.fixture
def builder(project: Path) -> LiveBuilder:
    live = LiveBuilder(project)
    outcome = live.rebuild(Affected.all())
    assert {r.brief.id for r in outcome.results if r.written} == {"arcadia", "fines"}
    return live


def made(outcome: Rebuild) -> set[str]:
    """The briefs whose PDF was made again (not found up to date)."""
    return {r.brief.id for r in outcome.results if r.written and not r.fresh}


def test_a_saved_spec_rebuilds_only_its_brief(project: Path, builder: LiveBuilder) -> None:
    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text().replace("no sanctions", "none at all"))
    outcome = builder.rebuild(affected(project, "briefs/arcadia.yaml"))
    assert [r.brief.id for r in outcome.results] == ["arcadia"]
    assert made(outcome) == {"arcadia"}
    assert builder.cards["arcadia"].title == "Arcadia: none at all"


def test_report_data_rebuilds_only_briefs_whose_html_changed(
    project: Path, builder: LiveBuilder
) -> None:
    quotes = project / "reports/mini-report/quotes.yaml"
    quotes.write_text(quotes.read_text().replace("not as harsh", "not as hard"))
    outcome = builder.rebuild(classify([quotes], project, builder.specs))
    assert {r.brief.id for r in outcome.results} == {"arcadia", "fines"}  # both rendered
    assert made(outcome) == {"arcadia"}  # one PDF made: the quote is not in the fines brief


def test_the_process_stays_warm(project: Path, builder: LiveBuilder) -> None:
    """One Jinja environment and one WeasyPrint renderer for every rebuild."""
    env, renderer = builder.env, build_module.RENDERERS[builder.root]
    spec = project / "briefs/fines.yaml"
    spec.write_text(spec.read_text().replace('"Fines"', '"Fines and fees"'))
    assert made(builder.rebuild(affected(project, "briefs/fines.yaml"))) == {"fines"}
    assert builder.env is env and build_module.RENDERERS[builder.root] is renderer


def test_a_mistake_fails_one_brief_and_the_next_save_fixes_it(
    project: Path, builder: LiveBuilder
) -> None:
    spec = project / "briefs/arcadia.yaml"
    good = spec.read_text()
    spec.write_text(good.replace("country: arcadia", "country: atlantis"))
    outcome = builder.rebuild(Affected.all())
    card = builder.cards["arcadia"]
    assert card.status == "failed" and [c.id for c in outcome.blocked] == ["arcadia"]
    assert str(card.problems[0]).startswith("briefs/arcadia.yaml:4:10: error: unknown country")
    assert builder.cards["fines"].status == "built"

    spec.write_text("report: mini-report\ntitle: [unclosed\n")
    builder.rebuild(affected(project, "briefs/arcadia.yaml"))
    assert builder.cards["arcadia"].status == "failed"
    assert "briefs/arcadia.yaml:" in str(builder.cards["arcadia"].problems[0])

    spec.write_text(good)
    builder.rebuild(affected(project, "briefs/arcadia.yaml"))
    assert builder.cards["arcadia"].status == "built" and not builder.cards["arcadia"].problems


def test_broken_report_data_fails_the_briefs_of_that_report(
    project: Path, builder: LiveBuilder
) -> None:
    quotes = project / "reports/mini-report/quotes.yaml"
    quotes.write_text(quotes.read_text() + "  - this is: [not closed\n")
    outcome = builder.rebuild(classify([quotes], project, builder.specs))
    assert {c.id for c in outcome.blocked} == {"arcadia", "fines"}
    assert outcome.shared and outcome.shared[0].location.file.endswith("quotes.yaml")
    assert all(c.status == "failed" for c in builder.cards.values())


def test_a_bad_record_fails_only_the_briefs_that_show_it(
    project: Path, builder: LiveBuilder
) -> None:
    quotes = project / "reports/mini-report/quotes.yaml"
    good = quotes.read_text()
    quotes.write_text(good.replace("themes: [policing]", "themes: [policing, prisons]", 1))
    outcome = builder.rebuild(classify([quotes], project, builder.specs))
    # q41-01 (Arcadia, policing) is shown by the Arcadia brief; the fines brief still builds
    assert [c.id for c in outcome.blocked] == ["arcadia"]
    assert "unknown theme 'prisons'" in str(builder.cards["arcadia"].problems)
    assert builder.cards["fines"].status == "built"
    quotes.write_text(good)
    builder.rebuild(classify([quotes], project, builder.specs))
    assert builder.cards["arcadia"].status == "built"


def test_a_crash_fails_the_rebuild_not_the_watcher(
    project: Path, builder: LiveBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(job: object) -> None:
        raise RuntimeError("WeasyPrint fell over")

    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text().replace("no sanctions", "crash test"))
    with monkeypatch.context() as patch:
        patch.setattr(build_module, "make_pdf", crash)
        outcome = builder.rebuild(affected(project, "briefs/arcadia.yaml"))
    assert [c.id for c in outcome.blocked] == ["arcadia"]
    assert "internal error: RuntimeError: WeasyPrint fell over" in str(outcome.blocked[0].problems)
    assert builder.cards["arcadia"].status == "failed"
    assert made(builder.rebuild(affected(project, "briefs/arcadia.yaml"))) == {"arcadia"}


def test_new_and_deleted_briefs(project: Path, builder: LiveBuilder) -> None:
    new = project / "briefs/fines-two.yaml"
    new.write_text((project / "briefs/fines.yaml").read_text())
    builder.rebuild(affected(project, "briefs/fines-two.yaml"))
    assert builder.cards["fines-two"].status == "built"
    new.unlink()
    builder.rebuild(affected(project, "briefs/fines-two.yaml"))
    assert "fines-two" not in builder.cards
    gallery = (project / "out/index.html").read_text()
    assert "brief-fines-two" not in gallery and "brief-fines" in gallery


# --- the watcher -------------------------------------------------------------------


def test_the_watcher_rebuilds_on_save(project: Path, builder: LiveBuilder) -> None:
    outcomes: list[Rebuild] = []
    ready, stop = threading.Event(), threading.Event()
    hooks = Hooks(on_rebuild=outcomes.append, on_ready=ready.set)

    async def watch() -> None:
        event = anyio.Event()

        async def stopper() -> None:
            while not stop.is_set():
                await anyio.sleep(0.05)
            event.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(stopper)
            await run_live(builder, hooks, event)
            tasks.cancel_scope.cancel()

    thread = threading.Thread(target=anyio.run, args=(watch,), daemon=True)
    thread.start()
    try:
        assert ready.wait(timeout=15), "the watcher did not start"
        spec = project / "briefs/fines.yaml"
        spec.write_text(spec.read_text().replace('"Fines"', '"Fines, saved"'))
        deadline = time.monotonic() + 15
        while not outcomes and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert outcomes and made(outcomes[0]) == {"fines"}


def test_saves_during_the_first_build_are_caught_up(project: Path, builder: LiveBuilder) -> None:
    """A file saved before the watcher was up still gets rebuilt once it is."""
    since = time.time()
    time.sleep(0.02)
    spec = project / "briefs/arcadia.yaml"
    spec.write_text(spec.read_text().replace("no sanctions", "caught up"))
    outcomes: list[Rebuild] = []

    async def watch() -> None:
        stop = anyio.Event()

        def done(outcome: Rebuild) -> None:
            outcomes.append(outcome)
            stop.set()

        with anyio.fail_after(20):
            await run_live(builder, Hooks(on_rebuild=done, since=since), stop)

    anyio.run(watch)
    assert made(outcomes[0]) == {"arcadia"}


@pytest.fixture
def watching(project: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    code = "from briefpress.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", code, "-C", str(project), "build", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        lines.extend(process.stdout)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        yield process, lines
    finally:
        stop(process)
        reader.join(timeout=5)


def wait_for(lines: list[str], text: str, start: int = 0, timeout: float = 30) -> None:
    """Wait until ``text`` is printed (on a line after the first ``start`` lines)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in line for line in lines[start:]):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not printed:\n" + "".join(lines))


def test_build_watch_prints_errors_and_keeps_running(
    project: Path, watching: tuple[subprocess.Popen[str], list[str]]
) -> None:
    process, lines = watching
    wait_for(lines, "Watching for changes")
    spec = project / "briefs/arcadia.yaml"
    good = spec.read_text()
    spec.write_text(good.replace("country: arcadia", "country: atlantis"))
    wait_for(lines, "briefs/arcadia.yaml:4:10: error: unknown country 'atlantis'")
    assert process.poll() is None, "the watcher stopped at a mistake"
    started = len(lines)
    spec.write_text(good.replace("no sanctions", "sanctions gone"))
    wait_for(lines, "built  out/arcadia.pdf", started)
    wait_for(lines, "1 built, 0 failed", started)
    assert not any("fines" in line for line in lines[started:])  # not affected, not rebuilt
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    wait_for(lines, "Stopped watching.")


def font_warning(brief: str) -> Problem:
    where = Location(f"briefs/{brief}.yaml")
    return Problem(where, "WeasyPrint: subset by fontTools", severity="warning")


def test_terminal_shows_each_distinct_warning_once_per_rebuild(tmp_path: Path) -> None:
    lines: list[str] = []
    terminal = Terminal(tmp_path, strict=False, echo=lambda line, err=False: lines.append(line))
    results = [
        BriefResult(
            BriefSpec(brief, "r", "theme", "T"),
            edition,
            tmp_path / f"{brief}.pdf",
            pages=1,
            problems=[font_warning(brief)],
            written=True,
        )
        for brief in ("a", "b")
        for edition in ("screen", "print")
    ]
    for result in results:
        terminal.result(result)
    terminal.rebuild(Rebuild(results=results))
    assert [line for line in lines if "fontTools" in line] == [
        "briefpress: warning: WeasyPrint: subset by fontTools [2 briefs: a, b]"
    ]
    terminal.rebuild(Rebuild(results=results[:1]))  # the next rebuild starts afresh
    assert sum("fontTools" in line for line in lines) == 1

"""``build`` and ``check`` with a bad value in a report's data: only the briefs it
reaches fail, each problem is told once with the briefs it stops, the others build."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result

Cli = Callable[..., Result]
QUOTES = "reports/mini-report/quotes.yaml"
COUNTRIES = "reports/mini-report/countries.yaml"


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bad_quote(project: Path) -> None:
    """An unknown theme on the one quote only the Arcadia brief shows."""
    edit(project, QUOTES, "themes: [policing]", "themes: [prisons]")


def test_a_bad_quote_fails_only_the_brief_that_shows_it(project: Path, cli: Cli) -> None:
    assert cli("build", "-j1").code == 0
    old = project / "out/arcadia.pdf"
    before = old.stat().st_mtime_ns
    bad_quote(project)
    result = cli("build", "-j1")
    assert result.code == 1
    assert result.err.count("unknown theme 'prisons'") == 1  # told once, located
    assert f"{QUOTES}:10:13: error: unknown theme 'prisons'\n  stops arcadia\n" in result.err
    assert "FAILED arcadia (screen): not built, stopped by 1 problem above" in result.out
    assert "fresh  out/fines.pdf" in result.out  # the other brief, its input unchanged
    assert "0 built, 1 failed, 1 up to date." in result.out
    assert old.stat().st_mtime_ns == before  # the old PDF stays, but is not called current
    gallery = (project / "out/index.html").read_text(encoding="utf-8")
    card = gallery[gallery.index('<li class="card is-failed" id="brief-arcadia"') :]
    card = card.split('id="brief-fines"', 1)[0]
    assert "unknown theme &#39;prisons&#39;" in card
    again = json.loads(cli("build", "-j1", "--json").out)
    states = {o["brief"]: o["state"] for o in again["outputs"]}
    assert again["ok"] is False and states == {"arcadia": "failed", "fines": "fresh"}
    [problem] = again["problems"]
    assert problem["stops"] == ["arcadia"] and "brief" not in problem
    assert (problem["file"], problem["line"]) == (QUOTES, 10)


def test_the_other_briefs_build_and_a_fixed_quote_builds_again(project: Path, cli: Cli) -> None:
    bad_quote(project)
    result = cli("build", "-j1", "--force")
    assert result.code == 1
    assert not (project / "out/arcadia.pdf").exists()
    assert "built  out/fines.pdf" in result.out
    alone = cli("build", "fines", "-j1")  # a brief the bad quote does not reach
    assert alone.code == 0
    assert "stops none of the briefs being built" in alone.err
    edit(project, QUOTES, "themes: [prisons]", "themes: [policing]")
    fixed = cli("build", "-j1")
    assert fixed.code == 0 and "built  out/arcadia.pdf" in fixed.out


def test_a_bad_value_every_brief_uses_fails_them_all(project: Path, cli: Cli) -> None:
    edit(project, COUNTRIES, "model: no-sanctions", "model: nowhere")
    bad_quote(project)
    result = cli("build", "-j1")
    assert result.code == 1
    assert result.err.count("unknown model 'nowhere'") == 1
    assert "unknown model 'nowhere'\n  stops arcadia, fines\n" in result.err
    assert "FAILED arcadia (screen): not built, stopped by 2 problems above" in result.out
    assert "FAILED fines (screen): not built, stopped by 1 problem above" in result.out
    assert not list((project / "out").glob("*.pdf"))
    check = cli("check")
    assert check.code == 1
    assert "unknown model 'nowhere'\n  stops arcadia, fines\n" in check.err
    assert "unknown theme 'prisons'\n  stops arcadia\n" in check.err
    found = json.loads(cli("check", "--json").out)["problems"]
    assert sorted((p["message"], tuple(p["stops"])) for p in found) == [
        ("unknown model 'nowhere'", ("arcadia", "fines")),
        ("unknown theme 'prisons'", ("arcadia",)),
    ]


def test_a_brief_spec_error_stops_that_brief_only(project: Path, cli: Cli) -> None:
    edit(project, "briefs/arcadia.yaml", "country: arcadia", "country: nowhere")
    result = cli("build", "-j1", "--json")
    assert result.code == 1
    payload = json.loads(result.out)
    states = {o["brief"]: o["state"] for o in payload["outputs"]}
    assert states == {"arcadia": "failed", "fines": "built"}
    [problem] = payload["problems"]
    assert problem["brief"] == "arcadia" and problem["stops"] == ["arcadia"]
    check = cli("check")
    assert "unknown country 'nowhere'\n  stops arcadia\n" in check.err


def test_a_project_wide_error_still_stops_everything(project: Path, cli: Cli) -> None:
    (project / "briefpress.yaml").write_text("packs: [no-such-pack]\n", encoding="utf-8")
    bad_quote(project)
    result = cli("build", "-j1")
    assert result.code == 1
    assert "briefpress.yaml" in result.err and "unknown theme 'prisons'" in result.err
    assert "FAILED" not in result.out and "built" not in result.out
    assert not list((project / "out").glob("*.pdf"))
    check = cli("check")
    assert "stops every brief" in check.err and "  stops arcadia\n" in check.err

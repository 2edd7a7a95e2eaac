"""What a user of command-line tools expects: the project found from any folder in it,
``-V``, ``-q``/``-v``, shell completion with brief ids, and ``--json`` for scripts."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.shell_completion import ShellComplete

from briefpress.cli import cli
from briefpress.cli.jsonout import SCHEMA, status_json
from conftest import run_cli

PROBLEM_KEYS = {"file", "line", "column", "severity", "message", "hint"}
OUTPUT_KEYS = {"path", "pages", "edition", "state"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project, built once (tests that change it make their own)."""
    root = tmp_path_factory.mktemp("conventions") / "demo"
    assert run_cli(["init", str(root)]).code == 0
    return root


def test_a_command_run_inside_the_project_finds_it_above(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo / "reports")
    result = run_cli(["check"])
    assert result.code == 0, result.output
    assert result.out.startswith("ok: 1 report(s)")
    nested = run_cli(["-C", str(demo / "briefs"), "list", "--format", "json"])
    assert nested.code == 0 and {row["id"] for row in json.loads(nested.out)} >= {"letter"}


def test_init_inside_a_project_writes_where_it_is_told(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo / "briefs")
    result = run_cli(["init", "other"])
    assert result.code == 0, result.output
    assert (demo / "briefs/other/briefpress.yaml").is_file()
    assert "next: edit briefpress.yaml and reports/, then: cd other && briefpress build" in (
        result.out
    )


def test_outside_any_project_the_error_still_names_init(tmp_path: Path) -> None:
    result = run_cli(["-C", str(tmp_path), "check"])
    assert result.code == 1 and "briefpress init" in result.err


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_comes_from_the_package(flag: str) -> None:
    result = run_cli([flag])
    assert result.code == 0
    assert result.out.strip() == f"briefpress {metadata.version('briefpress')}"


def test_quiet_and_verbose(demo: Path) -> None:
    assert run_cli(["-q", "-C", str(demo), "check"]).out == ""
    assert run_cli(["-C", str(demo), "check"]).out.startswith("ok:")
    assert run_cli(["-v", "-C", str(demo), "check"]).code == 0


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = run_cli(["completion", shell])
    assert result.code == 0 and "_BRIEFPRESS_COMPLETE" in result.out
    assert f"{shell}_complete" in result.out


def _complete(args: list[str], incomplete: str) -> list[str]:
    found = ShellComplete(cli, {}, "briefpress", "_BRIEFPRESS_COMPLETE")
    return [item.value for item in found.get_completions(args, incomplete)]


def test_brief_ids_complete(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _complete(["-C", str(demo), "build"], "") == [
        "first-city",
        "handout",
        "letter",
        "overview",
        "theme-access",
    ]
    assert _complete(["-C", str(demo), "build", "handout"], "th") == ["theme-access"]
    monkeypatch.chdir(demo / "briefs")
    assert _complete(["letters"], "le") == ["letter"]
    assert _complete(["send"], "o") == ["overview"]
    monkeypatch.chdir(demo.parent)
    assert _complete(["build"], "") == []  # no project here: nothing to offer


def _json(args: list[str]) -> tuple[int, dict[str, Any]]:
    result = run_cli(args)
    payload: dict[str, Any] = json.loads(result.out)  # stdout is the JSON alone
    assert payload["schema"] == SCHEMA
    return result.code, payload


def test_check_json_locates_each_problem(demo: Path, tmp_path: Path) -> None:
    code, payload = _json(["-C", str(demo), "check", "--json"])
    assert code == 0 and payload["ok"] is True and payload["problems"] == []
    assert "letter" in payload["briefs"]
    broken = tmp_path / "broken"
    assert run_cli(["init", str(broken)]).code == 0
    spec = broken / "briefs/handout.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\nnot_a_field: 1\n", encoding="utf-8")
    code, payload = _json(["-C", str(broken), "check", "--json"])
    assert code == 1 and payload["ok"] is False
    (problem,) = [p for p in payload["problems"] if p["severity"] == "error"]
    assert set(problem) == PROBLEM_KEYS | {"stops"}  # a spec that does not load: all
    assert problem["stops"] == payload["briefs"]
    assert problem["file"] == "briefs/handout.yaml" and problem["line"] > 1
    assert problem["column"] == 1 and "not_a_field" in problem["message"]


def test_build_json_lists_every_output(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert run_cli(["init", str(root)]).code == 0
    code, payload = _json(["-C", str(root), "build", "--json", "handout", "-j", "1"])
    assert code == 0 and payload["ok"] is True
    assert [(o["brief"], o["edition"], o["state"]) for o in payload["outputs"]] == [
        ("handout", "screen", "built"),
    ]
    assert payload["outputs"][0]["path"] == "out/handout.pdf"
    assert payload["outputs"][0]["pages"] == 1
    code, again = _json(["-C", str(root), "build", "--json", "handout"])
    assert [o["state"] for o in again["outputs"]] == ["fresh"]
    assert set(again["outputs"][0]) == OUTPUT_KEYS | {"brief"}


def test_a_stopping_error_comes_as_json_too(tmp_path: Path) -> None:
    code, payload = _json(["-C", str(tmp_path), "build", "--json"])
    assert code == 1 and payload["ok"] is False
    assert payload["problems"] and set(payload["problems"][0]) == PROBLEM_KEYS


def test_letters_json_lists_each_letter_and_the_mailing(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert run_cli(["init", str(root)]).code == 0
    (root / "people.csv").write_text(
        "name,title,organisation,address\r\nAna Pérez,Minister,Health,Calle 1\r\n"
        "Bo Li,MP,Parliament,Main St 2\r\n",
        encoding="utf-8",
    )
    code, payload = _json(
        ["-C", str(root), "letters", "letter", "--recipients", "people.csv", "--json"]
    )
    assert code == 0 and payload["ok"] is True
    assert [o["row"] for o in payload["outputs"]] == [1, 2]
    for output in payload["outputs"]:
        assert output["path"].startswith("out/letters/letter/")
        assert (root / output["path"]).is_file()
    assert all(set(o) >= OUTPUT_KEYS and o["pages"] >= 1 for o in payload["outputs"])
    assert payload["mailing"]["path"] == "out/letters/letter/mailing.pdf"


def test_send_status_json(tmp_path: Path) -> None:
    entry = SimpleNamespace(
        row=3, name="Ana", email="ana@example.org", state="pending", answer="4.2.1"
    )
    payload = status_json("letter", {"sent": 2, "pending": 1}, [entry])  # type: ignore[list-item]
    assert payload["attention"] == [
        {
            "row": 3,
            "name": "Ana",
            "email": "ana@example.org",
            "state": "deferred",
            "answer": "4.2.1",
        }
    ]
    code, missing = _json(["-C", str(tmp_path), "send", "letter", "--status", "--json"])
    assert code == 1 and "no send log" in missing["problems"][0]["message"]

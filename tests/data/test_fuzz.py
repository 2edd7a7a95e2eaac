"""Fuzzing the loaders and the CLI: whatever arrives, a clean answer in bounded time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpress.data.model import BriefSpec, Quote
from briefpress.data.schema import Builder
from briefpress.data.yamlload import MAX_BYTES, parse_yaml
from conftest import run_cli

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=40), st.sampled_from(["", " ", "\x00", "\u202e", "4.1", "country"]),
)  # fmt: skip
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=12), children, max_size=6),
    ),
    max_leaves=40,
)
brief_keys = st.sampled_from(
    ["report", "kind", "title", "country", "theme", "sections", "max_pages", "language",
     "paper", "letter", "points", "titel", "from", "ids", "limit"]
)  # fmt: skip
brief_like = st.dictionaries(brief_keys, trees, max_size=8)


def _clean(problems: list[Any], file: str) -> None:
    for problem in problems:
        assert str(problem).startswith(file)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_fail_cleanly(raw: bytes) -> None:
    doc, problems = parse_yaml(raw, "in.yaml")
    assert (doc is None) == bool(problems)
    _clean(problems, "in.yaml")


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    _, problems = parse_yaml(text, "in.yaml")
    _clean(problems, "in.yaml")


@FAST
@given(trees, st.integers(0, 200), st.sampled_from(["", "\n", ":", "- ", "&a ", "*a", "!!"]))
def test_mutated_yaml_fails_cleanly(tree: Any, cut: int, insert: str) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True)
    mutated = text[:cut] + insert + text[cut:]
    _, problems = parse_yaml(mutated, "in.yaml")
    _clean(problems, "in.yaml")


@FAST
@given(brief_like)
def test_builder_never_raises_on_wrong_shapes(data: dict[str, Any]) -> None:
    doc, problems = parse_yaml(yaml.safe_dump(data, allow_unicode=True), "briefs/x.yaml")
    assert doc is not None and not problems
    for cls, extra in ((BriefSpec, {"id": "x", "file": "briefs/x.yaml"}), (Quote, {})):
        builder = Builder(doc)
        builder.build(cls, doc.data, (), **extra)
        _clean(builder.problems, "briefs/x.yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(brief_like.map(lambda d: yaml.safe_dump(d).encode()), st.binary(max_size=300)))
def test_cli_check_never_shows_a_traceback(project_root: Path, content: bytes) -> None:
    (project_root / "briefs/fuzz.yaml").write_bytes(content)
    result = run_cli(["-C", str(project_root), "check"])
    assert result.code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.code == 1:
        assert "briefs/fuzz.yaml" in result.err


def test_huge_file_is_refused_without_parsing() -> None:
    doc, problems = parse_yaml(b"a: " + b"x" * (MAX_BYTES + 1), "big.yaml")
    assert doc is None and "larger than" in str(problems[0])


def test_huge_string_and_control_characters_are_data_not_crashes() -> None:
    text = "title: " + "x" * 1_000_000 + '\nsubtitle: "\\x07\\x1b[31m"\n'
    doc, problems = parse_yaml(text, "s.yaml")
    assert doc is not None and not problems
    assert len(doc.data["title"]) == 1_000_000


def test_alias_bomb_is_bounded_in_memory() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    doc, problems = parse_yaml("\n".join(lines), "bomb.yaml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert doc is None and problems
    assert peak < 100 * 1024 * 1024

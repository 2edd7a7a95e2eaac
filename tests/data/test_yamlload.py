"""Load stage, YAML layer: marks, duplicate keys, tags, aliases, encodings."""

from __future__ import annotations

from briefpress.data.yamlload import parse_yaml


def only_problem(text: str | bytes) -> str:
    doc, problems = parse_yaml(text, "f.yaml")
    assert doc is None
    assert len(problems) == 1
    return str(problems[0])


def test_positions_are_remembered() -> None:
    doc, problems = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert not problems and doc is not None
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert str(doc.loc("b", 1, "c")) == "f.yaml:4:9"  # the value
    assert str(doc.key_loc("b", 1, "c")) == "f.yaml:4:6"  # its key
    assert str(doc.loc("b", 0)) == "f.yaml:3:5"
    assert str(doc.loc("missing", "deeper")) == "f.yaml:1:1"


def test_duplicate_key_is_rejected_with_both_lines() -> None:
    message = only_problem("title: one\nkind: country\ntitle: two\n")
    assert message.startswith("f.yaml:3:1: error: duplicate key 'title'")
    assert "line 1" in message


def test_python_tag_is_an_error_never_executed() -> None:
    message = only_problem("x: !!python/object/apply:os.system ['echo hacked']\n")
    assert "unsupported YAML tag" in message
    assert message.startswith("f.yaml:1:4")


def test_alias_bomb_is_stopped() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    message = only_problem("\n".join(lines))
    assert "expands to more than" in message


def test_recursive_alias_is_an_error() -> None:
    assert "refers to itself" in only_problem("a: &x [1, *x]\n")


def test_invalid_utf8_names_line_and_column() -> None:
    message = only_problem(b"title: ok\nsubtitle: caf\xe9\n")
    assert message.startswith("f.yaml:2:14: error: the file is not valid UTF-8")


def test_syntax_error_has_a_position() -> None:
    message = only_problem("title: [unclosed\nkind: x\n")
    assert message.startswith("f.yaml:")
    assert "invalid YAML" in message


def test_deep_nesting_is_rejected_by_our_guard() -> None:
    # Deeper than MAX_DEPTH (64) but shallow enough for any libyaml to parse: our own check.
    message = only_problem("a:\n" + "".join(" " * i + "- \n" for i in range(1, 80)))
    assert message.startswith("f.yaml:") and "nesting deeper than 64 levels" in message


def test_very_deep_flow_nesting_is_refused_with_a_position() -> None:
    # libyaml may stop this first, in words of its own: what we promise is a refusal
    # with a file:line:column, and no traceback.
    for depth in (100, 3000, 100_000):
        message = only_problem("[" * depth + "]" * depth)
        assert message.startswith("f.yaml:1:") and ": error: " in message
        assert "Traceback" not in message and "\n" not in message


def test_empty_document_is_none_not_an_error() -> None:
    doc, problems = parse_yaml("", "f.yaml")
    assert problems == [] and doc is not None and doc.data is None


def test_dates_stay_text() -> None:
    doc, _ = parse_yaml("date: 2021-06-01\n", "f.yaml")
    assert doc is not None and doc.data == {"date": "2021-06-01"}


def test_common_typing_mistakes_are_explained_with_a_hint() -> None:
    colon = only_problem("title: Arcadia: no sanctions\nkind: country\n")
    assert colon.startswith("f.yaml:1:")
    assert "a colon followed by a space inside a value" in colon
    assert 'title: "Arcadia: no sanctions"' in colon
    starts = only_problem("quotes:\n\t- broken\n")  # "cannot start any token", said plainly
    assert starts.startswith("f.yaml:2:1:") and "a tab character where YAML expects" in starts
    tab = only_problem("report: x\n\tkind: country\n")
    assert tab.startswith("f.yaml:2:") and "a tab character where YAML expects spaces" in tab
    unclosed = only_problem('title: "unclosed\nkind: x\n')
    assert "opened with a quotation mark at line 1 is never closed" in unclosed
    indent = only_problem("a:\n  - b\n c: d\n")
    assert "indentation of this line does not match" in indent


def test_language_no_read_as_false_gets_a_hint() -> None:
    from briefpress.data.schema import Builder

    doc, _ = parse_yaml("language: no\n", "f.yaml")
    assert doc is not None
    builder = Builder(doc)
    builder.scalar(str, doc.data["language"], ("language",))
    (problem,) = builder.problems
    assert str(problem).startswith("f.yaml:1:11: error: expected text, found false")
    assert problem.hint is not None and 'language: "no"' in problem.hint

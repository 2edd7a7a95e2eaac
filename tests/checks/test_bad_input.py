"""Every user mistake gets one clean message with file:line:column, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Result

Cli = Callable[..., Result]


def write(project: Path, name: str, text: str | bytes) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def assert_clean_failure(result: Result, *expected: str) -> None:
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.err, result.err


def test_malformed_yaml(project: Path, cli: Cli) -> None:
    write(project, "briefs/bad.yaml", "report: mini-report\nkind: [country\ntitle: x\n")
    assert_clean_failure(cli("check"), "briefs/bad.yaml:3:", "invalid YAML")


def test_duplicate_keys(project: Path, cli: Cli) -> None:
    write(
        project,
        "briefs/dup.yaml",
        "report: mini-report\nkind: theme\ntheme: fines\ntitle: A\ntitle: B\n",
    )
    assert_clean_failure(cli("build", "dup"), "briefs/dup.yaml:5:1: error: duplicate key 'title'")


def test_wrong_type(project: Path, cli: Cli) -> None:
    write(
        project,
        "briefs/typed.yaml",
        "report: mini-report\nkind: theme\ntheme: fines\ntitle: T\nmax_pages: many\n",
    )
    assert_clean_failure(
        cli("check"),
        "briefs/typed.yaml:5:12: error: expected a whole number, found text 'many'",
    )


def test_unknown_field_suggests_the_right_one(project: Path, cli: Cli) -> None:
    write(project, "briefs/typo.yaml", "report: mini-report\nkind: theme\ntheme: fines\ntitel: T\n")
    result = cli("check")
    assert_clean_failure(
        result, "briefs/typo.yaml:4:1: error: unknown field 'titel'", "did you mean 'title'?"
    )
    assert "missing required field 'title'" in result.err  # all problems, not just the first


def test_invalid_utf8(project: Path, cli: Cli) -> None:
    write(project, "briefs/latin1.yaml", b"report: mini-report\nkind: theme\ntitle: Caf\xe9\n")
    assert_clean_failure(
        cli("check"), "briefs/latin1.yaml:3:11: error: the file is not valid UTF-8"
    )


def test_missing_brief_file_named_on_the_command_line(cli: Cli) -> None:
    assert_clean_failure(cli("build", "arcadai"), "no brief 'arcadai'", "did you mean arcadia?")


def test_missing_report_file(project: Path, cli: Cli) -> None:
    (project / "reports/mini-report/report.yaml").unlink()
    assert_clean_failure(cli("check"), "reports/mini-report/report.yaml: error: file not found")


def test_unresolved_reference_lists_nearest_ids(project: Path, cli: Cli) -> None:
    write(
        project,
        "briefs/ref.yaml",
        "report: mini-report\nkind: country\ncountry: arcadia\ntitle: T\n"
        "sections:\n  - name: quotes\n    from: quotes\n    ids: [q41-03]\n",
    )
    assert_clean_failure(
        cli("check"), "briefs/ref.yaml:8:10: error: unknown quote id 'q41-03'", "did you mean"
    )


def test_unresolved_reference_in_report_data(project: Path, cli: Cli) -> None:
    path = project / "reports/mini-report/quotes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("country: arcadia", "country: arkadia"),
        encoding="utf-8",
    )
    assert_clean_failure(
        cli("check"),
        "reports/mini-report/quotes.yaml:6:14: error: unknown country 'arkadia'",
        "did you mean 'arcadia'?",
    )


def test_duplicate_record_id(project: Path, cli: Cli) -> None:
    path = project / "reports/mini-report/themes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: fines", "id: policing"), encoding="utf-8"
    )
    assert_clean_failure(
        cli("check"), "reports/mini-report/themes.yaml:3:", "duplicate id 'policing'"
    )


def test_unknown_template_says_where_it_looked(project: Path, cli: Cli) -> None:
    write(
        project,
        "briefs/tpl.yaml",
        "report: mini-report\nkind: theme\ntheme: fines\ntitle: T\ntemplate: fancy.html.j2\n",
    )
    result = cli("build", "tpl")
    assert_clean_failure(result, "template 'fancy.html.j2' not found", "looked in: templates")


def test_brief_over_its_page_budget(project: Path, cli: Cli) -> None:
    # A project template (which also shows that the project's templates come first)
    # that prints the brief's intro paragraphs: 400 of them cannot fit on one page.
    write(
        project,
        "templates/long.html.j2",
        '{% extends "base.html.j2" %}{% block body %}'
        "{% for p in brief.intro | paragraphs %}<p>{{ p }}</p>{% endfor %}{% endblock %}",
    )
    write(
        project,
        "briefs/long.yaml",
        "report: mini-report\nkind: theme\ntheme: fines\ntitle: T\nmax_pages: 1\n"
        "template: long.html.j2\n"
        "intro: |\n"
        + "".join(
            f"  Paragraph {i} of a long introduction that fills pages.\n\n" for i in range(400)
        ),
    )
    result = cli("build", "long")
    assert_clean_failure(result, "briefs/long.yaml", "over max_pages 1")
    assert not (project / "out/long.pdf").exists()


def test_one_failing_brief_does_not_stop_the_others(project: Path, cli: Cli) -> None:
    write(
        project,
        "briefs/tpl.yaml",
        "report: mini-report\nkind: theme\ntheme: fines\ntitle: T\ntemplate: nope.html.j2\n",
    )
    result = cli("build")
    assert result.code == 1
    assert (project / "out/arcadia.pdf").exists()
    assert (project / "out/fines.pdf").exists()
    assert "2 built, 1 failed." in result.out


def test_debug_shows_the_traceback(project: Path, cli: Cli) -> None:
    write(project, "briefs/bad.yaml", "report: mini-report\nkind: theme\ntitle: [\n")
    result = cli("--debug", "check")
    assert result.code == 1
    result_no_debug = cli("check")
    assert "Traceback" not in result_no_debug.output


def test_a_web_address_that_is_not_whole_is_named(project: Path, cli: Cli) -> None:
    config = project / "briefpress.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    write(project, "briefpress.yaml", text + "web_url: briefs.example.org/cities\n")
    assert_clean_failure(
        cli("check"),
        "briefpress.yaml: error: web_url 'briefs.example.org/cities' is not a whole web address",
    )

"""Checks that know the report: declared names, the brand file, empty sections."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from conftest import run_cli

REPORT = "reports/naloxone-2024"


def check(root: Path, *args: str) -> tuple[int, str]:
    result = run_cli(["-C", str(root), "check", *args])
    assert "Traceback" not in result.output
    return result.code, result.output


def replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_names_the_report_declares_are_not_taken_for_people(cities: Path) -> None:
    # "Safe Return Kestrel", "North Shore Peer Support" and "[Kestrel Bay]" look like
    # names to a pattern, but the report declares them as organisations and places.
    code, out = check(cities, "--strict")
    assert code == 0, out


def test_an_undeclared_name_is_flagged_until_allowed(cities: Path) -> None:
    replace(
        cities, f"{REPORT}/quotes.yaml",
        'attribution: "Respondent from Morning Light Outreach [Port Amsel]", section: "3"',
        'attribution: "Respondent, Maria Lopez [Port Amsel]", section: "3"',
    )  # fmt: skip
    code, out = check(cities)
    assert code == 1
    assert f"{REPORT}/quotes.yaml:7:" in out and "personal name (Maria Lopez)" in out
    assert "'allow:' in report.yaml" in out
    replace(
        cities, f"{REPORT}/report.yaml", "asks_section:", "allow: [Maria Lopez]\n  asks_section:"
    )
    code, out = check(cities)
    assert code == 0, out


def test_contact_details_are_flagged_even_in_declared_names(cities: Path) -> None:
    replace(
        cities, f"{REPORT}/organisations.yaml",
        "short: Morning Light Outreach", "short: Morning Light Outreach (ml@example.org)",
    )  # fmt: skip
    replace(
        cities, f"{REPORT}/report.yaml", "asks_section:", "allow: [ml@example.org]\n  asks_section:"
    )
    code, out = check(cities)
    assert code == 1 and "an e-mail address (ml@example.org)" in out


def test_colours_are_checked_at_their_line(cities: Path) -> None:
    replace(cities, "briefpress.yaml", 'accent: "#b5451b"', 'accent: "#b5451"')
    replace(cities, "briefpress.yaml", 'ink_cmyk: "0 0 0 90"', 'ink_cmyk: "0 0 120"')
    code, out = check(cities)
    assert code == 1
    assert "briefpress.yaml:11:13: error: accent '#b5451' is not a colour" in out
    assert "briefpress.yaml:19:15: error: ink_cmyk '0 0 120' is not a CMYK colour" in out


def test_the_logo_is_checked(cities: Path) -> None:
    cases = {
        "missing.png": "does not exist",
        "../outside.svg": "is outside the project",
        "notes.txt": "is not a PNG or SVG file",
        "broken.svg": "is not well-formed SVG",
        "fake.png": "cannot be read as an image",
    }
    (cities.parent / "outside.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (cities / "notes.txt").write_text("logo")
    (cities / "broken.svg").write_text("<svg")
    (cities / "fake.png").write_bytes(b"not a png")
    for logo, message in cases.items():
        replace(cities, "briefpress.yaml", "logo: logo.svg", f"logo: {logo}")
        code, out = check(cities)
        assert code == 1 and "briefpress.yaml:7:9: error: logo" in out and message in out, out
        replace(cities, "briefpress.yaml", f"logo: {logo}", "logo: logo.svg")


def test_a_png_logo_is_printed_and_a_tiny_one_warned_about(cities: Path) -> None:
    Image.new("RGB", (40, 20), "teal").save(cities / "small.png")
    replace(cities, "briefpress.yaml", "logo: logo.svg", "logo: small.png")
    code, out = check(cities, "--strict")
    assert code == 1 and "40 pixels wide and will print blurred" in out
    Image.new("RGB", (400, 200), "teal").save(cities / "small.png")
    result = run_cli(["-C", str(cities), "build", "handout", "--html"])
    assert result.code == 0, result.output
    assert 'src="../small.png"' in (cities / "out" / "handout.html").read_text()


def test_a_section_that_selects_nothing_warns_and_an_empty_brief_fails(cities: Path) -> None:
    (cities / "briefs" / "norhaven.yaml").write_text(
        "report: naloxone-2024\nkind: country\nplace: norhaven\ntitle: Norhaven\n"
        "sections:\n  - {name: findings, from: findings, theme: pharmacy, place: norhaven}\n"
    )
    code, out = check(cities)
    assert code == 0
    assert "briefs/norhaven.yaml:6:5: warning: section 'findings' of brief 'norhaven'" in out
    code, out = check(cities, "--strict")
    assert code == 1
    (cities / "briefs" / "blank.yaml").write_text(
        "report: naloxone-2024\nkind: handout\ntitle: Blank\n"
        "sections:\n  - {name: quote, from: quotes, place: norhaven, section: '3'}\n"
    )
    code, out = check(cities)
    assert code == 1 and "brief 'blank' would print an empty page" in out


def test_new_fields_report_their_mistakes(cities: Path) -> None:
    replace(cities, f"{REPORT}/report.yaml", 'asks_section: "3"', 'asks_section: "33"')
    replace(
        cities,
        f"{REPORT}/recommendations.yaml",
        'number: "2", section: "4"',
        'number: "2", section: "5"',
    )
    replace(cities, f"{REPORT}/places.yaml", "name: Norhaven,", "name: Norhaven, respondent: 2,")
    replace(
        cities, "briefs/kestrel-bay.yaml", "place: kestrel-bay", "place: kestrel-bay\ncountry: x"
    )
    code, out = check(cities)
    assert code == 1
    assert f"{REPORT}/report.yaml:9:17: error: unknown report section '33'" in out
    assert f"{REPORT}/recommendations.yaml:3:37: error: unknown report section '5'" in out
    assert "unknown field 'respondent' (did you mean 'respondents'?)" in out
    assert "briefs/kestrel-bay.yaml:3:1: error: both 'country' and 'place' given" in out


def test_the_print_edition_takes_the_cmyk_logo(cities: Path) -> None:
    from briefpress.data.load import load_project
    from briefpress.editions import medium
    from briefpress.render.html import render_brief

    project = load_project(cities, ["handout"])
    brief = project.briefs["handout"]
    assert 'src="../logo.svg"' in render_brief(brief, project, medium("screen")).html
    assert 'src="../../logo-print.svg"' in render_brief(brief, project, medium("print")).html
    replace(cities, "briefpress.yaml", "  logo_print: logo-print.svg", "  logo_print: small.png")
    code, out = check(cities)
    assert code == 1 and "logo_print 'small.png' does not exist" in out
    replace(cities, "briefpress.yaml", "  logo_print: small.png", "  logo_print: null")
    code, out = check(cities, "--strict")
    assert code == 1 and "warning: the print edition prints this logo's RGB colours" in out

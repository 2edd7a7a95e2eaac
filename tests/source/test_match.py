"""Tests for briefpress.source and checks.verify: verbatim fields against the report text.

Most tests run against the real text dump of the report, because its quirks
(hyphenation, footnotes mid-quote, sidebars, running titles) are what the
normalisation exists for; small synthetic sources pin down the rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefpress.checks.verify import Mismatch, verify
from briefpress.source.clean import normalise_source
from briefpress.source.match import SourceText
from briefpress.source.read import SourceError, read_source
from briefpress.source.text import normalise_text
from conftest import SEED

COSTA_RICA_URINE = (
    "Urine testing is increasingly being used in employment settings as part of the hiring "
    "process or as part of random spot checks. People who test positive for drugs are denied "
    "promotions and salary increases, or used as an excuse to fire employees. It’s not really "
    "a drug policy mechanism per se but it’s a tool that companies use to advance their "
    "economic agenda."
)


@pytest.fixture(scope="module")
def source() -> SourceText:
    if not SEED.exists():
        pytest.skip(f"the report text dump is not available at {SEED}")
    return normalise_source(read_source(SEED))


# --------------------------------------------------------------------------
# Real passages are found
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "passage",
    [
        pytest.param(COSTA_RICA_URINE, id="interrupted-by-footnote-34"),
        pytest.param(
            "In addition to their impressions on how decriminalisation may have impacted the "
            "quality of interactions between police and people who use drugs in their context, "
            "the above accounts draw our attention to the type and scale of change that must "
            "accompany reform measures.",
            id="across-page-break",
        ),
        pytest.param(
            "Despite drugs being decriminalised, being caught with drugs on school or university "
            "premises can lead to expulsion. One of my friends was caught with cannabis on the "
            "university grounds and his scholarship was made conditional for six years. Despite "
            "changes in the law, some institutional practices don’t change to align with the "
            "reforms. (Respondent from the Costa Rican Association on Drug Studies and "
            "Interventions [ACEID])",
            id="hyphenation-undone-uni-versity-Respond-ent",
        ),
        pytest.param(
            "ending the arbitrary detention of drug users and expanding effective, "
            "community-based, voluntary drug dependency treatment",
            id="real-hyphen-at-line-end-community-based",
        ),
        pytest.param(
            "important and much overlooked questions that need to be asked about this so-called "
            "progress in relation to decriminalisation",
            id="real-hyphen-at-line-end-so-called",
        ),
        pytest.param(
            "towards more public health-oriented approaches", id="real-and-artefact-hyphen"
        ),
        pytest.param(
            "where community-led organisations are not existing in an environment of fear and "
            "distrust",
            id="commu-nity-led",
        ),
        pytest.param(
            "or inadequate threshold amounts that can result in criminal records for personal "
            "use and supply which includes user-dealing.",
            id="around-page-19-sidebar-title-number",
        ),
        pytest.param(
            "For example, in March 2012, twelve United Nations agencies issued a joint statement "
            "calling for the closure of drug detention centres",
            id="around-page-30",
        ),
        pytest.param(
            "these positive outcomes were ultimately undermined by poorly conceptualised models "
            "of decriminalisation that many believed had given rise to new or additional forms "
            "of stigma.",
            id="around-page-36",
        ),
        pytest.param(
            "in addition to having been universally condemned for their abuses of human rights,22 "
            "many of these centres operate for commercial profit",
            id="interrupted-by-footnote-21-ref-kept",
        ),
        pytest.param(
            "being unable to provide a urine sample for drug screening purposes",
            id="footnote-ref-left-out",
        ),
        pytest.param(
            "Netherlands - Gedoogbeleid ‘tolerance policy’ (cannabis only).", id="table-cell"
        ),
        pytest.param(
            "It's a catastrophe! The fines have increased in 2019, from about USD 25 before to "
            "USD 500 today.",
            id="straight-apostrophe",
        ),
        pytest.param(
            "these considerations are rarely taken into account in assessing the outcomes of "
            "decriminalisation [...].",
            id="ellipsis-as-dots",
        ),
        pytest.param(
            "That all models of decriminalisation must fully decriminalise people who use drugs "
            "by:",
            id="numbered-recommendation-kept",
        ),
        pytest.param(
            "removing the use of arbitrary quantity thresholds or threshold amounts that can "
            "result in criminal records for personal use and/or small-scale user-dealing",
            id="lettered-item-kept",
        ),
        pytest.param(
            "Goffman, E. 1963. Stigma: Notes on the Management of Spoiled Identity. New York: "
            "Prentice Hall.",
            id="footnote-citation",
        ),
        pytest.param(
            "https://www.vox.com/2020-presidential-election/2020/11/4/21548800/election-results-"
            "marijuana-legalization-drug-decriminalization-new-jersey-arizona-oregon-montana",
            id="url-broken-across-lines",
        ),
    ],
)
def test_real_passages_are_found(source: SourceText, passage: str) -> None:
    assert source.find(passage), source.explain(passage)


def test_every_footnote_is_set_apart(source: SourceText) -> None:
    numbers = [int(line.split(".", 1)[0]) for line in source.notes.splitlines()]
    assert numbers == list(range(6, 47))
    assert "Note: In Vietnam" in source.notes
    assert "Note: In Vietnam" not in source.body


# --------------------------------------------------------------------------
# One-character alterations are not found, and explained
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "altered"),
    [
        ("The fines are useless.", "The fines are usless."),  # letter dropped
        ("The fines are useless.", "The fines are useles."),  # letter dropped
        ("The fines are useless.", "The fines are uselesss."),  # letter added
        ("The fines are useless.", "The fines are useliss."),  # letter changed
        ("The fines are useless.", "The fines are useless,"),  # punctuation changed
        ("It’s a catastrophe!", "It’s a catastrophe?"),  # punctuation changed
        ("It’s a catastrophe!", "Its a catastrophe!"),  # apostrophe dropped
        (COSTA_RICA_URINE, COSTA_RICA_URINE.replace("employees.", "employees,")),
        (COSTA_RICA_URINE, COSTA_RICA_URINE.replace("economic", "economical")),
        (COSTA_RICA_URINE, COSTA_RICA_URINE[1:]),  # first letter dropped
        ("Police officers are not as aggressive", "Police officers are not as aggressiv"),
        ("the so-called war on drugs", "the socalled war on drugs"),  # hyphen dropped
        ("access to harm reduction services", "access to harm-reduction services"),  # added
        ("on the university grounds", "on the uni versity grounds"),  # space at a joint
        ("a urine sample for drug screening purposes", "a urine sample for drug screening purpose"),
    ],
)
def test_one_character_alterations_are_not_found(
    source: SourceText, original: str, altered: str
) -> None:
    assert source.find(original)
    assert not source.find(altered)


def test_explain_points_at_a_changed_letter(source: SourceText) -> None:
    message = source.explain("The fines are usless. The government uses the fines")
    assert message == (
        'matches up to "The fines are" then the report has "useless." where the data has "usless."'
    )


def test_explain_points_at_changed_punctuation(source: SourceText) -> None:
    altered = COSTA_RICA_URINE.replace("fire employees.", "fire employees;")
    message = source.explain(altered)
    assert message.startswith('matches up to "…')
    assert 'an excuse to fire" then the report has "employees."' in message
    assert message.endswith('where the data has "employees;"')


def test_explain_a_first_word_that_never_occurs(source: SourceText) -> None:
    message = source.explain("Urinee testing is increasingly being used")
    assert message == (
        'no match even for the first word: nothing in the report starts with "Urinee"'
    )


def test_explain_of_a_found_or_empty_text(source: SourceText) -> None:
    assert source.explain("The fines are useless.") == "found in the report"
    assert source.explain("  \u00a0") == "the text is empty"
    assert not source.find("")


# --------------------------------------------------------------------------
# Page furniture, sidebars and footnotes never sit inside a match
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Drug Decriminalisation: Progress or Political Red Herring?",
        "Section 4: Results & Analysis - Impact Of Decriminalisation",
        "in the future. Drug Decriminalisation",
        "records for personal Drug Decriminalisation",
        "records for personal 19 use and supply",
        "twelve United Nations Voluntary and com-pulsory drug treatment",
        "violations ... including miscarriages of justice",  # the page-19 sidebar
        "models of decriminalisation ...fines can lead",  # the page-36 sidebar
        "a tool that companies use to 34. Note: In Vietnam",
        "will come into law in 2021. Right: Table 1.",
    ],
)
def test_furniture_and_footnotes_are_not_inside_matches(source: SourceText, text: str) -> None:
    assert not source.find(text)


# --------------------------------------------------------------------------
# Rules on small synthetic sources
# --------------------------------------------------------------------------

SYNTHETIC = "\n".join(
    [
        " Section 1: Introduction",
        "",
        "1.\t First numbered point, which is not a footnote.",
        "",
        "2.\t Second numbered point, also kept.",
        "",
        "The quote starts here and runs to the foot of the page, where a re-",
        "7.\tSmith, J. 2020. A footnote that runs",
        "over two lines.",
        "",
        "8.\tA one-line footnote.",
        " ported passage goes on after the page break.6 Then a paragraph",
        "",
        "ends in the future.",
        "",
        "A Report Title",
        "",
        "Section 1: Introduction",
        " 9.\tA footnote at the top of a page that runs",
        "over two lines.",
        "",
        "More body text with a sidebar coming before the page end, and then the text",
        "",
        "...a pull quote",
        "",
        "set in narrow",
        "",
        "column lines...",
        "",
        "A Report Title",
        "",
        "Section 1: Introduction",
        "",
        "12",
        "",
        "continues on the next page. The last paragraph on this page is long enough to fill",
        "",
        "a line and then it ends.",
        "",
        "...another pull",
        "",
        "quote with a",
        "",
        "different text...",
        "",
        "Section 1: Introduction",
        "",
        "13",
        "",
        "1.\t \tThat all models must fully decriminalise people who use",
        "",
        "drugs by:",
        "",
        "a.\t removing all sanctions;",
        "",
        "2.\t That people who use drugs are in-",
        "",
        "volved in all stages.",
        "",
        "A Report Title",
    ]
)


@pytest.fixture(scope="module")
def synthetic() -> SourceText:
    return normalise_source(SYNTHETIC)


@pytest.mark.parametrize(
    "passage",
    [
        "First numbered point, which is not a footnote.",
        "Second numbered point, also kept.",
        "runs to the foot of the page, where a reported passage goes on after the page break.",
        "the page break.6 Then a paragraph ends in the future.",
        "the page break. Then",
        "More body text with a sidebar coming before the page end, and then the text "
        "continues on the next page.",
        "long enough to fill a line and then it ends. 1. That all models",
        "That all models must fully decriminalise people who use drugs by: a. removing all "
        "sanctions; 2. That people who use drugs are involved in all stages.",
        "Smith, J. 2020. A footnote that runs over two lines.",
        "A footnote at the top of a page that runs over two lines.",
    ],
)
def test_synthetic_passages_are_found(synthetic: SourceText, passage: str) -> None:
    assert synthetic.find(passage), synthetic.explain(passage)


def test_synthetic_footnotes_and_furniture_are_set_apart(synthetic: SourceText) -> None:
    assert synthetic.notes.splitlines() == [
        "7. Smith, J. 2020. A footnote that runs over two lines.",
        "8. A one-line footnote.",
        "9. A footnote at the top of a page that runs over two lines.",
    ]
    for gone in ("Smith", "one-line footnote", "top of a page", "Report Title", "pull quote"):
        assert gone not in synthetic.body
    assert "another pull" not in synthetic.body
    assert "12" not in synthetic.body
    assert "13" not in synthetic.body
    # short lines that end a paragraph are not taken for a sidebar
    assert "in the future." in synthetic.body
    assert "a line and then it ends." in synthetic.body


def test_numbered_list_before_any_footnote_is_kept() -> None:
    text = normalise_source("Intro:\n\n1.\t Alpha.\n\n2.\t Beta.\n\nBody goes on.")
    assert text.notes == ""
    assert text.find("Intro: 1. Alpha. 2. Beta. Body goes on.")


def test_explicit_running_titles_are_dropped() -> None:
    raw = "Some body text\n\nMy Running Head\n\nthat goes on."
    assert normalise_source(raw).find("Some body text My Running Head")
    dropped = normalise_source(raw, running_titles=["My Running Head"])
    assert dropped.find("Some body text that goes on.")


# --------------------------------------------------------------------------
# normalise_text and verify
# --------------------------------------------------------------------------


def test_normalise_text_unifies_typography() -> None:
    assert (
        normalise_text("“It’s” ‘a’ \u00a0test –\n— ‑ … \t end") == "\"It's\" 'a' test - - - ... end"
    )
    assert normalise_text("soft\u00adhyphen zero\u200bwidth ﬁne") == "softhyphen zerowidth fine"


def test_verify_reports_only_mismatches_in_order(source: SourceText) -> None:
    fields: list[tuple[object, str]] = [
        (("quotes.yaml", 3), "The fines are useless."),
        (("quotes.yaml", 7), "The fines are usless."),
        (("quotes.yaml", 9), COSTA_RICA_URINE),
        (("findings.yaml", 2), ""),
    ]
    mismatches = verify(fields, source)
    assert [m.key for m in mismatches] == [("quotes.yaml", 7), ("findings.yaml", 2)]
    assert mismatches[0] == Mismatch(
        key=("quotes.yaml", 7),
        text="The fines are usless.",
        message=source.explain("The fines are usless."),
    )
    assert mismatches[1].message == "the text is empty"


def test_any_passage_of_the_body_is_found(source: SourceText) -> None:
    words = source.body.replace("\x01", "").replace("\x02", " ").split(" ")
    fields: list[tuple[object, str]] = []
    for index in range(300):
        start = (index * 137) % (len(words) - 60)
        passage = " ".join(words[start : start + 10 + index % 50])
        fields.append((index, "".join(ch for ch in passage if ch >= " ")))
    assert verify(fields, source) == []


# --------------------------------------------------------------------------
# read_source
# --------------------------------------------------------------------------


def _tiny_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF with one Helvetica text line per list item."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (" ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages))).encode(), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, lines in enumerate(pages):
        escaped = (line.replace("(", "\\(").replace(")", "\\)") for line in lines)
        shown = " ".join(f"({line}) Tj T*" for line in escaped)
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_read_source_reads_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(
        _tiny_pdf(
            [
                ["Police officers are not as aggressive, not as harsh as", "before. (Respond-"],
                ["ent from the Costa Rican Association)", "2"],
            ]
        )
    )
    raw = read_source(path)
    assert "2" not in raw.split()  # the page number is page furniture
    text = normalise_source(raw)
    assert text.find(
        "Police officers are not as aggressive, not as harsh as before. "
        "(Respondent from the Costa Rican Association)"
    )
    assert not text.find("not as harsh as befor.")


def test_read_source_reads_utf8_text(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("It’s a test.\n", encoding="utf-8")
    assert read_source(path) == "It’s a test.\n"


def test_read_source_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(SourceError, match=r"nowhere\.txt"):
        read_source(path)


def test_read_source_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\u00e9 cr\u00e8me".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin1\.txt.*UTF-8"):
        read_source(path)


def test_read_source_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with pytest.raises(SourceError, match=r"broken\.pdf"):
        read_source(path)

"""Figures for `briefpress import` (`make bench-import`). Not a test: it prints
figures for docs/benchmarks.md.

Reports are imported as a user would (`briefpress import FILE --report ID` in a
fresh process, into an empty temporary project), and the draft is compared with what
is known to be right:

1. the INPUD text dump (../shared/seeds/), against the hand-made data shipped in
   reports/inpud-2021-decriminalisation/;
2. and 3. the small fixture report of tests/fixtures/import/ as a Word document and as
   a PDF (generated here as the tests generate them), against its known content;
4. the fixture reports of other shapes (make_shapes.py: a disability-rights report with
   towns in five countries, two attribution styles, two-paragraph quotes and endnotes,
   and a French housing report), each as .docx, .pdf and .txt, against NAME.truth.yaml;
5. a megabyte on one line, for the import's time in line length.

For each: respondent quotes found with the right text, organisation and country;
quotes found that are not respondent quotes (no known quote has their text); footnotes
with the right number, citation and URL; recommendation items (recommendations and
their lettered parts) with the right text; sections with the right number and title;
and the seconds the command took, on the clock and in CPU time. Text is compared after
the normalisation `check --against` uses. Nothing is written outside the temporary
folder.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_f3237e55bf94ab5f.txt"
SHIPPED = REPO / "reports" / "inpud-2021-decriminalisation"
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "import"))

import make_report  # noqa: E402
import make_shapes  # noqa: E402

from briefpress.source.text import normalise_text  # noqa: E402


def _n(text: Any) -> str:
    if isinstance(text, list):  # a quote in paragraphs
        text = "\n\n".join(text)
    return normalise_text(str(text or "")).replace("-", " ").lower()


def _load(folder: Path, stem: str) -> Any:
    return yaml.safe_load((folder / f"{stem}.yaml").read_text("utf-8"))[stem]


def run_import(source: Path, root: Path) -> tuple[Path, float, float]:
    """`briefpress import` in a fresh process: the draft folder, the wall-clock
    seconds and the CPU seconds (user and system; other work on the machine
    inflates the first, hardly the second)."""
    (root / "briefs").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "briefpress", "-C", str(root), "import", str(source)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "--report", "draft"], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return root / "reports" / "draft", wall, cpu


def score(draft: Path, want: dict[str, Any]) -> dict[str, str]:
    """The draft against the known records (see the module doc)."""
    quotes = _load(draft, "quotes")
    organisations = {o["id"]: o for o in _load(draft, "organisations")}
    countries = {c["id"]: c["name"] for c in _load(draft, "countries")}
    found = {_n(q["text"]): q for q in quotes}
    right = 0
    for quote in want["quotes"]:
        got = found.get(_n(quote["text"]))
        if got is None:
            continue
        org = organisations.get(got["organisation"] or "")
        names = {_n(org["short"]), _n(org.get("name"))} if org else {""}
        if _n(quote["organisation"]) in names and _n(countries.get(got["country"])) == _n(
            quote["country"]
        ):
            right += 1
    known = {_n(q["text"]) for q in want["quotes"]}
    extra = sum(1 for text in found if text not in known)
    sources = {s["number"]: s for s in _load(draft, "sources")}
    notes = sum(
        1
        for number, (citation, url) in want["footnotes"].items()
        if number in sources
        and _n(sources[number]["citation"]) == _n(citation)
        and (sources[number]["url"] or None) == (url or None)
    )
    recommendations = _load(draft, "recommendations")
    items = {_n(r["text"]) for r in recommendations}
    items |= {_n(p["text"]) for r in recommendations for p in r["parts"]}
    report = yaml.safe_load((draft / "report.yaml").read_text("utf-8"))["report"]
    sections = {(s["id"], _n(s["title"])) for s in report["sections"]}
    return {
        "quotes right": f"{right}/{len(want['quotes'])}",
        "not respondent quotes": str(extra),
        "footnotes": f"{notes}/{len(want['footnotes'])}",
        "recommendation items": (
            f"{sum(_n(t) in items for t in want['items'])}/{len(want['items'])}"
        ),
        "sections": f"{sum((i, _n(t)) in sections for i, t in want['sections'])}"
        f"/{len(want['sections'])}",
    }


def inpud_expected() -> dict[str, Any]:
    """The hand-made INPUD data as the records a perfect import would find."""
    organisations = {o["id"]: o for o in _load(SHIPPED, "organisations")}
    countries = {c["id"]: c["name"] for c in _load(SHIPPED, "countries")}
    quotes = []
    for quote in _load(SHIPPED, "quotes"):
        org = organisations.get(quote["organisation"] or "")
        quotes.append(
            {
                "text": quote["text"],
                "organisation": (org["short"] if org else ""),
                "country": countries[quote["country"]],
            }
        )
    recommendations = _load(SHIPPED, "recommendations")
    items = [r["text"] for r in recommendations]
    items += [p["text"] for r in recommendations for p in r["parts"]]
    report = yaml.safe_load((SHIPPED / "report.yaml").read_text("utf-8"))["report"]
    return {
        "quotes": quotes,
        "footnotes": {s["number"]: (s["citation"], s["url"]) for s in _load(SHIPPED, "sources")},
        "items": items,
        "sections": [(s["id"], s["title"]) for s in report["sections"]],
    }


def fixture_expected() -> dict[str, Any]:
    """The fixture report's known content in the same shape."""
    want = make_report.expected()
    quotes = []
    for quote in want["quotes"]:
        words = quote["attribution"].replace("Respondent from ", "").replace("Respondent, ", "")
        org, country = words.rstrip("]").split(" [") if "[" in words else words.rsplit(", ", 1)
        quotes.append({"text": quote["text"], "organisation": org, "country": country})
    urls = {n: (c, _url(c)) for n, c in want["footnotes"].items()}
    return {
        "quotes": quotes,
        "footnotes": urls,
        "items": want["recommendation_items"],
        "sections": want["sections"],
    }


def _url(citation: str) -> str | None:
    start = citation.find("https://")
    return citation[start:].rstrip(")") if start >= 0 else None


def score_shape(draft: Path, truth: dict[str, Any]) -> dict[str, str]:
    """A fixture report of another shape against its ground truth (NAME.truth.yaml):
    quotes exact (every paragraph, in order), attributions exact, places right (the
    country as the report's sections name it, and the town as the quote's location),
    footnotes (number and citation), recommendation items, sections (number and title)."""
    quotes = _load(draft, "quotes")
    countries = {c["id"]: c["name"] for c in _load(draft, "countries")}
    found = {_n(q["text"]): q for q in quotes}
    exact = attributed = placed = 0
    for quote in truth["quotes"]:
        got = found.get(_n("\n\n".join(quote["paragraphs"])))
        paragraphs = got["text"] if got and isinstance(got["text"], list) else [got and got["text"]]
        if got is None or paragraphs != quote["paragraphs"]:
            continue
        exact += 1
        attributed += got["attribution"] == quote["attribution"]
        placed += _n(countries.get(got["country"])) == _n(quote["country"]) and (
            got.get("location") == quote.get("place")
        )
    sources = {s["number"]: s for s in _load(draft, "sources")}
    notes = sum(
        number in sources and _n(sources[number]["citation"]) == _n(citation)
        for number, citation in truth["footnotes"].items()
    )
    recommendations = _load(draft, "recommendations")
    items = {_n(r["text"]) for r in recommendations}
    items |= {_n(p["text"]) for r in recommendations for p in r["parts"]}
    report = yaml.safe_load((draft / "report.yaml").read_text("utf-8"))["report"]
    sections = {(s["id"], _n(s["title"])) for s in report["sections"]}
    total = len(truth["quotes"])
    return {
        "sections": f"{sum((i, _n(t)) in sections for i, t in truth['sections'])}"
        f"/{len(truth['sections'])}",
        "quotes exact": f"{exact}/{total}",
        "attributions": f"{attributed}/{total}",
        "places right": f"{placed}/{total}",
        "not respondent quotes": str(len(quotes) - exact),
        "footnotes": f"{notes}/{len(truth['footnotes'])}",
        "recommendation items": f"{sum(_n(t) in items for t in truth['items'])}"
        f"/{len(truth['items'])}",
        "language": str(report.get("language")),
    }


def _table(rows: list[tuple[str, dict[str, str]]]) -> None:
    columns = list(rows[0][1])
    print("| report | " + " | ".join(columns) + " |")
    print("| --- " * (len(columns) + 1) + "|")
    for name, figures in rows:
        print(f"| {name} | " + " | ".join(figures[c] for c in columns) + " |")
    print()


def _timed(figures: dict[str, str], wall: float, cpu: float) -> dict[str, str]:
    figures["seconds (wall)"] = f"{wall:.2f}"
    figures["seconds (CPU)"] = f"{cpu:.2f}"
    return figures


def one_long_line(folder: Path) -> None:
    """Import time of a megabyte on one line (thousands of quotations): it was quadratic."""
    sentence = "As one study put it: “the quoted words here” 3 and more. "
    for size in (2**18, 2**20):
        path = folder / f"line-{size}.txt"
        path.write_text("1 Findings\n\n" + sentence * (size // len(sentence)) + "\n", "utf-8")
        try:
            _, wall, cpu = run_import(path, folder / f"line-{size}")
        except subprocess.CalledProcessError as exc:  # verification may fail: timing counts
            wall, cpu = float("nan"), float("nan")
            print(exc.stderr[-200:])
        print(f"one line of {size // 1024} KiB: {wall:.2f}s wall, {cpu:.2f}s CPU")


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        rows: list[tuple[str, dict[str, str]]] = []
        documents = [
            ("INPUD text dump", SEED, inpud_expected()),
            ("fixture, Word", make_report.make_docx(folder / "report.docx"), fixture_expected()),
            ("fixture, PDF", make_report.make_pdf(folder / "report.pdf"), fixture_expected()),
        ]
        for index, (name, source, want) in enumerate(documents):
            draft, wall, cpu = run_import(source, folder / f"project-{index}")
            rows.append((name, _timed(score(draft, want), wall, cpu)))
        _table(rows)
        rows = []
        for (name, form), source in make_shapes.make_all(folder).items():
            draft, wall, cpu = run_import(source, folder / f"project-{name}-{form}")
            figures = score_shape(draft, make_shapes.truth(name))
            rows.append((f"{name}, {form}", _timed(figures, wall, cpu)))
        _table(rows)
        one_long_line(folder)


if __name__ == "__main__":
    main()

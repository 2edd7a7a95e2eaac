"""Validate stage: cross-references and brief specs, all problems collected.

Loading has already checked each record's shape; here we check that ids
resolve (with the nearest ids as suggestions), that every brief can be built
from the data it names, and that nothing identifies a person.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from briefpress.checks.brand import check_brand, check_style_names
from briefpress.checks.privacy import personal_identifiers
from briefpress.core import i18n
from briefpress.core.errors import Location, Problem
from briefpress.data import kinds
from briefpress.data.load import CONFIG_FILE, Project
from briefpress.data.model import (
    COLUMN_STYLES,
    PAPERS,
    SELECTABLE,
    TO_WRITE,
    BriefSpec,
    Report,
    ReportData,
    SectionSpec,
)
from briefpress.data.packs import available, load_pack, packs_of
from briefpress.data.select import ORDERS, resolve_sections, select

# (collection, attribute, target collection): every such reference must resolve.
REFERENCES = [
    ("organisations", "country", "countries"),
    ("countries", "model", "models"),
    ("countries", "organisations", "organisations"),
    ("models", "study_countries", "countries"),
    ("quotes", "organisation", "organisations"),
    ("quotes", "country", "countries"),
    ("quotes", "themes", "themes"),
    ("findings", "themes", "themes"),
    ("findings", "countries", "countries"),
    ("findings", "quotes", "quotes"),
    ("recommendations", "themes", "themes"),
]


@functools.cache
def known_languages() -> tuple[str, ...]:
    """Every language tag Babel knows (``pt-PT``), for "did you mean" on a mistyped one;
    any of them is accepted (see check_language_tag)."""
    from babel.localedata import locale_identifiers

    return tuple(sorted(tag.replace("_", "-") for tag in locale_identifiers()))


def suggest(value: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    return f"did you mean {', '.join(repr(c) for c in close)}?" if close else None


SINGULAR = {
    "countries": "country",
    "places": "place",
    "quotes": "quote",
    "organisations": "organisation",
    "models": "model",
    "themes": "theme",
    "findings": "finding",
    "sources": "source",
    "recommendations": "recommendation",
    "literature": "literature quotation",
}


def unknown(loc: Location, what: str, value: str, known: Mapping[str, Any]) -> Problem:
    return Problem(loc, f"unknown {what} {value!r}", suggest(value, known))


def where(record: Any, attr: str) -> Location:
    """The line of ``attr`` in ``record``, or the record's own line."""
    locs: dict[str, Location] = getattr(record, "locs", {})
    return locs.get(attr) or record.loc


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def other_kinds() -> str:
    """The kinds a letter may accompany (those no mailing sends), as a reader lists them."""
    names = [k.name for k in kinds.registry().values() if not k.mailed]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def check_typology_columns(data: ReportData) -> list[Problem]:
    """Each step's cells are in columns the report's spectrum declares, in a known style."""
    spectrum = data.report.spectrum
    columns = spectrum.columns if spectrum else []
    problems = [
        Problem(
            where(column, "style"),
            f"unknown column style {column.style!r}",
            f"one of {', '.join(COLUMN_STYLES)}",
        )
        for column in columns
        if column.style not in COLUMN_STYLES
    ]
    declared = [c.id for c in columns]
    for model in data.models.values():
        for name in model.columns:
            if name not in declared:
                hint = suggest(name, declared) or "declare it in report.yaml, spectrum: columns:"
                problems.append(Problem(where(model, "columns"), f"unknown column {name!r}", hint))
    return problems


def check_references(data: ReportData) -> list[Problem]:
    problems: list[Problem] = []
    for source, attr, target in REFERENCES:
        if target in data.broken:
            continue  # its file already has errors: "unknown id" here would only be noise
        known = data.collection(target)
        for record in data.collection(source).values():
            for value in _as_list(getattr(record, attr)):
                if value not in known and value != TO_WRITE:  # check_drafts lists those
                    problems.append(unknown(where(record, attr), SINGULAR[target], value, known))
    sections = {s.id for s in data.report.sections}
    problems.extend(check_report_sections(data.report, sections))
    problems.extend(check_typology_columns(data))
    if i18n.parse_locale(data.report.language) is None:
        tag = data.report.language
        hint = suggest(tag.replace("_", "-"), known_languages()) or "a BCP 47 tag such as en or fr"
        problems.append(Problem(where(data.report, "language"), f"unknown language {tag!r}", hint))
    for name in ("quotes", "findings", "literature", "sources", "recommendations"):
        for record in data.collection(name).values():
            if record.section is not None and record.section not in sections:
                problems.append(
                    Problem(
                        where(record, "section"),
                        f"unknown report section {record.section!r}",
                        suggest(record.section, sections),
                    )
                )
    for quote in data.quotes.values():
        org = data.organisations.get(quote.organisation or "")
        if org is not None and org.country != quote.country:
            problems.append(
                Problem(
                    where(quote, "country"),
                    f"organisation {org.id!r} is in {org.country!r}, not {quote.country!r}",
                )
            )
    return problems


def check_report_sections(report: Report, sections: set[str]) -> list[Problem]:
    """Section ids the report's own fields cite (methodology, spectrum, asks) exist."""
    cited: list[tuple[Any, str, str | None]] = [(report, "asks_section", report.asks_section)]
    if report.methodology is not None:
        cited.append((report.methodology, "section", report.methodology.section))
    if report.spectrum is not None:
        cited.append((report.spectrum, "section", report.spectrum.section))
    return [
        Problem(where(record, attr), f"unknown report section {value!r}", suggest(value, sections))
        for record, attr, value in cited
        if value is not None and value not in sections
    ]


ALLOW_HINT = (
    "if it is no person, declare it (an organisation in organisations.yaml, a place) "
    "or list it under 'allow:' in report.yaml"
)


def declared_names(data: ReportData, brand_names: Iterable[str] = ()) -> list[str]:
    """Names the report's data declares, which the anonymity check accepts: its
    organisations, places, the towns quotes are located in, publisher, its ``allow``
    list, and the brand's own name."""
    report = data.report
    names = [report.publisher.short, report.publisher.name, *report.allow, *brand_names]
    for org in data.organisations.values():
        names += [org.short, org.name or ""]
    names += [place.name for place in data.countries.values()]
    names += [quote.location or "" for quote in data.quotes.values()]  # towns, as printed
    return [n for n in names if n and n.strip()]


def check_anonymity(
    data: ReportData, brand_names: Iterable[str] = (), words: Iterable[str] = ()
) -> list[Problem]:
    """The report promised respondents anonymity: attributions name no person.

    What the data declares (organisations, places, the publisher, ``allow``) is never
    flagged; e-mail addresses, phone numbers and undeclared person-like names are.
    ``words`` are the words of organisation names in the project's packs.
    """
    problems = []
    allowed = declared_names(data, brand_names)
    for quote in data.quotes.values():
        for field_name in ("attribution", "note"):
            text = getattr(quote, field_name) or ""
            for found in personal_identifiers(text, allowed, words):
                problems.append(
                    Problem(
                        where(quote, field_name),
                        f"{field_name} of quote {quote.id!r} contains {found}",
                        f"attributions stay at organisation and place; {ALLOW_HINT}",
                    )
                )
    for org in data.organisations.values():
        # An organisation's name is declared by being one: only contact details are flagged.
        for attr in ("short", "name"):
            for found in personal_identifiers(getattr(org, attr) or "", allowed, words):
                problems.append(
                    Problem(
                        where(org, attr),
                        f"organisation {org.id!r} contains {found}",
                        "organisations are named, people are not",
                    )
                )
    return problems


def check_brief(brief: BriefSpec, project: Project) -> list[Problem]:
    problems: list[Problem] = []

    def add(attr: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(where(brief, attr), message, hint))

    kind = kinds.get(brief.kind)
    if kind is None:
        known = kinds.names()
        add(
            "kind",
            f"unknown kind {brief.kind!r}",
            suggest(brief.kind, known) or f"one of {', '.join(known)}",
        )
    if brief.paper not in PAPERS:
        add("paper", f"unknown paper size {brief.paper!r}", f"one of {', '.join(PAPERS)}")
    problems.extend(check_language_tag(brief, i18n.catalog_dirs(project.root)))
    for name, value in (("max_pages", brief.max_pages), ("min_pages", brief.min_pages)):
        if value is not None and value < 1:
            add(name, f"{name} must be at least 1")
    data = project.reports.get(brief.report)
    if data is None:
        problems.append(unknown(where(brief, "report"), "report", brief.report, project.reports))
        return problems
    for attr, message, hint in kind.rules(brief, data) if kind else ():
        add(attr, message, hint)
    if brief.country and brief.country not in data.countries:
        problems.append(unknown(where(brief, "country"), "country", brief.country, data.countries))
    for theme in brief.all_themes:
        if theme not in data.themes:
            attr = "theme" if theme == brief.theme else "themes"
            problems.append(unknown(where(brief, attr), "theme", theme, data.themes))
    problems.extend(check_letter(brief, project))
    sections = resolve_sections(brief, data.report)
    for section in sections:
        problems.extend(check_section(section, data))
    if not any(p.is_error for p in problems):
        problems.extend(check_selection(brief, data, sections))
    return problems


def _selects(data: ReportData, section: SectionSpec) -> list[Any]:
    source = section.from_ or section.name
    return select(data.collection(source), section) if source in SELECTABLE else []


def check_selection(
    brief: BriefSpec, data: ReportData, sections: list[SectionSpec]
) -> list[Problem]:
    """A section that selects nothing is a warning (its heading simply disappears); a
    brief that would print nothing but its title is an error."""
    problems = []
    chosen = {s.name: _selects(data, s) for s in sections}
    for section in sections:
        own = section.loc.file != "<none>"
        source = section.from_ or section.name
        if chosen[section.name] or section.optional:
            continue
        if not own and not (source in SELECTABLE and data.collection(source)):
            continue  # a default slot for records this report does not have at all
        what = (section.from_ or section.name).replace("_", " ")
        problems.append(
            Problem(
                section.loc if own else brief.loc,
                f"section {section.name!r} of brief {brief.id!r} selects no {what}",
                _empty_hint(section, own),
                severity="warning",
            )
        )
    if _prints_nothing(brief, chosen):
        problems.append(
            Problem(
                brief.loc,
                f"brief {brief.id!r} would print an empty page: none of its sections "
                "selects anything",
                "check its country/theme against the report data, or add 'sections:', "
                "'points:' or 'ask:'",
            )
        )
    problems += check_headline(brief)
    return problems


# The key message is set large on the cover: past this it is a paragraph, not a message.
HEADLINE_CHARS = 180


def check_headline(brief: BriefSpec) -> list[Problem]:
    """A spec's ``headline`` (the cover's key message) short enough to be one."""
    headline = (brief.headline or "").strip()
    if brief.headline is not None and not headline:
        return [Problem(brief.locs.get("headline", brief.loc), "headline is empty",
                        "write the brief's key message, or leave headline out")]  # fmt: skip
    if len(headline) > HEADLINE_CHARS:
        return [
            Problem(
                brief.locs.get("headline", brief.loc),
                f"headline runs to {len(headline)} characters: the cover sets it large",
                f"keep the key message under {HEADLINE_CHARS} characters",
                severity="warning",
            )
        ]
    return []


def _empty_hint(section: SectionSpec, own: bool) -> str:
    filters = [
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("country", section.country),
            ("theme", section.theme),
            ("section", section.section),
            ("ids", section.ids),
        )
        if values
    ]
    selector = "; ".join(filters) or "no filter"
    kind = "its filters" if own else "the default for this kind"
    return f"{kind} ({selector}) match no record; 'sections:' in the spec can choose others"


def _prints_nothing(brief: BriefSpec, chosen: Mapping[str, list[Any]]) -> bool:
    """Whether the page would hold no content: a handout prints its points, quote and ask;
    a letter its body; the other kinds their sections (each kind's ``has_content``)."""
    kind = kinds.get(brief.kind)
    return kind is not None and not kind.has_content(brief, chosen)


# A DL window envelope (DIN 5008 form B) shows six lines of address in 90 x 45 mm,
# about 45 characters a line at the letter's size: the template wraps and shrinks
# what is longer, so these are warnings, not errors.
WINDOW_LINES = 6
WINDOW_LINE_LENGTH = 45


def check_window(lines: list[str], loc: Location) -> list[Problem]:
    """Warnings for an address (name, title, organisation, lines) too big for the window."""
    problems = []
    if len(lines) > WINDOW_LINES:
        problems.append(
            Problem(
                loc,
                f"the address has {len(lines)} lines; a DL envelope window shows {WINDOW_LINES}",
                "shorten it, or the lines in the window print smaller",
                severity="warning",
            )
        )
    for line in lines:
        if len(line) > WINDOW_LINE_LENGTH:
            shown = line if len(line) <= 30 else line[:27] + "..."
            problems.append(
                Problem(
                    loc,
                    f"address line {shown!r} has {len(line)} characters "
                    f"(over {WINDOW_LINE_LENGTH}): it wraps in the envelope window",
                    severity="warning",
                )
            )
    return problems


def check_letter(brief: BriefSpec, project: Project) -> list[Problem]:
    """The brief a letter accompanies exists and is not a letter; its sample address fits."""
    letter = brief.letter
    if letter is None:
        return []
    problems = []
    recipient = letter.recipient
    lines = [recipient.name, recipient.title or "", recipient.organisation or ""]
    lines += (recipient.address or "").split("\n")
    problems += check_window([x for x in lines if x.strip()], where(letter, "recipient"))
    problems += check_letter_languages(brief)
    target = letter.accompanies
    if target is None:
        return problems
    known = sorted(p.stem for p in project.briefs_dir.glob("*.yaml"))
    loaded = project.briefs.get(target)
    if target not in known:
        problems.append(
            unknown(where(letter, "accompanies"), "brief", target, dict.fromkeys(known))
        )
    elif target == brief.id or (loaded is not None and kinds.is_mailed(loaded)):
        problems.append(
            Problem(
                where(letter, "accompanies"),
                f"a letter accompanies a brief, and {target!r} is a letter",
                f"name a brief of another kind: {other_kinds()}",
            )
        )
    return problems


def check_letter_languages(brief: BriefSpec) -> list[Problem]:
    """Each of a letter's translations is for a language Babel knows, other than its own."""
    assert brief.letter is not None
    problems = []
    for tag, text in brief.letter.translations.items():
        if i18n.parse_locale(tag) is None:
            hint = (
                suggest(tag.replace("_", "-"), known_languages())
                or "a BCP 47 tag such as es or pt-PT"
            )
            problems.append(Problem(text.loc, f"unknown language {tag!r}", hint))
        elif i18n.base_language(tag) == i18n.base_language(brief.language):
            problems.append(
                Problem(
                    text.loc,
                    f"the letter is written in {brief.language} already: {tag!r} is never used",
                    "translations are for recipients who read another language",
                    severity="warning",
                )
            )
    return problems


def check_language_tag(brief: BriefSpec, dirs: tuple[Path, ...] = i18n.SHIPPED) -> list[Problem]:
    """Any language Babel knows builds; one without a catalog warns that its interface
    words stay in English (so ``--strict`` refuses to ship such a brief)."""
    tag = brief.language
    if i18n.parse_locale(tag) is None:
        hint = (
            suggest(tag.replace("_", "-"), known_languages()) or "a BCP 47 tag such as es or pt-PT"
        )
        return [Problem(where(brief, "language"), f"unknown language {tag!r}", hint)]
    if i18n.catalog_for(tag, dirs) is None and i18n.base_language(tag) != i18n.SOURCE_LANGUAGE:
        shipped = ", ".join(c.replace("_", "-") for c in i18n.catalog_languages(dirs))
        return [
            Problem(
                where(brief, "language"),
                f"no interface translation for {tag!r}: headings and labels stay in English",
                f"catalogs: {shipped}; start one with: briefpress new-language {tag}",
                severity="warning",
            )
        ]
    return []


def check_section(section: Any, data: ReportData) -> list[Problem]:
    problems: list[Problem] = []
    loc = section.loc if section.loc.file != "<none>" else None
    if loc is None:
        return problems  # a built-in default section: correct by construction
    source = section.from_ or section.name
    if source not in SELECTABLE:
        problems.append(
            Problem(
                where(section, "from_"),
                f"section {section.name!r} selects from unknown records {source!r}",
                suggest(source, SELECTABLE) or f"use 'from:' with one of {SELECTABLE}",
            )
        )
        return problems
    collection = data.collection(source)
    for rid in section.ids:
        if rid not in collection:
            problems.append(
                unknown(where(section, "ids"), f"{SINGULAR[source]} id", rid, collection)
            )
    for country in section.country:
        if country not in data.countries:
            problems.append(unknown(where(section, "country"), "country", country, data.countries))
    for theme in section.theme:
        if theme not in data.themes:
            problems.append(unknown(where(section, "theme"), "theme", theme, data.themes))
    sections = {s.id for s in data.report.sections}
    for attr in ("section", "except_section"):
        for wanted in getattr(section, attr):
            if wanted not in sections:
                problems.append(
                    unknown(where(section, attr), "report section", wanted, dict.fromkeys(sections))
                )
    if section.order not in ORDERS:
        problems.append(
            Problem(
                where(section, "order"),
                f"unknown order {section.order!r}",
                f"one of {', '.join(ORDERS)}",
            )
        )
    if section.limit is not None and section.limit < 1:
        problems.append(Problem(where(section, "limit"), "limit must be at least 1"))
    return problems


def check_packs(project: Project) -> list[Problem]:
    """Every pack briefpress.yaml switches on is one briefpress ships."""
    config = project.config
    problems = []
    for name in config.packs:
        if load_pack(name) is None:
            known = available()
            hint = suggest(name, known) or f"the packs are: {', '.join(known) or 'none'}"
            where = Location(CONFIG_FILE)
            problems.append(Problem(where, f"no pack {name!r}", hint))
    return problems


def validate_project(project: Project) -> list[Problem]:
    """Every problem in the project: loading, references, anonymity, briefs."""
    problems = list(project.problems) + check_brand(project) + check_packs(project)
    problems += check_style_names(project)
    brand = project.config.brand
    words = [w for pack in packs_of(project.config.packs) for w in pack.organisation_words]
    for data in project.reports.values():
        problems.extend(check_references(data))
        problems.extend(check_anonymity(data, [brand.organisation, brand.short or ""], words))
    for brief in project.briefs.values():
        problems.extend(check_brief(brief, project))
    return problems

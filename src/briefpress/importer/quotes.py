"""Respondent quotes, their attributions, and quotations from literature.

A respondent quote is a passage followed by an attribution in one of the
report's patterns (:file:`attributions.yaml`, plus the project's own).  It
starts where the passage does: after the previous attribution, after a line
that introduces it with a colon, after a paragraph's end or heading, or, in a
Word document, with its paragraph (and the "Quote"-style paragraphs before
it).  A passage in quotation marks, or after a colon, that ends in a
footnote reference and carries no attribution is a quotation from
literature, kept apart.  The organisation and country come from the
attribution; a country is recognised by its English name (from Babel), so a
bracketed acronym is told from a country and "Vietnamese Network ..." is
placed in Vietnam.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from briefpress.importer.attribute import SetApart, parts, set_apart
from briefpress.importer.draft import (
    TOWN_NOTE,
    Draft,
    Literature,
    Quote,
    Section,
    Subsection,
    slug,
)
from briefpress.importer.patterns import PROJECT_PATTERNS, Pattern
from briefpress.importer.places import country_code, country_name, resolve, studied_countries
from briefpress.importer.source import Source
from briefpress.importer.spans import Spans
from briefpress.importer.structure import section_at, subsection_at
from briefpress.source.text import normalise_text

_SENTENCE_END = tuple(".!?…\"'”’)]")
_QUOTE_STYLES = ("Quote", "Intense Quote", "Block Quote", "Block Text")
_OPEN_QUOTE = '“"'
_CLOSE_QUOTE = '”"'
_REF = re.compile("\x03(\\d+)\x04")
_REF_AT_END = re.compile("\x03(\\d+)\x04[ \t]*(?=\n|\\Z)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.-]{1,15}")
_LITERATURE_MAX_LINES = 12
_ATTRIBUTION_LIKE = re.compile(r"\((?:[Rr]espondent|[Pp]articipant|[Ii]nterviewee)[^()]{0,120}\)")
_INLINE_LITERATURE = re.compile('[“"]([^“”"\n]{0,600}(?:\n[^“”"\n]{0,600}){0,8})[”"]\x03(\\d+)\x04')


@dataclass(frozen=True)
class Attribution:
    """An attribution found in the body: its plain span and what it names."""

    start: int
    end: int
    text: str
    org: str | None
    place: str | None
    pattern: Pattern


@cache
def country_names() -> dict[str, str]:
    """English country and territory names (lower-case key), from Babel's CLDR data."""
    from babel import Locale

    names = {
        name.lower(): name
        for code, name in Locale("en").territories.items()
        if code.isalpha() and len(code) == 2
    }
    for short, name in (("vietnam", "Vietnam"), ("netherlands", "Netherlands")):
        names.setdefault(short, name)
    return names


def as_country(text: str) -> str | None:
    """The text as a country name as printed, if it is one ("the Netherlands")."""
    bare = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return bare if bare.lower() in country_names() else None


def country_in(name: str) -> str | None:
    """A country a name starts a word with: "Vietnamese Network" is in Vietnam."""
    folded = normalise_text(name).lower()
    for key, printed in sorted(country_names().items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{re.escape(key)}", folded):
            return printed
    return None


def find_attributions(
    source: Source, patterns: list[Pattern], taken: Spans | None = None
) -> list[Attribution]:
    """Every attribution in the body, first pattern first where two overlap
    (and none where ``taken`` already has one)."""
    found: list[Attribution] = []
    taken = taken or Spans()
    for pattern in patterns:
        for match in pattern.regex.finditer(source.plain):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            if not _after_sentence(source.plain, start):
                continue
            groups = match.groupdict()
            org = _clean(groups.get("org"))
            if pattern.country_only and (org is None or as_country(org) is None):
                continue
            text = source.cut(*match.span("attribution"))
            found.append(Attribution(start, end, text, org, _clean(groups.get("place")), pattern))
            taken.add(start, end)
    return sorted(found, key=lambda a: a.start)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(_REF.sub("", value).split())
    return value or None


def _after_sentence(plain: str, start: int) -> bool:
    """Whether an attribution at ``start`` follows a sentence's end or a line start."""
    before = _REF.sub("", plain[max(0, start - 12) : start]).rstrip(" \t")
    return not before or before.endswith("\n") or before.endswith(_SENTENCE_END)


def find_quotes(
    source: Source,
    draft: Draft,
    patterns: list[Pattern],
    subsections: list[Subsection],
) -> None:
    """Fill ``draft.quotes`` and ``draft.literature``; organisations come later.

    Quotations set apart with an attribution line under them come first
    (:mod:`.attribute`); the patterns then find attributions in running text.
    """
    apart = set_apart(source, _floors(source, draft.sections, subsections))
    taken = Spans()
    for item in apart:
        taken.add(item.start, item.end)
    for item in apart:
        draft.quotes.append(_apart_quote(source, draft, subsections, item))
    attributions = find_attributions(source, patterns, taken)
    apart_ends = sorted(item.end for item in apart)
    previous_end = 0
    for attribution in attributions:
        before = bisect.bisect_left(apart_ends, attribution.start)
        previous_end = max(previous_end, apart_ends[before - 1] if before else 0)
        start = _quote_start(source, draft.sections, subsections, attribution.start, previous_end)
        previous_end = attribution.end
        start, end = _trim(source, start, attribution.start)
        if end <= start:
            draft.note(f"{source.path.name}", f"attribution ({attribution.text}) follows no text")
            continue
        organisation, country = _org_and_country(attribution, draft)
        quote = Quote(
            id="",  # numbered once all are found (_number)
            order=0,
            text=source.cut(start, end),
            attribution=attribution.text,
            organisation=organisation,
            country=country,
            section=section_at(draft.sections, start),
            subsection=subsection_at(subsections, draft.sections, start),
            start=start,
        )
        draft.quotes.append(quote)
    draft.quotes.sort(key=lambda q: q.start)
    _drop_repeats(draft)
    all_attributions = [*attributions, *(_as_attribution(item) for item in apart)]
    find_literature(source, draft, sorted(all_attributions, key=lambda a: a.start))
    _unparsed(source, draft, all_attributions)
    _number(draft)


_SET_APART = Pattern("set apart", re.compile("(?!)"))


def _as_attribution(item: SetApart) -> Attribution:
    """A set-apart attribution in the shape the pattern-found ones have."""
    return Attribution(item.start, item.end, item.text, None, None, _SET_APART)


def _floors(source: Source, sections: list[Section], subsections: list[Subsection]) -> list[int]:
    """For each body line, the start of the heading it is under (no quote starts before)."""
    heads = sorted([s.start for s in sections] + [s.start for s in subsections])
    floors: list[int] = []
    for index in range(len(source.lines)):
        start = source.line_span(index)[0]
        position = bisect.bisect_right(heads, start) - 1
        floors.append(heads[position] if position >= 0 else 0)
    return floors


def _apart_quote(
    source: Source, draft: Draft, subsections: list[Subsection], item: SetApart
) -> Quote:
    """A quote set apart, its place resolved at the level the report studies."""
    start = item.paragraphs[0][0]
    section = section_at(draft.sections, start)
    said = parts(item.text)
    studied = studied_countries(s.title for s in draft.sections)
    titles = {s.id: s.title for s in draft.sections}
    section_code = country_code(titles.get(section, "")) if section else None
    country = town = None
    if said.place is not None:
        place = resolve(said.place, studied, section_code)
        town = place.town
        unknown = place.code is None and section_code is None
        if place.code is not None:
            country = studied.get(place.code) or country_name(place.code, draft.language)
        elif unknown:
            country = town = _place_of_its_own(draft, said.place)
        if place.note and not unknown:
            draft.note(f"quote ({item.text})", place.note)
    if country is None and section_code is not None:
        country = studied[section_code]
    if country is None:
        draft.note(f"quote ({item.text})", "no country could be told: set the quote's country")
    named = said.organisation if said.organisation and _is_name(said.organisation) else None
    return Quote(
        id="",
        order=0,
        text="\n\n".join(source.cut(*span) for span in item.paragraphs),
        attribution=item.text,
        organisation=named,
        country=country,
        section=section,
        subsection=subsection_at(subsections, draft.sections, start),
        start=start,
        location=town,
    )


def _place_of_its_own(draft: Draft, printed: str) -> str:
    """A place no gazetteer knows (a small town, a place the report invents a name for),
    drafted as a place of its own, once on the review list: a person folds such towns
    into the place the report studies, or keeps them."""
    where = f"countries.yaml ({slug(printed)})"
    if not any(item.where == where for item in draft.review):
        draft.note(where, f"{printed} is a place briefpress does not know, {TOWN_NOTE}")
    return printed


def _is_name(text: str) -> bool:
    """An organisation's name is capitalised ("Peer Network"); a kind of one is not
    ("disabled persons' organisation")."""
    return any(word[:1].isupper() for word in text.split())


def _quote_start(
    source: Source,
    sections: list[Section],
    subsections: list[Subsection],
    attribution_start: int,
    previous_end: int,
) -> int:
    """Where the passage before an attribution starts (see the module doc)."""
    floor = max(
        [previous_end]
        + [s.start for s in sections if s.start < attribution_start]
        + [s.start for s in subsections if s.start < attribution_start]
    )
    index = source.line_at(attribution_start)
    line_start, _ = source.line_span(index)
    if source.styled:
        if not source.plain[line_start:attribution_start].strip():
            index -= 1  # the attribution is a paragraph of its own
        quoted = source.lines[index].style in _QUOTE_STYLES if index >= 0 else False
        while quoted and index > 0 and source.lines[index - 1].style in _QUOTE_STYLES:
            index -= 1
        return max(floor, source.line_span(max(index, 0))[0])
    if not source.plain[line_start:attribution_start].strip():
        index -= 1  # the attribution starts a line: the passage ends on the one before
    cursor = index - 1
    while cursor >= 0 and source.line_span(cursor)[1] > floor:
        text = source.line_text(cursor).rstrip()
        if text.endswith(":") or source.ends_paragraph(cursor):
            return max(floor, source.line_span(cursor + 1)[0])
        cursor -= 1
    return max(floor, source.line_span(cursor + 1)[0] if cursor + 1 < len(source.lines) else 0)


def _trim(source: Source, start: int, end: int) -> tuple[int, int]:
    """Narrow a passage to its words: whitespace off, and its quotation marks
    when it is quoted whole; an inline quotation ends a sentence of ours."""
    text = source.plain
    while start < end and text[start] in " \t\n)":
        start += 1
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    closing = _REF.sub("", text[start:end]).rstrip()
    if closing.endswith(tuple(_CLOSE_QUOTE)) or (closing[-2:-1] and closing[-2] in _CLOSE_QUOTE):
        opening = max(text.rfind(mark, start, end - 1) for mark in _OPEN_QUOTE)
        if opening == start:
            start += 1
            end = start + len(text[start:end].rstrip().rstrip('”"').rstrip())
        elif opening > start and text[opening - 1 : opening] in (" ", "\n"):
            start = opening + 1
            end = start + len(text[start:end].rstrip().rstrip('”"').rstrip())
    return start, end


def _org_and_country(attribution: Attribution, draft: Draft) -> tuple[str | None, str | None]:
    """(organisation as printed, country name as printed) from an attribution."""
    org, place = attribution.org, attribution.place
    country: str | None = None
    acronym: str | None = None
    if place is not None:
        if as_country(place):
            country = as_country(place)
        elif _ACRONYM.fullmatch(place):
            acronym = place
        else:
            country = place
            draft.note(
                f"quote ({attribution.text})",
                f"{place!r} is read as a country, but it is not a country name known to briefpress",
            )
    if org is not None and as_country(org):
        country, org = country or as_country(org), None
    if org is not None:
        org = re.sub(r"^the\s+", "", org, flags=re.IGNORECASE)
        if acronym:
            org = f"{org} [{acronym}]"
    if country is None and org is not None:
        country = country_in(org)
    if country is None:
        draft.note(
            f"quote ({attribution.text})",
            "the attribution names no country that could be recognised: set the quote's country",
        )
    return org, country


def _unparsed(source: Source, draft: Draft, attributions: list[Attribution]) -> None:
    """Review items for what looks like an attribution but matched no pattern,
    and for passages set as quotes that no attribution follows."""
    found = Spans()
    for attribution in attributions:
        found.add(attribution.start, attribution.end)
    for match in _ATTRIBUTION_LIKE.finditer(source.plain):
        if not found.holds(match.start()):
            draft.note(
                source.path.name,
                f"{source.cut(*match.span())} looks like an attribution but matches no "
                f"pattern: add one to {PROJECT_PATTERNS} and import again, or add the quote",
            )
    taken = _taken(draft)
    for attribution in attributions:
        taken.add(attribution.start, attribution.end)
    for index, line in enumerate(source.lines):
        start, end = source.line_span(index)
        if index and not source.lines[index - 1].last:
            continue  # one item per paragraph
        if line.style in _QUOTE_STYLES and not taken.overlaps(start, max(end, start + 1)):
            draft.note(
                source.path.name,
                f"“{source.cut(start, end)[:60]}” is set as a quote ({line.style}) but no "
                "attribution follows it: a pull quote, or a quote to add by hand?",
            )


def _drop_repeats(draft: Draft) -> None:
    """A passage printed twice (a pull quote repeating a quote) is one quote."""
    kept: list[Quote] = []
    seen = _Repeats()
    for quote in draft.quotes:
        text = normalise_text(quote.text)
        if seen.repeats(text):
            draft.note(
                f"quote ({quote.attribution})",
                f"“{quote.text[:60]}…” repeats a quote printed before; imported once",
            )
            continue
        seen.add(text)
        kept.append(quote)
    draft.quotes = kept


class _Repeats:
    """Texts seen, found again inside or around a new text by their word runs.

    Comparing every quote with every other was quadratic; a repeat shares a
    run of words with what it repeats, so only the texts that share the new
    text's first run (or whose first run the new text holds) are compared.
    """

    _RUN = 5  # words

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._by_run: dict[str, list[int]] = {}  # every run of a text seen
        self._by_first: dict[str, list[int]] = {}  # the first run of a text seen
        self._short: list[int] = []  # texts shorter than a run: compared with all

    @classmethod
    def _runs(cls, text: str) -> list[str]:
        words = text.split(" ")
        if len(words) <= cls._RUN:
            return [text]
        return [" ".join(words[i : i + cls._RUN]) for i in range(len(words) - cls._RUN + 1)]

    def repeats(self, text: str) -> bool:
        """Whether ``text`` is inside a text seen, or holds one."""
        runs = self._runs(text)
        inside = self._by_run.get(runs[0], []) if runs[0] != text else range(len(self._texts))
        holds = {index for run in runs for index in self._by_first.get(run, [])}
        holds.update(self._short)
        return any(text in self._texts[i] for i in inside) or any(
            self._texts[i] in text for i in holds
        )

    def add(self, text: str) -> None:
        index = len(self._texts)
        self._texts.append(text)
        runs = self._runs(text)
        for run in set(runs):
            self._by_run.setdefault(run, []).append(index)
        self._by_first.setdefault(runs[0], []).append(index)
        if runs[0] == text:
            self._short.append(index)


def find_literature(source: Source, draft: Draft, attributions: list[Attribution]) -> None:
    """Quotations from literature: quoted or introduced passages with a footnote."""
    taken = _taken(draft)
    starts = sorted(a.start for a in attributions)
    spans: list[tuple[int, int, int]] = []
    for inline in _INLINE_LITERATURE.finditer(source.plain):
        spans.append((inline.start(1), inline.end(1), int(inline.group(2))))
    for index in range(len(source.lines) - 1):
        if not source.line_text(index).rstrip().endswith(":"):
            continue
        start = source.line_span(index + 1)[0]
        limit = source.line_span(min(index + _LITERATURE_MAX_LINES, len(source.lines) - 1))[1]
        match = _REF_AT_END.search(source.plain, start, limit)
        if match is None or _starts_between(starts, start, match.start()):
            continue
        if ":\n" in source.plain[start : match.start()]:
            continue
        spans.append((start, match.start(), int(match.group(1))))
    for start, end, number in sorted(spans):
        start, end = _trim(source, start, end)
        if end - start < 10 or not taken.add(start, end):
            continue
        draft.literature.append(
            Literature("", source.cut(start, end), number, section_at(draft.sections, start), start)
        )


def _starts_between(starts: list[int], low: int, high: int) -> bool:
    """Whether a sorted list holds a value in ``[low, high)``."""
    index = bisect.bisect_left(starts, low)
    return index < len(starts) and starts[index] < high


def _taken(draft: Draft) -> Spans:
    """The spans of the quotes and quotations found so far."""
    taken = Spans()
    for start, text in [(q.start, q.text) for q in draft.quotes] + [
        (x.start, x.text) for x in draft.literature
    ]:
        taken.add(start, start + len(text))
    return taken


def _number(draft: Draft) -> None:
    """Quote ids by section (``q41-01``), literature ids by order (``lit-01``)."""
    per_section: dict[str, int] = {}
    for order, quote in enumerate(sorted(draft.quotes, key=lambda q: q.start), 1):
        per_section[quote.section] = per_section.get(quote.section, 0) + 1
        digits = quote.section.replace(".", "") or "0"
        quote.id, quote.order = f"q{digits}-{per_section[quote.section]:02d}", order
    draft.quotes.sort(key=lambda q: q.order)
    draft.literature.sort(key=lambda item: item.start)
    for order, item in enumerate(draft.literature, 1):
        item.id = f"lit-{order:02d}"

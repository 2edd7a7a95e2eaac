"""The figures of README's table of translated briefs (`make language-figures`): for each
brief in another language than the report's, its pages (built, through the build's cache)
and the share of its running words not in its language (see briefpress.checks.foreign).

Prints Markdown table rows; not a benchmark, and not timed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError

from briefpress.build.builder import build
from briefpress.data.load import load_project
from briefpress.render.measure import language_shares, translated_briefs

REPO = Path(__file__).resolve().parents[1]


def language_name(tag: str) -> str:
    """``Spanish (es)``, ``European Portuguese (pt-PT)``: CLDR's English name for the
    tag, as the table is read by people who may not know every tag."""
    english = Locale("en")
    name = english.languages.get(tag.replace("-", "_"))
    if name is None:
        try:
            name = Locale.parse(tag, sep="-").get_display_name("en")
        except (ValueError, UnknownLocaleError):
            name = None
    return f"{name} ({tag})" if name else tag


def main() -> int:
    project = load_project(REPO)
    ids = [b.id for b in translated_briefs(project)]
    results = {r.brief.id: r for r in build(REPO, ids, jobs=2)}
    failed = [i for i, r in results.items() if r.failed(strict=False)]
    if failed:
        print(f"could not build: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("| brief | language | pages (budget) | words | not in its language |")
    print("| --- | --- | --- | --- | --- |")
    for share in language_shares(project):
        brief = project.briefs[share.brief]
        result = results[share.brief]
        budget = f" ({brief.max_pages})" if brief.max_pages else ""
        print(
            f"| `{share.brief}` | {language_name(share.language)} | {result.pages}{budget} "
            f"| {share.words} "
            f"| {share.share:.1%} ({share.foreign} words) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

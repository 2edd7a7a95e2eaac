"""`make check-design`: a designer's measures of every built brief, both editions.

For each PDF under out/ (screen) and out/print/ (print): the fill of each page, the
median characters a line of running text, hard hyphens at line ends in the text layer,
the smallest text size, text printed as a grey screen (print), figure descriptions that
only repeat a title, and characters drawn over other characters. Then each brief's
misses against the targets; the exit status is 1 if any brief misses one.

    python scripts/check_design.py [PROJECT] [--brief ID ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefpress import editions
from briefpress.data.load import load_project
from briefpress.pdf.design import measure, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=".", type=Path)
    parser.add_argument("--brief", action="append", default=[], help="only these briefs")
    args = parser.parse_args()
    project = load_project(args.project)
    brand = project.config.brand
    names = tuple(n for n in (brand.organisation, brand.short) if n)
    head = f"{'brief':32} {'ed.':6} {'fill of each page':28} {'line':>4} {'hyph':>4} "
    print(head + f"{'min pt':>6} {'grey':>4} {'alt':>3} {'over':>4}  misses")
    missed = 0
    for brief_id, brief in sorted(project.briefs.items()):
        if args.brief and brief_id not in args.brief:
            continue
        for ed in editions.pdf_editions():
            edition, pdf = ed.name, ed.output(project.out_dir, brief_id)
            if not pdf.is_file():
                continue
            facts = measure(pdf.read_bytes(), ed.medium.prepress, names)
            problems = misses(facts, brief.kind)
            missed += bool(problems)
            fills = " ".join(f"{f:.0%}" for f in facts.fills)
            print(
                f"{brief_id:32} {edition:6} {fills:28} {facts.median_line:4.0f} "
                f"{facts.hard_hyphens:4} {facts.smallest:6.1f} {facts.grey_text:4} "
                f"{len(facts.title_alts):3} {len(facts.overlaps):4}  {'; '.join(problems)}"
            )
    print(f"\n{missed} PDFs miss a target." if missed else "\nEvery PDF meets the targets.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

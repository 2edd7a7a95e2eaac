"""A build in which nothing changed, answered without loading the project.

Loading and validating a project (YAML, every check, the fonts this machine has) costs
far more than the question a no-op build asks: is every input the same as at the last
build in which every brief succeeded, and is every output still the file that build
wrote? The cache's marker (build/cache.py) holds the digest of those inputs, the files
briefs link to outside the project's folders and, per brief, the little a result shows
(its report, kind, title and language). When the digest of the files as they are now,
with the same options, is the marker's, and every output is the recorded file, the
build's answer is "all up to date" and nothing is loaded. Anything else (a changed
file, a deleted PDF, an edition whose finisher must run) gives None: the full build
then runs, and decides brief by brief.
"""

from __future__ import annotations

from pathlib import Path

from briefpress import editions
from briefpress.build.builder import build_inputs, claim_out
from briefpress.build.cache import GALLERY, INPUTS, BuildCache, cache_name
from briefpress.build.results import BriefResult
from briefpress.data.load import Project
from briefpress.data.model import BriefSpec


def unchanged_build(
    root: Path,
    brief_ids: list[str] | None,
    chosen: tuple[str, ...],
    strict: bool,
    write_html: bool,
) -> list[BriefResult] | None:
    """Every result, up to date, when nothing changed since the last clean build of the
    same briefs with the same options; None when the build must look closer."""
    project = Project(root=root)
    out_dir = project.out_dir
    claim_out(project)  # as every build: out/ is ours, killed runs' leftovers go
    cache = BuildCache.load(out_dir)
    marker = cache.entries.get(INPUTS)
    known = marker.get("briefs") if isinstance(marker, dict) else None
    linked = marker.get("linked") if isinstance(marker, dict) else None
    if not isinstance(known, dict) or not isinstance(linked, list):
        return None
    names = editions.expand(chosen or (editions.default().name,))
    if any(editions.get(name).finisher is not None for name in names):
        return None  # an edition that makes more than one file per brief: let it finish
    ids = brief_ids or sorted(p.stem for p in project.briefs_dir.glob("*.yaml"))
    if sorted(ids) != sorted(known) or len(set(ids)) != len(ids):
        return None
    files = [root / str(name) for name in linked]
    key = build_inputs(root, sorted(ids), names, strict, write_html, files)
    outputs = expected_outputs(project, ids, names, write_html)
    pages = cache.all_fresh(key, outputs)
    if pages is None:
        return None
    if brief_ids is None and not cache.verified(GALLERY, out_dir / "index.html"):
        return None  # the gallery a full build writes is gone or changed
    results = []
    for brief_id in ids:
        brief = stand_in(brief_id, known[brief_id])
        if brief is None:
            return None
        for name in names:
            output = outputs[cache_name(brief_id, name)]
            entry = pages[cache_name(brief_id, name)]
            results.append(BriefResult(brief, name, output, entry, [], True, True))
    return results


def expected_outputs(
    project: Project, ids: list[str], names: tuple[str, ...], write_html: bool
) -> dict[str, Path]:
    """The cache entry and file of each output the build makes."""
    outputs = {}
    for brief_id in ids:
        for name in names:
            edition = editions.get(name)
            outputs[cache_name(brief_id, name)] = edition.output(project.out_dir, brief_id)
            if write_html and edition.is_pdf:
                html = edition.output(project.out_dir, brief_id, ".html")
                outputs[cache_name(brief_id, name, ":html")] = html
    return outputs


def stand_in(brief_id: str, facts: object) -> BriefSpec | None:
    """The brief as a result shows it, from what the last clean build recorded."""
    if not isinstance(facts, list) or len(facts) != 4:
        return None
    if not all(isinstance(fact, str) for fact in facts):
        return None
    report, kind, title, language = facts
    return BriefSpec(
        id=brief_id,
        report=report,
        kind=kind,
        title=title,
        language=language,
        file=f"briefs/{brief_id}.yaml",
    )

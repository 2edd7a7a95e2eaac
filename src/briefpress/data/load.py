"""Load stage: read the project's YAML into typed records that remember file:line.

Nothing is rendered here and nothing stops at the first mistake: every file
is read, and every problem is returned for the user to fix in one pass.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefpress.core.errors import Location, Problem
from briefpress.core.files import name_problem, printable
from briefpress.data.model import (
    RECORD_FILES,
    BriefSpec,
    Config,
    Report,
    ReportData,
)
from briefpress.data.schema import Builder
from briefpress.data.translations import load_translations
from briefpress.data.yamlload import YamlDocument, load_yaml, parse_yaml

CONFIG_FILE = "briefpress.yaml"
# A record file under the report's own word: cities and regions live in places.yaml.
FILE_ALIASES = {"countries": "places"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class Project:
    """A folder with briefs/, reports/, optional templates/ and styles/."""

    root: Path
    config: Config = field(default_factory=Config)
    reports: dict[str, ReportData] = field(default_factory=dict)
    briefs: dict[str, BriefSpec] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files read from here instead of the disk: a change the studio proposes, loaded
    # and validated before anything is written.
    overrides: dict[Path, bytes] = field(default_factory=dict, repr=False)

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def display(self, path: Path) -> str:
        """A path as the user knows it: relative to the project, with forward slashes."""
        for inner, outer in (
            (Path(os.path.abspath(path)), Path(os.path.abspath(self.root))),  # links kept
            (path.resolve(), self.root.resolve()),
        ):
            if inner.is_relative_to(outer):
                return printable(inner.relative_to(outer).as_posix())
        return printable(str(path))


def _read(project: Project, path: Path) -> YamlDocument | None:
    if path in project.overrides:
        doc, problems = parse_yaml(project.overrides[path], project.display(path))
    else:
        doc, problems = load_yaml(path, project.display(path), roots=[project.root])
    project.problems.extend(problems)
    return doc


def load_config(project: Project) -> None:
    path = project.root / CONFIG_FILE
    if not path.exists():
        return
    doc = _read(project, path)
    if doc is None or doc.data is None:
        return
    builder = Builder(doc)
    config = builder.build(Config, doc.data, ())
    project.problems.extend(builder.problems)
    if config is not None:
        project.config = config


def _records(project: Project, folder: Path, stem: str, cls: type) -> dict[str, Any]:
    """The records of one ``<stem>.yaml`` file, keyed by id; duplicates are problems."""
    path = folder / f"{stem}.yaml"
    alias = FILE_ALIASES.get(stem)
    if not path.exists() and alias and (folder / f"{alias}.yaml").exists():
        stem, path = alias, folder / f"{alias}.yaml"  # places.yaml, key places:
    if not path.exists():
        return {}
    doc = _read(project, path)
    if doc is None or doc.data is None:
        return {}
    builder = Builder(doc)
    if not isinstance(doc.data, dict) or stem not in doc.data:
        builder.problem((), f"expected a mapping with the key {stem!r} holding a list")
        project.problems.extend(builder.problems)
        return {}
    extra = set(doc.data) - {stem}
    for key in sorted(map(str, extra)):
        builder.problem((key,), f"unknown top-level key {key!r}", f"only {stem!r} is allowed")
    items = doc.data[stem]
    if not isinstance(items, list):
        builder.problem((stem,), "expected a list of records")
        items = []
    records: dict[str, Any] = {}
    for i, item in enumerate(items):
        record = builder.build(cls, item, (stem, i))
        if record is None:
            continue
        rid = str(record.id)
        if rid in records:
            first = records[rid].loc
            builder.problem((stem, i, "id"), f"duplicate id {rid!r}", f"first used at {first}")
            continue
        records[rid] = record
    project.problems.extend(builder.problems)
    return records


def load_report(project: Project, folder: Path) -> ReportData | None:
    """One report folder; None when its report.yaml is missing or broken."""
    doc = _read(project, folder / "report.yaml")
    if doc is None:
        return None
    builder = Builder(doc)
    report: Report | None = None
    if isinstance(doc.data, dict) and "report" in doc.data:
        report = builder.build(Report, doc.data["report"], ("report",))
    else:
        builder.problem((), "expected a mapping with the key 'report'")
    project.problems.extend(builder.problems)
    collections: dict[str, dict[str, Any]] = {}
    broken: set[str] = set()
    for stem, cls in RECORD_FILES.items():
        before = len(project.problems)
        collections[stem] = _records(project, folder, stem, cls)
        if len(project.problems) > before:
            broken.add(stem)
    if report is None:
        return None
    if report.id != folder.name:
        project.problems.append(
            Problem(report.loc, f"report id {report.id!r} differs from its folder {folder.name!r}")
        )
    data = ReportData(report=report, broken=broken, **collections)
    data.translations, problems = load_translations(folder, data, project.display)
    project.problems.extend(problems)
    return data


def load_brief(project: Project, path: Path) -> BriefSpec | None:
    brief_id = path.stem
    display = project.display(path)
    if not ID_RE.match(brief_id):
        project.problems.append(
            Problem(
                Location(display),
                f"brief id {printable(brief_id)!r} is not usable as a file name",
                "use lower-case letters, digits and hyphens",
            )
        )
        return None
    if reason := name_problem(brief_id):  # out/<id>.pdf must be a file on every system
        hint = "rename the spec: its name is the id of the brief and of its PDF"
        project.problems.append(Problem(Location(display), f"brief id {reason}", hint))
        return None
    doc = _read(project, path)
    if doc is None:
        return None
    builder = Builder(doc)
    if doc.data is None:
        builder.problem((), "the brief spec is empty", "see README.md for the format")
        brief = None
    else:
        brief = builder.build(BriefSpec, doc.data, (), id=brief_id, file=display)
    project.problems.extend(builder.problems)
    return brief


def find_root(start: Path) -> Path | None:
    """The project ``start`` is in, so that a command run inside briefs/ or reports/
    works on the whole project: ``start`` itself if it holds briefpress.yaml or a
    briefs/ folder (a project may do without the config), else the nearest folder above
    it with a briefpress.yaml (as git finds its repository). None when there is none."""
    if (start / CONFIG_FILE).is_file() or (start / "briefs").is_dir():
        return start
    for folder in start.parents:
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def load_project(
    root: Path, brief_ids: list[str] | None = None, overrides: dict[Path, bytes] | None = None
) -> Project:
    """Read config, every report folder and the briefs (all, or those named); a file in
    ``overrides`` is read from there (a new brief there is one of the briefs)."""
    project = Project(root=root, overrides=dict(overrides or {}))
    load_config(project)
    if project.reports_dir.is_dir():
        for folder in sorted(p for p in project.reports_dir.iterdir() if p.is_dir()):
            data = load_report(project, folder)
            if data is not None:
                project.reports[folder.name] = data
    if not project.briefs_dir.is_dir():
        project.problems.append(
            Problem(
                Location(project.display(project.briefs_dir) + "/"),
                "no briefs/ folder here: this is not a briefpress project",
                "start one with: briefpress init, or name one with -C DIR",
            )
        )
        return project
    new = [p for p in project.overrides if p.parent == project.briefs_dir and p.suffix == ".yaml"]
    paths = sorted(set(project.briefs_dir.glob("*.yaml")) | set(new))
    known = {p.stem: p for p in paths}
    if brief_ids:
        for wanted in brief_ids:
            if wanted not in known:
                import difflib

                close = difflib.get_close_matches(wanted, list(known), n=3)
                hint = f"did you mean {', '.join(close)}?" if close else "see briefpress list"
                project.problems.append(
                    Problem(Location(f"briefs/{wanted}.yaml"), f"no brief {wanted!r}", hint)
                )
        paths = [known[b] for b in brief_ids if b in known]
    for path in paths:
        brief = load_brief(project, path)
        if brief is not None:
            project.briefs[brief.id] = brief
    return project

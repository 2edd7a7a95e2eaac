"""The package layout is the pipeline: imports only flow down the layers, and never in a cycle.

A newcomer finds a concern by its folder name only while every folder keeps to its place, so
this test reads every module's imports (statically, with :mod:`ast`, including the lazy ones
inside functions) and fails on an upward import between subpackages or any import cycle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "briefpress"

# Bottom to top. A package may import its own modules and any package on a lower layer;
# packages on the same layer are peers and do not import each other.
LAYERS: list[set[str]] = [
    {"core"},
    {"data"},
    {"source"},  # report text: read, clean, match (import and check --against share it)
    {"checks"},
    {"render"},
    {"pdf"},
    {"editions"},  # the edition registry: one module per edition (pdf, print, web)
    {"build"},
    {"mail", "live", "scaffold", "importer"},
    {"channels"},  # delivery channels (e-mail) over the mail merge's letters
    {"studio"},  # the web app that drives the capabilities below it
    {"cli"},
]
TOP_LEVEL_OK = {"__init__", "__main__"}  # the version string and the `python -m` entry


def layer_of(package: str) -> int:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    raise AssertionError(f"briefpress.{package} is in no layer: add it to LAYERS in {__file__}")


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[str]:
    """Every briefpress module a file imports, at top level or inside functions."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("briefpress"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    yield (
                        full
                        if (SRC.parent / full.replace(".", "/")).exists()
                        or (SRC.parent / (full.replace(".", "/") + ".py")).exists()
                        else node.module
                    )
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports (from briefpress.x import y)")
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("briefpress"))


def graph() -> dict[str, set[str]]:
    return {
        module_name(path): set(imported(path)) - {module_name(path)}
        for path in sorted(SRC.rglob("*.py"))
    }


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_package_has_a_layer() -> None:
    folders = {p.parent.name for p in SRC.glob("*/__init__.py")}
    for folder in folders:
        layer_of(folder)


def test_imports_only_flow_down() -> None:
    upward = []
    for module, targets in graph().items():
        source = package(module)
        for target in targets:
            dest = package(target)
            if dest in TOP_LEVEL_OK or dest == source or source in TOP_LEVEL_OK:
                continue
            if layer_of(dest) >= layer_of(source):
                upward.append(f"{module} imports {target}")
    assert not upward, "imports against the layers:\n" + "\n".join(sorted(upward))


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``edges`` as a path of module names, or None (iterative DFS)."""
    state: dict[str, int] = {}
    for start in edges:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif child in edges and state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif child in edges and not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges[child]))))
    return None


def test_no_import_cycles() -> None:
    edges = graph()
    known = set(edges)
    cycle = find_cycle({m: {t for t in ts if t in known} for m, ts in edges.items()})
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("edges", "cyclic"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"a2"}, "a2": set(), "b": {"b"}}, True),
    ],
)
def test_cycle_finder_finds_cycles(edges: dict[str, set[str]], cyclic: bool) -> None:
    assert (find_cycle(edges) is not None) == cyclic


def string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """The string constants of a module that are values (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.lineno, node.value


# The same word meaning something else: src/briefpress/web/ holds the gallery's and the
# preview's own page templates (not the web edition).
NOT_AN_EDITION = {("build/gallery.py", "web")}


def test_edition_names_live_only_in_the_edition_registry() -> None:
    """A new edition is one module in editions/: no other module names an edition, so
    none needs editing (the builder, cache, gallery, preview and commands look it up)."""
    from briefpress import editions

    names = set(editions.names())
    assert {"screen", "print", "web"} <= names
    registry = SRC / "editions"
    found = [
        f"{path.relative_to(SRC)}:{line}: {value!r}"
        for path in sorted(SRC.rglob("*.py"))
        if not path.is_relative_to(registry)
        for line, value in string_literals(path)
        if value in names and (path.relative_to(SRC).as_posix(), value) not in NOT_AN_EDITION
    ]
    quoted = {f'"{n}"' for n in names} | {f"'{n}'" for n in names}
    found += [
        f"{path.relative_to(SRC)}: {word}"
        for path in sorted(SRC.rglob("*.j2"))
        for word in quoted
        if word in path.read_text(encoding="utf-8")
    ]
    assert not found, "edition names outside briefpress/editions/:\n" + "\n".join(found)


MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600
# Modules being split into packages of their own right now (the mail merge and the e-mail
# channel; the importer's draft writer): the limits apply to them once they are split.
SPLITTING = {"checks/verify.py", "mail/recipients.py", "mail/letters.py", "importer/write.py"}


def test_functions_and_modules_stay_small() -> None:
    """A function a reader can hold in mind (at most 60 lines, decorators aside) in a
    module a reader can find their way in (at most 600)."""
    long = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in SPLITTING:
            continue
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}:{node.lineno}: {node.name} is {lines} lines")
    assert not long, "split these:\n" + "\n".join(long)


# Words of one report's subject (the shipped example is a report on drug policy): none
# may appear in briefpress's code, theme or catalogs. A field's vocabulary lives in a pack
# (src/briefpress/packs/) that a project switches on, or in the project's own files.
SUBJECT_WORDS = re.compile(
    r"\b(drugs?|cannabis|harm reduction|narcotics?|heroin|opioids?|methadone|naloxone|"
    r"syringes?|decriminali[sz]\w*|depenali[sz]\w*|inpud|junkies?|addicts?|table 1)\b",
    re.IGNORECASE,
)
TEXT_FILES = {".py", ".j2", ".css", ".js", ".yaml", ".md", ".txt", ".po", ".pot", ".cfg"}


def test_no_report_subject_in_the_code() -> None:
    packs = SRC / "packs"
    found = [
        f"{path.relative_to(SRC)}:{number}: {match.group(0)!r}"
        for path in sorted(SRC.rglob("*"))
        if path.suffix in TEXT_FILES and path.is_file() and not path.is_relative_to(packs)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in SUBJECT_WORDS.finditer(line)
    ]
    assert not found, "a report's subject in src/ (move it to a pack):\n" + "\n".join(found)

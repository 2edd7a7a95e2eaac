"""The package layout is the pipeline: imports only flow down the layers, and never in a cycle.

A newcomer finds a concern by its folder name only while every folder keeps to its place, so
this test reads every module's imports (statically, with :mod:`ast`, including the lazy ones
inside functions) and fails on an upward import between subpackages or any import cycle.
"""

from __future__ import annotations

import ast
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

"""The package's modules import each other without a cycle, and each layer only downwards.

The graph is read from the source (ast), so it holds every import: module level, inside
functions (lazy imports) and under ``if TYPE_CHECKING:``. A cycle hidden in a function or
a type-only import still means two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "pywats_production"


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((REPO / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Return module -> the modules of the package it imports (anywhere in its source).

    ``from a import b`` is an edge to ``a.b`` when that is a module, else to ``a``;
    parents a submodule import initialises along the way are not edges (Python imports
    a package before any of its modules, whoever asks).
    """
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            else:
                continue
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# Cycles known and not yet removed, with the way out. Keep this empty: an entry is a debt.
# A cycle that cannot be removed at once is listed here with its way out; the test below
# forces the entry out as soon as the cycle is gone. None is listed: the internal wing's
# type-only cycle with its service was removed (issue 15 follow-up) by typing the parent
# with a Protocol of what the wing uses.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def test_no_import_cycle_in_the_package() -> None:
    """No two modules of pywats_production (the mock and the CLI included) import each other.

    Invariant: every strongly connected component of the import graph is a single
    module, apart from the cycles listed in KNOWN_CYCLES with their way out.
    """
    found = cycles(import_graph())
    assert [c for c in found if frozenset(c) not in KNOWN_CYCLES] == []


def test_known_cycles_are_still_there() -> None:
    """A known cycle that was removed must leave KNOWN_CYCLES too (no stale excuse)."""
    found = {frozenset(c) for c in cycles(import_graph())}
    assert [sorted(c) for c in KNOWN_CYCLES if c not in found] == []


@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_the_internal_wing_does_not_import_its_service(flavour: str) -> None:
    """The internal API types its parent structurally: it never imports the service module.

    Invariant: ``_<flavour>_internal`` has no edge to ``_<flavour>_service`` (not even a
    type-only one), while the service does import the wing it creates.
    """
    graph = import_graph()
    wing, service = f"{PACKAGE}._{flavour}_internal", f"{PACKAGE}._{flavour}_service"
    assert service not in graph[wing]
    assert wing in graph[service]


def test_the_cycle_finder_finds_cycles() -> None:
    """The finder reports a planted cycle, through a third module too, and nothing else."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_and_type_only_imports() -> None:
    """Imports inside functions and under TYPE_CHECKING are edges too."""
    graph = import_graph()
    # _calls imports serials only inside functions (to keep import light).
    assert f"{PACKAGE}.serials" in graph[f"{PACKAGE}._calls"]


# docs/architecture.md: the mock wing and the CLI sit on top of the SDK, never below it.
NEVER_IMPORTED_BY_THE_SDK = (f"{PACKAGE}.mock", f"{PACKAGE}.cli")
SDK_CORE = (
    f"{PACKAGE}._core",
    f"{PACKAGE}._calls",
    f"{PACKAGE}.models",
    f"{PACKAGE}._async_service",
    f"{PACKAGE}._sync_service",
    f"{PACKAGE}.errors",
    f"{PACKAGE}.observability",
    f"{PACKAGE}.retry",
    f"{PACKAGE}.phase",
    f"{PACKAGE}._validate",
)


@pytest.mark.parametrize("module", SDK_CORE)
def test_the_sdk_does_not_import_the_mock_or_the_cli(module: str) -> None:
    """The call path never depends on the mock wing or the CLI (they sit on top of it)."""
    graph = import_graph()
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(graph[current])
    assert not [m for m in seen if m.startswith(NEVER_IMPORTED_BY_THE_SDK)]


_SERVICES = (f"{PACKAGE}._async_service", f"{PACKAGE}._sync_service")
_CLI_MOCK = (f"{PACKAGE}.cli", f"{PACKAGE}.mock")
# The "never imports" column of docs/architecture.md, as module prefixes.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    f"{PACKAGE}._core": (f"{PACKAGE}._calls", *_SERVICES, *_CLI_MOCK),
    f"{PACKAGE}._calls": (*_SERVICES, *_CLI_MOCK),
    f"{PACKAGE}.models": (
        f"{PACKAGE}._core",
        f"{PACKAGE}._calls",
        f"{PACKAGE}.serials",
        *_SERVICES,
        *_CLI_MOCK,
    ),
    f"{PACKAGE}.phase": (f"{PACKAGE}._core", f"{PACKAGE}._calls", *_SERVICES, *_CLI_MOCK),
    f"{PACKAGE}.mock": (
        f"{PACKAGE}._core",
        f"{PACKAGE}._calls",
        *_SERVICES,
        f"{PACKAGE}.cli",
    ),
}


# Programs run with `python -m`: they belong to the command-line layer wherever they sit
# (the mock's server shares the CLI's exit statuses).
COMMAND_LINES = frozenset({f"{PACKAGE}.mock.__main__"})


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_downwards(layer: str) -> None:
    """No module of a layer imports, directly, what docs/architecture.md forbids it."""
    graph = import_graph()
    members = [
        m for m in graph if (m == layer or m.startswith(layer + ".")) and m not in COMMAND_LINES
    ]
    assert members
    wrong = sorted(
        f"{m} -> {target}"
        for m in members
        for target in graph[m]
        if any(target == f or target.startswith(f + ".") for f in FORBIDDEN[layer])
    )
    assert wrong == []

"""The layers import only where docs/architecture.md lets them ("Import arrows"), and no
module of the project takes part in an import cycle (including imports inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "application", "projections", "web")
ALLOWED = {
    "domain": set(),
    "projections": {"domain"},
    "application": {"domain", "projections"},
    "web": {"application", "projections", "domain"},
}
FORBIDDEN_LIBS = {"domain": {"flask", "sqlalchemy", "marshmallow", "eventsourcing_sqlalchemy"}}
# The packages every layer is made of (the test fails when one is left out of this list).
PACKAGES = {
    "domain", "application", "application.accounts", "application.audit", "application.commands", "application.migrations", "application.notifications", "application.open_data", "application.tlog",
    "application.scenario", "projections", "web", "web.api", "web.cli", "web.dashboards", "web.pages",
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it names in an import (anywhere in the file):
    ``from a.b import c`` names ``a.b.c`` when that is a module, else ``a.b``."""
    modules = project_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module for a in node.names]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
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
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_allowed_layers(layer: str) -> None:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for name in imports_of(path):
            if name in LAYERS and name != layer and name not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
            if name in FORBIDDEN_LIBS.get(layer, set()):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_every_package_of_the_layers_is_checked() -> None:
    packages = {module_name(p) for layer in LAYERS for p in (ROOT / layer).rglob("__init__.py")}
    assert packages == PACKAGES


def test_no_module_takes_part_in_an_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_domain_imports_only_eventsourcing_domain() -> None:
    bad = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eventsourcing") and node.module != "eventsourcing.domain":
                bad.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert bad == []


def test_web_imports_from_domain_only_errors_and_values() -> None:
    allowed = {"domain.errors", "domain.ids", "domain.reference", "domain.proposal", "domain.deliberation", "domain.participant", "domain.endorsement", "domain.base", "domain.open_call", "domain.join_request", "domain.discussion"}
    bad = []
    for path in sorted((ROOT / "web").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("domain") and node.module not in allowed:
                bad.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert bad == []

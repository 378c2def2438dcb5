"""The layers import only where STYLE.md lets them ("Where code may import from")."""

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


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


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


def test_domain_imports_only_eventsourcing_domain() -> None:
    bad = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eventsourcing") and node.module != "eventsourcing.domain":
                bad.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert bad == []


def test_web_imports_from_domain_only_errors_and_values() -> None:
    allowed = {"domain.errors", "domain.ids", "domain.reference", "domain.proposal", "domain.deliberation", "domain.participant", "domain.endorsement", "domain.base"}
    bad = []
    for path in sorted((ROOT / "web").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("domain") and node.module not in allowed:
                bad.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert bad == []

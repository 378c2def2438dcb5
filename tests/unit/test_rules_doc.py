"""docs/rules.md lists every error code the domain and the application can raise."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE_LITERAL = re.compile(r"""\bcode\s*=\s*["']([a-z0-9_]+)["']""")
DOC_CODE = re.compile(r"`([a-z0-9_]+)`")


def codes_in_source() -> dict[str, str]:
    """Every ``code="…"`` (keyword or class attribute) in domain/ and application/ → first file."""
    found: dict[str, str] = {}
    for folder in ("domain", "application"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for code in CODE_LITERAL.findall(path.read_text("utf-8")):
                found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def codes_in_doc() -> set[str]:
    return set(DOC_CODE.findall((ROOT / "docs" / "rules.md").read_text("utf-8")))


def test_the_source_raises_codes_the_scan_can_see() -> None:
    found = codes_in_source()
    assert {"objective_not_in_table", "gender_parity", "third_consecutive_term", "stale_version"} <= set(found)


def test_every_code_in_the_source_is_in_the_rules_table() -> None:
    missing = {code: where for code, where in codes_in_source().items() if code not in codes_in_doc()}
    assert missing == {}


def test_no_code_is_built_at_run_time() -> None:
    dynamic = []
    for folder in ("domain", "application"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            dynamic += [f"{path.name}: {m}" for m in re.findall(r"code\s*=\s*f[\"'][^\"']*[\"']", path.read_text("utf-8"))]
    assert dynamic == []

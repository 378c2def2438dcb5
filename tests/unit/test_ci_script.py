"""The CI script is shell that only runs on a fresh machine: a syntax error there would
only be found when nothing can land any more."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_script_parses_as_bash() -> None:
    result = subprocess.run(
        ["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_make_installs_the_npm_assets_into_their_own_folders() -> None:
    """`make test` installs axe-core and Swagger UI before the tests: a garbled target (a
    merge once left the axe target pointing at /node_modules) fails CI before any test."""
    result = subprocess.run(
        ["make", "-n", "-B", "axe", "swagger-ui"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    touched = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("touch ")]
    assert touched == [
        "tests/e2e/axe/node_modules/axe-core/axe.min.js",
        "web/api/swagger_ui/node_modules/swagger-ui-dist/swagger-ui-bundle.js",
    ]

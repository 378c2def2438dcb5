"""The schema-driven fuzzer (issue 13, "Done when"): schemathesis generates requests for
every operation of ``/api/v1/openapi.json`` (valid and invalid ones) and sends them to the
app in process, with a write token of a representative in term (a member of their table who
also acts as the secretariat), on a copy of the 2026-Q1 scenario. No answer may be a server
error, and every answer must match the document: its status, content type, headers and body.

``DIALOGUE_FUZZ_EXAMPLES`` sets the examples per operation and kind (valid, invalid; default
8: about 740 cases over the 52 operations, each sent valid requests); ``docs/api.md``
records a longer run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from application.persistence import dispose_engines
from projections import tables as table_views
from tests.e2e.web_support import app_services, make_app

EXAMPLES = int(os.environ.get("DIALOGUE_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_app(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, str]:
    """The app on a copy of the scenario (one for the module: the fuzzer's writes accumulate,
    as a real client's would) and a write token of a representative in term."""
    src, key, _ = loaded_scenario_file
    dst = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
    shutil.copy(src, dst)
    app = make_app(f"sqlite:///{dst}", key, clock="2026-03-27", RATELIMIT_ENABLED=False)
    s = app_services(app)
    holder = next(r["participant_id"] for r in table_views.representatives(s.projector.engine, on=date(2026, 3, 27)))
    account = s.accounts.of_participant(holder) or s.accounts.create_participant_account(holder, "fuzz@tests.invalid")
    return app, s.accounts.create_token(account.id, "fuzzer", "write", days=365)[1]


@pytest.fixture(scope="module")
def api_schema(fuzz_app: tuple[Flask, str]) -> Iterator[Any]:
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app[0])
    dispose_engines()


def fuzz(operation: Any, mode: GenerationMode, token: str, sent: list[str]) -> str | None:
    """Send up to ``EXAMPLES`` generated requests to one operation (each noted in ``sent``);
    the failure found, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    # No shrinking: a failure is reported as found (shrinking an HTTP exchange takes minutes).
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate])
    def send(case: schemathesis.Case) -> None:
        sent.append(operation.label)
        # identity: the test client does not decompress (a compressed answer is fine over HTTP)
        case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}, checks=CHECKS)

    try:
        send()
    except Unsatisfiable:
        return None  # nothing invalid to send (an operation without parameters or body)
    except Exception as e:  # noqa: BLE001 - every failure of every operation is reported together
        return f"{operation.label} ({mode.value}): {type(e).__name__}: {str(e)[:2000]}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_breaks_the_api_or_its_document(api_schema: Any, fuzz_app: tuple[Flask, str], mode: GenerationMode) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    sent: list[str] = []

    failures = [f for f in (fuzz(operation, mode, fuzz_app[1], sent) for operation in operations) if f]

    print(f"{mode.value}: {len(sent)} requests over {len(set(sent))} of {len(operations)} operations")
    assert len(operations) >= 52  # every operation of docs/api.md's tables
    assert len(sent) >= min(100, EXAMPLES * 10)
    if mode == GenerationMode.POSITIVE:
        assert {o.label for o in operations} <= set(sent)  # each operation was sent valid requests
    assert failures == [], "\n\n".join(failures)

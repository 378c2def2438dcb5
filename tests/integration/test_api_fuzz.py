"""The schema-driven fuzzer (issue 13, "Done when"): schemathesis generates requests for
every operation of ``/api/v1/openapi.json`` (valid and invalid ones) and sends them to the
app in process, on a copy of the 2026-Q1 scenario. No answer may be a server error, and
every answer must match the document: its status, content type, headers and body.

A write checks who may act (403) and the version (428, 412) before its body (422), and an
unknown id is 404 before all of them: so the path's ids are real ones of the scenario (the
representative's own drafts (one only revised, as submitting or withdrawing the other ends
its revisions) and a pending amendment of it, a proposal of their table by
someone else, an open session of their table, a recommendation, a dialogue scheduled here), ``If-Match``
is the resource's version, and each write is sent by someone who may act (the
representative in term for their own commands, the secretariat for its own and the
facilitators'): the bodies are what is fuzzed, and each write with a body must answer 422
to at least one invalid example.

``DIALOGUE_FUZZ_EXAMPLES`` sets the examples per operation and kind (valid, invalid; default
8: about 740 cases over the 52 operations, each sent valid requests); ``docs/api.md``
records a longer run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
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
from projections import people as people_views
from projections import tables as table_views
from tests.e2e.web_support import account_for, app_services, make_app, participant_id
from tests.integration.api_support import bearer, draft, proposal

EXAMPLES = int(os.environ.get("DIALOGUE_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# The writes of the secretariat (and of the facilitators, whom the secretariat may stand in for).
SECRETARIAT = re.compile(r"/(sessions(/\{session_id\}/(agenda|open|decisions|close))?|dialogues.*|liaison-table/.*|tables/\{code\}/(elections|vacate)"
                         r"|proposals/\{proposal_id\}/(endorsement(/advice|/close)?|publication|government-responses|follow-ups))$")
# The proposal of the path: another member's (what members do to others' proposals), the
# recommendation (the Liaison Table's and governments' stages), else the representative's own.
OTHERS = re.compile(r"/proposals/\{proposal_id\}/(amendments|comments)$")
RECOMMENDATION = re.compile(r"/proposals/\{proposal_id\}/(endorsement.*|publication|government-responses|follow-ups)$")


@dataclass
class World:
    """The app, the write tokens (``holder``: a representative in term; ``secretariat``)
    and the scenario's ids the paths name."""

    app: Flask
    tokens: dict[str, str]
    ids: dict[str, str]

    def aim(self, case: schemathesis.Case) -> str:
        """Point ``case`` at real ids (and the current ``If-Match``); the token to send it with."""
        path, write = case.operation.path, case.operation.method.upper() != "GET"
        ids = dict(self.ids)
        if OTHERS.search(path):
            ids["proposal_id"] = self.ids["others"]
        elif RECOMMENDATION.search(path):
            ids["proposal_id"] = self.ids["recommendation"]
        elif path.endswith("/revise"):
            ids["proposal_id"] = self.ids["revisable"]
        for name in case.path_parameters or {}:
            if name in ids:
                case.path_parameters[name] = ids[name]
        required = [p for p in case.operation.definition.raw.get("parameters", [])
                    if isinstance(p, dict) and p.get("name") == "If-Match" and p.get("required")]
        if write and required and "If-Match" not in (case.headers or {}):
            case.headers = {**(case.headers or {}), "If-Match": ""}  # the body is what is fuzzed (428 is tested apart)
        if write and case.headers and "If-Match" in case.headers:
            resource = path.removeprefix("/api/v1").format(**case.path_parameters)
            resource = re.sub(r"^(/proposals/[^/]+/endorsement)/.*$|^(/(proposals|sessions|dialogues)/[^/]+)/.*$", r"\1\2", resource)
            etag = self.app.test_client().get("/api/v1" + resource).headers.get("ETag")
            if etag:
                case.headers["If-Match"] = etag
        return self.tokens["secretariat" if write and SECRETARIAT.search(path) else "holder"]


@pytest.fixture(scope="module")
def world(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path_factory: pytest.TempPathFactory) -> World:
    """The app on a copy of the scenario (one for the module: the fuzzer's writes accumulate,
    as a real client's would), its tokens and ids."""
    src, key, _ = loaded_scenario_file
    dst = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
    shutil.copy(src, dst)
    app = make_app(f"sqlite:///{dst}", key, clock="2026-03-27", RATELIMIT_ENABLED=False)
    s = app_services(app)
    e = s.projector.engine
    holder, table = next((r["participant_id"], r["table_code"]) for r in table_views.representatives(e, on=date(2026, 3, 27)))
    account = s.accounts.of_participant(holder) or s.accounts.create_participant_account(holder, "fuzz@tests.invalid")
    tokens = {"holder": s.accounts.create_token(account.id, "fuzzer", "write", days=365)[1],
              "secretariat": s.accounts.create_token(account_for(app, "secretariat"), "fuzzer", "write", days=365)[1]}
    reference = next(p["reference"] for p in people_views.participants(e) if p["id"] == holder)
    other = next(p["reference"] for p in people_views.participants(e)
                 if p["id"] in {m["participant_id"] for m in table_views.members(e, table)} - {holder})
    own, revisable = (draft(app, bearer(app, reference), table=table)["id"] for _ in range(2))
    others = draft(app, bearer(app, other), table=table)["id"]
    client = app.test_client()
    amended = client.post(f"/api/v1/proposals/{own}/amendments", json={"field": "rationale", "operation": "append", "text": "Y más."},
                          headers=bearer(app, other))
    assert amended.status_code == 201, amended.get_json()
    sessions = client.get(f"/api/v1/sessions?table={table}&page_size=100").get_json()
    ids = {
        "others": others, "revisable": revisable, "proposal_id": own, "aggregate_id": own, "code": table,
        "reference": amended.get_json()["reference"], "co_author": participant_id(app, other),
        "session_id": next(x["id"] for x in sessions if x["stage"] != "closed"),
        "recommendation": proposal(app, "prop-rt1-05")["id"],
        "dialogue_id": client.post("/api/v1/dialogues", json={"period": "2026-H1", "date": "2026-03-27", "title": "Diálogo",
                                                               "governments": ["MX"]},
                                   headers={"Authorization": f"Bearer {tokens['secretariat']}"}).get_json()["id"],
    }
    return World(app, tokens, ids)


@pytest.fixture(scope="module")
def api_schema(world: World) -> Iterator[Any]:
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app)
    dispose_engines()


def fuzz(operation: Any, mode: GenerationMode, world: World, sent: list[tuple[str, int]]) -> str | None:
    """Send up to ``EXAMPLES`` generated requests to one operation (each noted in ``sent``
    with its status); the failure found, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    # No shrinking: a failure is reported as found (shrinking an HTTP exchange takes minutes).
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate])
    def send(case: schemathesis.Case) -> None:
        token = world.aim(case)
        # identity: the test client does not decompress (a compressed answer is fine over HTTP)
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}, checks=CHECKS)
        sent.append((operation.label, response.status_code))

    try:
        send()
    except Unsatisfiable:
        return None  # nothing invalid to send (an operation without parameters or body)
    except Exception as e:  # noqa: BLE001 - every failure of every operation is reported together
        return f"{operation.label} ({mode.value}): {type(e).__name__}: {str(e)[:2000]}"
    return None


def _takes_no_body(operation: Any) -> bool:
    """A write whose document body is the empty object of a write that takes none (its 422
    ``unexpected_body`` is tested over every such write in test_api_no_body.py)."""
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema", {}).get("maxProperties") == 0


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_breaks_the_api_or_its_document(api_schema: Any, world: World, mode: GenerationMode) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    sent: list[tuple[str, int]] = []

    failures = [f for f in (fuzz(operation, mode, world, sent) for operation in operations) if f]

    labels = {label for label, _ in sent}
    print(f"{mode.value}: {len(sent)} requests over {len(labels)} of {len(operations)} operations")
    assert len(operations) >= 52  # every operation of docs/api.md's tables
    assert len(sent) >= min(100, EXAMPLES * 10)
    if mode == GenerationMode.POSITIVE:
        assert {o.label for o in operations} <= labels  # each operation was sent valid requests
    else:  # the bodies were reached: each write with a body refused an invalid one
        with_body = {o.label for o in operations if o.method.upper() != "GET" and len(o.body) > 0 and not _takes_no_body(o)}
        assert len(with_body) >= 20
        assert sorted(with_body - {label for label, status in sent if status == 422}) == []
    assert failures == [], "\n\n".join(failures)

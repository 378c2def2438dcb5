"""An erasure leaves no copy of the person in the answers the API keeps for idempotent writes
(``dialogue_api_requests``): p-01 drafts, adds p-21 as co-author; p-21 revises with an
``Idempotency-Key``, whose kept answer names p-01; p-01 is erased. The kept answer's body is
dropped, and p-21's retry with the same key changes nothing and answers ``303 answer_not_kept``
to the proposal, not the erased name (docs/api.md, "Idempotency-Key")."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from application import privacy
from application.bootstrap import Services
from application.tables import api_requests
from tests.e2e.web_support import app_services, participant_id
from tests.integration.api_support import api_app, bearer, draft

REVISION = {"changes": {"title": "Vías regulares, revisadas"}, "note": "n"}


@dataclass
class Erased:
    app: Flask
    proposal: str
    co_author: dict[str, str]
    name: str
    first: dict


@pytest.fixture
def erased(loaded: Services) -> Erased:
    app = api_app(loaded)
    client = app.test_client()
    author, co_author = bearer(app, "p-01"), {**bearer(app, "p-21"), "Idempotency-Key": "leak-1"}
    p = draft(app, author)
    added = client.post(f"/api/v1/proposals/{p['id']}/co-authors", json={"co_author": participant_id(app, "p-21")}, headers=author)
    first = client.post(f"/api/v1/proposals/{p['id']}/revise", json=REVISION, headers={**co_author, "If-Match": added.headers["ETag"]})
    assert first.status_code == 200, first.get_json()
    name = next(a["name"] for a in first.get_json()["authors"] if a["id"] == participant_id(app, "p-01"))
    privacy.erase(app_services(app), "p-01", reason="request")
    return Erased(app, p["id"], {**co_author, "If-Match": added.headers["ETag"]}, name, first.get_json())


def test_the_kept_answer_named_the_author_before_the_erasure(loaded: Services) -> None:
    app = api_app(loaded)
    client = app.test_client()
    author, co_author = bearer(app, "p-01"), {**bearer(app, "p-21"), "Idempotency-Key": "named-1"}
    p = draft(app, author)
    added = client.post(f"/api/v1/proposals/{p['id']}/co-authors", json={"co_author": participant_id(app, "p-21")}, headers=author)
    client.post(f"/api/v1/proposals/{p['id']}/revise", json=REVISION, headers={**co_author, "If-Match": added.headers["ETag"]})

    with app_services(app).app.engine.connect() as c:
        bodies = [json.loads(b) for b in c.execute(select(api_requests.c.body).where(api_requests.c.key == "named-1")).scalars()]

    assert [len(b["authors"]) for b in bodies] == [2]


def test_no_kept_answer_holds_the_erased_name(erased: Erased) -> None:
    with app_services(erased.app).app.engine.connect() as c:
        bodies = list(c.execute(select(api_requests.c.body)).scalars())

    forms = {erased.name, json.dumps(erased.name)[1:-1]}
    assert bodies and [b for b in bodies if any(f in b for f in forms)] == []


def test_the_retry_after_the_erasure_answers_303_to_the_proposal_without_the_name(erased: Erased) -> None:
    retry = erased.app.test_client().post(f"/api/v1/proposals/{erased.proposal}/revise", json=REVISION, headers=erased.co_author)

    assert (retry.status_code, retry.get_json()["code"]) == (303, "answer_not_kept")
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["Location"].endswith(f"/api/v1/proposals/{erased.proposal}")
    assert erased.name not in retry.get_data(as_text=True)


def test_the_retry_after_the_erasure_changes_nothing(erased: Erased) -> None:
    client = erased.app.test_client()
    client.post(f"/api/v1/proposals/{erased.proposal}/revise", json=REVISION, headers=erased.co_author)

    now = client.get(f"/api/v1/proposals/{erased.proposal}", headers=erased.co_author)

    assert now.get_json()["version"] == erased.first["version"]



def test_an_answer_kept_after_an_erasure_that_came_while_it_was_written_keeps_no_body(loaded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from web.api import idempotency

    app = api_app(loaded)
    client = app.test_client()
    author, co_author = bearer(app, "p-01"), {**bearer(app, "p-21"), "Idempotency-Key": "race-1"}
    p = draft(app, author)
    added = client.post(f"/api/v1/proposals/{p['id']}/co-authors", json={"co_author": participant_id(app, "p-21")}, headers=author)
    keep = idempotency._keep

    def erased_before_kept(*args: object) -> None:
        # After the answer was read, before it is kept: the operator's erasure, in its own thread (no request of its own).
        erasing = threading.Thread(target=privacy.erase, args=(app_services(app), "p-01"), kwargs={"reason": "request"})
        erasing.start()
        erasing.join()
        keep(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(idempotency, "_keep", erased_before_kept)
    first = client.post(f"/api/v1/proposals/{p['id']}/revise", json=REVISION, headers={**co_author, "If-Match": added.headers["ETag"]})

    with app_services(app).app.engine.connect() as c:
        bodies = list(c.execute(select(api_requests.c.body).where(api_requests.c.key == "race-1")).scalars())
    assert first.status_code == 200, first.get_json()
    assert participant_id(app, "p-01") in first.get_data(as_text=True)
    assert bodies == [""]

"""Every read of the API refuses a query parameter it does not declare (break-it: only the
log did; ``/proposals?stauts=adopted`` listed every proposal): 400 ``unknown_parameter``
naming it, the parameters it reads being those of its document (``lang`` always read)."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.integration.api_support import api_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


@pytest.fixture
def document(app: Flask) -> dict[str, Any]:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _resolved(document: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return dict(document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]])
    return parameter


def _reads(document: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each GET of the document, its path filled (an unknown id is fine: the parameters are
    read first), with the query parameters it declares."""
    fill = {"code": "RT1", "reference": "RT1-2026-001-A1"}
    reads = []
    for path, item in document["paths"].items():
        if "get" in item:
            url = re.sub(r"\{(\w+)\}", lambda m: fill.get(m.group(1), str(uuid4())), path)
            parameters = [_resolved(document, p) for p in item["get"].get("parameters", [])]
            declared = [p["name"] for p in parameters if p["in"] == "query"]
            reads.append((url, declared))
    return reads


def test_every_read_of_the_document_answers_an_unknown_parameter_400_naming_it(app: Flask, document: dict[str, Any]) -> None:
    client = app.test_client()
    reads = _reads(document)

    answers = {url: client.get(f"{url}?stauts=adopted&lang=es") for url, _ in reads}

    assert len(reads) >= 20
    assert {url: (r.status_code, r.get_json()["code"], list(r.get_json()["errors"]["query"])) for url, r in answers.items()} == {
        url: (400, "unknown_parameter", ["stauts"]) for url, _ in reads
    }


def test_every_read_documents_its_400(document: dict[str, Any]) -> None:
    assert [p for p, item in document["paths"].items() if "get" in item and "400" not in item["get"]["responses"]] == []


@pytest.mark.parametrize("url", ["/api/v1/proposals", "/api/v1/recommendations", "/api/v1/sessions", "/api/v1/government-responses"])
def test_a_typo_in_a_filter_no_longer_lists_everything(app: Flask, url: str) -> None:
    r = app.test_client().get(f"{url}?tabel=RT1")

    assert (r.status_code, r.get_json()["code"], list(r.get_json()["errors"]["query"])) == (400, "unknown_parameter", ["tabel"])


@pytest.mark.parametrize(("url", "query"), [
    ("/api/v1/proposals", "status=adopted&table=rt1&objective=2&page=1&page_size=5&lang=fr"),
    ("/api/v1/recommendations", "status=published&table=RT2&objective=3&page=2&page_size=1"),
    ("/api/v1/sessions", "table=RT3&page=1&page_size=2"),
    ("/api/v1/government-responses", "country=BR&page=1&page_size=2"),
    ("/api/v1/search", "q=regulares&page=1&page_size=3"),
    ("/api/v1/log", "after=0&limit=3"),
    ("/api/v1/tables", "lang=pt"),
])
def test_the_parameters_a_list_declares_are_read(app: Flask, url: str, query: str) -> None:
    assert app.test_client().get(f"{url}?{query}").status_code == 200


def test_the_parameters_a_list_reads_are_those_of_its_document(app: Flask, document: dict[str, Any]) -> None:
    declared = dict(_reads(document))

    r = app.test_client().get("/api/v1/proposals?x=1")

    assert declared["/api/v1/proposals"] == ["status", "table", "objective", "page", "page_size"]
    assert r.get_json()["message"] == "This address reads status, table, objective, page, page_size only; remove x."


@pytest.mark.parametrize(("url", "query", "repeated"), [
    ("/api/v1/proposals", "status=adopted&status=draft", ["status"]),
    ("/api/v1/proposals", "table=RT1&table=RT2&page=1&page=2", ["page", "table"]),
    ("/api/v1/log", "limit=3&limit=4", ["limit"]),
])
def test_a_parameter_given_twice_is_refused_not_half_read(app: Flask, url: str, query: str, repeated: list[str]) -> None:
    r = app.test_client().get(f"{url}?{query}")

    assert (r.status_code, r.get_json()["code"], sorted(r.get_json()["errors"]["query"])) == (400, "repeated_parameter", repeated)


def test_lang_given_twice_is_still_read(app: Flask) -> None:
    assert app.test_client().get("/api/v1/proposals?lang=es&lang=fr").status_code == 200


def test_a_parameter_without_a_name_is_named_as_such(app: Flask) -> None:
    r = app.test_client().get("/api/v1/proposals?=x")

    assert r.get_json()["message"].endswith('remove "" (a parameter without a name).')

"""The audit pages' refusals (an address's ``?at=``, ``?as_of=``, ``/audit/lookup``, an
unknown aggregate, version or point) are written in the reader's language like the rest of
the site's; the JSON documents keep their code and English message."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from application.bootstrap import Services
from tests.e2e.web_support import text_of
from tests.integration.test_audit_pages import client, proposal_id


def refusal(c: FlaskClient, url: str, status: int) -> str:
    """The refusal's words on the page at ``url`` (answering ``status``)."""
    r = c.get(url)
    assert r.status_code == status
    found = re.search(r'<div class="refusal" role="alert"><p>(.*?)</p>', r.get_data(as_text=True))
    assert found is not None
    return re.sub(r"\s+", " ", text_of(found.group(1)))


@pytest.mark.parametrize(("language", "query", "words"), [
    ("es", "at=noon", "En la dirección, at es un instante escrito como 2026-03-01T12:00:00Z, no 'noon'."),
    ("en", "at=noon", "In the address, at is an instant written as 2026-03-01T12:00:00Z, not 'noon'."),
    ("es", "as_of=27/01/2026", "En la dirección, as_of es una fecha escrita como AAAA-MM-DD, no '27/01/2026'."),
    ("en", "as_of=27/01/2026", "In the address, as_of is a date written as YYYY-MM-DD, not '27/01/2026'."),
    ("es", "at=9999-12-31T23:59:59-05:00", "En la dirección, el instante '9999-12-31T23:59:59-05:00' está fuera del intervalo admitido."),
    ("es", "as_of=2025-12-31", "aún no existía en 2025-12-31."),
    ("es", "version=99", "esa versión no existe."),
    ("es", "version=1&as_of=2026-01-27", "Indique un solo punto en el tiempo"),
])
def test_a_refused_point_of_an_aggregate_is_explained_in_the_readers_language(loaded: Services, language: str, query: str, words: str) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    status = 404 if query.startswith(("as_of=2025", "version=99")) else 400

    said = refusal(client(loaded), f"/audit/aggregates/{pid}?{query}&lang={language}", status)

    assert words in said


@pytest.mark.parametrize(("language", "words"), [("es", "Indique el identificador de un agregado."), ("en", "Give an aggregate id.")])
def test_a_lookup_without_an_id_is_explained_in_the_readers_language(loaded: Services, language: str, words: str) -> None:
    assert refusal(client(loaded), f"/audit/lookup?id=+&lang={language}", 400) == words


@pytest.mark.parametrize(("language", "words"), [
    ("es", "No hay ningún agregado con el identificador 'not-an-id'."),
    ("en", "No aggregate with id 'not-an-id': not a valid id."),
])
def test_an_unknown_aggregate_is_explained_in_the_readers_language(loaded: Services, language: str, words: str) -> None:
    assert refusal(client(loaded), f"/audit/aggregates/not-an-id?lang={language}", 404) == words


def test_the_json_document_keeps_its_code_and_english_message_whatever_the_language(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")

    r = client(loaded).get(f"/audit/aggregates/{pid}.json?at=noon&lang=es")

    assert (r.status_code, r.get_json()["code"], r.get_json()["message"]) == (
        400, "invalid_input", "at is an ISO-8601 instant (e.g. 2026-03-01T12:00:00Z), not 'noon'.")

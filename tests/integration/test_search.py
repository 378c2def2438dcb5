"""Search (issue 12, "Search"): titles and texts of proposals, amendments and government
responses, whatever the case and accents, stemmed in the text's language; on a SQLite file
(FTS5) and PostgreSQL (tsvector), through the page and the query."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text

from application.bootstrap import Services
from domain.reference import table_objectives
from projections import search as search_views
from tests.conftest import seed_members
from tests.e2e.web_support import app_services, make_app

TITLES = {
    "RT1": "Mecanismos de regularización migratoria permanentes, accesibles y no discrecionales",
    "RT2": "Fortalecer la protección consular",
    "RT3": "Safe and dignified return of deported people",
}


@dataclass
class Site:
    app: Flask
    services: Services
    proposals: dict[str, str]

    def client(self) -> FlaskClient:
        return self.app.test_client()


def draft(s: Services, author: Any, table: str, title: str, language: str = "es", text: str = "Texto.") -> str:
    return str(s.app.draft_proposal(
        actor=str(author), table=table, title=title, problem=text, recommendation="Recomendación.", rationale="Motivos.",
        objectives=[min(table_objectives()[table])], targets=["MX"], language=language,
    ))


@pytest.fixture
def site(database_url: str, master_key: str) -> Iterator[Site]:
    """Three proposals of three tables: two in Spanish, one in English."""
    app = make_app(database_url, master_key)
    s = app_services(app)
    proposals = {}
    for table, title in TITLES.items():
        (author,) = seed_members(s.app, 1, table)
        proposals[table] = draft(s, author, table, title, "en" if table == "RT3" else "es")
    s.wait_for_views()
    yield Site(app, s, proposals)


def found(client: FlaskClient, query: str) -> list[str]:
    """The titles the search page lists for ``query``."""
    r = client.get("/search", query_string={"q": query, "lang": "en"})
    assert r.status_code == 200
    return re.findall(r'class="typed-title">([^<]*)</a>', r.get_data(as_text=True))


def test_a_plural_without_accent_finds_the_singular_with_it(site: Site) -> None:
    assert found(site.client(), "regularizaciones") == [TITLES["RT1"]]


def test_a_word_typed_without_its_accent_finds_it(site: Site) -> None:
    assert found(site.client(), "proteccion") == [TITLES["RT2"]]


def test_capitals_do_not_matter(site: Site) -> None:
    assert found(site.client(), "CONSULAR") == [TITLES["RT2"]]


def test_english_text_is_stemmed_in_english(site: Site) -> None:
    assert found(site.client(), "deportation returns") == [TITLES["RT3"]]


def test_every_word_must_be_found(site: Site) -> None:
    assert found(site.client(), "protección regularización") == []


def test_a_revised_title_is_found_by_its_new_words_only(site: Site) -> None:
    s = site.services
    pid = site.proposals["RT2"]
    author = s.app.proposal(pid).author
    s.app.revise_proposal(pid, {"title": "Asistencia a connacionales"}, actor=author)
    s.wait_for_views()

    assert (found(site.client(), "consular"), found(site.client(), "connacional")) == ([], ["Asistencia a connacionales"])


def test_an_amendment_is_found_and_names_its_proposal(site: Site) -> None:
    s = site.services
    pid = site.proposals["RT1"]
    (amender,) = seed_members(s.app, 1, "RT1")
    ref = s.app.propose_amendment(pid, actor=str(amender), field="recommendation", operation="append", text="Incluir a las personas apátridas.")
    s.wait_for_views()

    page = site.client().get("/search", query_string={"q": "apatrida", "lang": "en"}).get_data(as_text=True)

    assert (found(site.client(), "apatrida"), f"Amendment {ref}" in page) == ([TITLES["RT1"]], True)


def test_matches_are_marked_and_typed_markup_is_escaped(site: Site) -> None:
    s = site.services
    (author,) = seed_members(s.app, 1, "RT4")
    draft(s, author, "RT4", "Niñez <script>alert(1)</script> protegida", text="La <b>protección</b> de la niñez.")
    s.wait_for_views()

    page = site.client().get("/search", query_string={"q": "niñez"}).get_data(as_text=True)

    assert ("<script>alert" not in page, "&lt;b&gt;" in page, "<mark>niñez</mark>" in page) == (True, True, True)


def test_a_query_without_words_finds_nothing(site: Site) -> None:
    assert search_views.search(site.services.projector.engine, " ¿? ").total == 0


def test_results_come_in_pages_with_a_link_to_the_next(site: Site) -> None:
    s = site.services
    (author,) = seed_members(s.app, 1, "RT4")
    for n in range(11):
        draft(s, author, "RT4", f"Protección número {n}")
    s.wait_for_views()

    first = site.client().get("/search?q=proteccion&lang=en").get_data(as_text=True)
    second = site.client().get("/search?q=proteccion&lang=en&page=2").get_data(as_text=True)

    assert ('rel="next"' in first, first.count('class="card"'), second.count('class="card"')) == (True, 10, 2)


def test_a_title_revised_twice_in_one_batch_keeps_its_last_words_and_position(site: Site) -> None:
    s = site.services
    pid = site.proposals["RT2"]
    author = s.app.proposal(pid).author
    s.app.revise_proposal(pid, {"title": "Asistencia a connacionales"}, actor=author)
    s.app.revise_proposal(pid, {"title": "Apoyo a los retornados"}, actor=author)
    s.wait_for_views()
    s.projector.rebuild()  # the whole log in one batch
    docs = search_views.view_search_documents
    with s.projector.engine.connect() as c:
        position, parts = c.execute(select(docs.c.position, docs.c.parts).where(docs.c.key == f"proposal:{pid}")).one()

    assert (found(site.client(), "connacional"), found(site.client(), "retornado")) == ([], ["Apoyo a los retornados"])
    assert (position, parts["title"]) == (s.app.last_position, "Apoyo a los retornados")


def test_revisions_of_different_parts_in_one_batch_keep_each_part_s_last_text(site: Site) -> None:
    s = site.services
    pid = site.proposals["RT2"]
    author = s.app.proposal(pid).author
    s.app.revise_proposal(pid, {"title": "Asistencia a connacionales"}, actor=author)
    s.app.revise_proposal(pid, {"problem": "Consulados lejanos."}, actor=author)
    s.app.revise_proposal(pid, {"title": "Apoyo a los retornados", "recommendation": "Abrir oficinas."}, actor=author)
    s.wait_for_views()
    s.projector.rebuild()  # the whole log in one batch
    docs = search_views.view_search_documents
    with s.projector.engine.connect() as c:
        parts = c.execute(select(docs.c.parts).where(docs.c.key == f"proposal:{pid}")).scalar_one()

    assert list(parts.items()) == [
        ("title", "Apoyo a los retornados"), ("problem", "Consulados lejanos."), ("recommendation", "Abrir oficinas."),
        ("rationale", "Motivos."),
    ]
    assert found(site.client(), "consulado lejano") == ["Apoyo a los retornados"]


def test_a_rebuilt_index_finds_the_same(site: Site) -> None:
    s = site.services
    before = search_views.search(s.projector.engine, "proteccion")
    s.projector.rebuild()

    assert search_views.search(s.projector.engine, "proteccion") == before


def test_a_rebuild_numbers_the_documents_from_one_again(site: Site) -> None:
    # On PostgreSQL too (the emptied tables' sequences restart), as SQLite's rowids in an emptied table.
    s = site.services
    docs = search_views.view_search_documents

    def ids() -> list[tuple[int, str]]:
        with s.projector.engine.connect() as c:
            return [(int(i), str(k)) for i, k in c.execute(select(docs.c.id, docs.c.key).order_by(docs.c.id))]

    first = ids()
    s.projector.rebuild()
    s.projector.rebuild()

    assert [i for i, _ in first] == [1, 2, 3]
    assert ids() == first


def test_a_rebuild_does_not_wait_for_a_reader_of_the_views(site: Site) -> None:
    """The views are emptied by DELETE, which a reader in its transaction (an export, a slow
    search) does not hold up; TRUNCATE would wait for it, and every new read behind it."""
    s = site.services
    engine = s.projector.engine
    docs = search_views.view_search_documents

    def wait_at_most_5_s(dbapi: Any, *_: Any) -> None:  # a lock wait fails the reset instead of hanging the test
        if engine.dialect.name == "postgresql":
            dbapi.cursor().execute("SET lock_timeout = '5s'")

    event.listen(engine, "checkout", wait_at_most_5_s)
    try:
        with engine.connect() as reader:
            assert reader.execute(select(func.count()).select_from(docs)).scalar() == 3  # its transaction still open
            s.projector.reset()
            emptied = reader.execute(select(func.count()).select_from(docs)).scalar()
    finally:
        event.remove(engine, "checkout", wait_at_most_5_s)

    assert emptied == 0


def test_no_participants_name_is_found(site: Site) -> None:
    """The index holds the texts only (every author here is named "Member 0")."""
    assert search_views.search(site.services.projector.engine, "Member").total == 0


def test_the_index_is_the_databases_own_full_text_search(site: Site) -> None:
    """FTS5 on SQLite; a GIN index on the terms' tsvector on PostgreSQL."""
    engine = site.services.projector.engine
    name = search_views.view_search_index.name
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            kind = c.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE name = '{name}'").scalar()
            assert "USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2')" in kind
        else:
            kind = c.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = :name AND indexdef LIKE :gin"), {"name": name, "gin": "%gin%"}).scalar()
            assert "USING gin (to_tsvector('simple'::regconfig, terms))" in str(kind)

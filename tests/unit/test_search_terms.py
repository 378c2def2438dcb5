"""The words of the search: folded and stemmed in the text's language (projections/search_terms.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from projections.search import snippet
from projections.search_terms import _stemmer, fold, index_terms, query_groups, word_terms


def test_folding_drops_case_and_accents_and_spells_out_ligatures() -> None:
    assert fold("Protección CŒUR Straße") == "proteccion coeur strasse"


def test_a_plural_and_its_singular_share_a_term_in_spanish() -> None:
    assert set(query_groups("regularizaciones", "es")[0]) & set(index_terms("regularización", "es").split())


def test_a_word_without_its_accent_shares_a_term_with_the_accented_one() -> None:
    assert set(query_groups("proteccion", "es")[0]) & set(index_terms("protección", "es").split())


def test_french_and_portuguese_words_are_stemmed_in_their_language() -> None:
    assert (query_groups("migrantes", "fr")[0][0], query_groups("migrações", "pt")[0][0]) == ("migr", "migraco")


def test_a_query_counts_twelve_words_at_most() -> None:
    assert len(query_groups(" ".join(f"palabra{n}" for n in range(20)), "es")) == 12


def test_a_snippet_marks_the_matching_words_and_keeps_the_rest_as_text() -> None:
    pieces = snippet("La <b>protección</b> consular.", "proteccion", "es")

    assert pieces == [("La <b>", False), ("protección", True), ("</b> consular.", False)]


def test_a_word_stemmed_while_another_thread_stems_another_keeps_its_own_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Snowball stemmer holds the word it works on: thread A is half-way through
    # "protecciones" (the word set, not yet stemmed) when thread B stems "migrantes".
    word_terms.cache_clear()
    stemmer_class = type(_stemmer("es"))
    stem = stemmer_class._stem
    others: list[tuple[str, ...]] = []

    def stem_meeting_another_thread(self: Any) -> Any:
        if threading.current_thread().name == "A" and not others:
            b = threading.Thread(target=lambda: others.append(word_terms("migrantes", "es")), name="B")
            b.start()
            b.join()
        return stem(self)

    monkeypatch.setattr(stemmer_class, "_stem", stem_meeting_another_thread)
    mine: list[tuple[str, ...]] = []
    a = threading.Thread(target=lambda: mine.append(word_terms("protecciones", "es")), name="A")
    a.start()
    a.join()
    word_terms.cache_clear()
    assert mine == [("proteccion",)]
    assert others == [("migrant",)]

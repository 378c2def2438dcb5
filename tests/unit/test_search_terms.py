"""The words of the search: folded and stemmed in the text's language (projections/search_terms.py)."""

from __future__ import annotations

from projections.search import snippet
from projections.search_terms import fold, index_terms, query_groups


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

"""A long title, name or text listed in a picker or a list is cut before the word that does
not fit, followed by "…" (``web.typed_text.shorten``, the templates' ``shorten`` filter)."""

from __future__ import annotations

from web.typed_text import shorten

TITLE = "Atender los factores adversos: inversión en comunidades rurales e indígenas de origen con liderazgo de mujeres"


def test_a_title_longer_than_the_length_is_cut_before_the_word_that_does_not_fit() -> None:
    assert shorten(TITLE, 80) == "Atender los factores adversos: inversión en comunidades rurales e indígenas de…"


def test_a_title_that_fits_is_kept_whole() -> None:
    assert shorten(TITLE[:80], 80) == TITLE[:80]


def test_a_cut_falling_between_two_words_keeps_the_last_whole_word() -> None:
    assert shorten("uno dos tres cuatro", 9) == "uno dos…"


def test_punctuation_left_before_the_cut_is_dropped() -> None:
    assert shorten("Vías regulares: acceso y permanencia", 18) == "Vías regulares…"


def test_a_single_word_longer_than_the_length_is_cut_inside() -> None:
    assert shorten("x" * 100, 10) == "x" * 9 + "…"

"""Word-level diffs of a proposal's text (HTML operations and unified text)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from application.audit.history import unified_word_diff, word_diff


def test_a_changed_word_is_one_deletion_and_one_insertion() -> None:
    ops = word_diff("Garantizar el acceso a la salud", "Garantizar el acceso universal a la salud")
    assert ops == [("equal", "Garantizar el acceso "), ("insert", "universal "), ("equal", "a la salud")]


def test_a_rewritten_phrase_reads_as_one_change() -> None:
    ops = word_diff("los estados deben regularizar pronto", "los gobiernos tienen que regularizar pronto")
    assert ops == [("equal", "los "), ("delete", "estados deben"), ("insert", "gobiernos tienen que"), ("equal", " regularizar pronto")]


def test_identical_texts_are_one_equal_run() -> None:
    assert word_diff("sin cambios", "sin cambios") == [("equal", "sin cambios")]


def test_whitespace_only_changes_show_in_the_operations() -> None:
    ops = word_diff("Título ", "Título")
    assert ("delete", " ") in ops


@given(st.text(alphabet="ab cé\n🏳️", max_size=40), st.text(alphabet="ab cé\n🏳️", max_size=40))
def test_operations_rebuild_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != "insert") == old
    assert "".join(t for op, t in ops if op != "delete") == new


def test_unified_text_has_one_word_per_line() -> None:
    text = unified_word_diff("uno dos tres", "uno cuatro tres", "problem@v1", "problem@v3")
    assert text.splitlines() == ["--- problem@v1", "+++ problem@v3", "@@ -1,3 +1,3 @@", " uno", "-dos", "+cuatro", " tres"]


def test_unified_text_is_empty_when_the_words_are_the_same() -> None:
    assert unified_word_diff("a  b", "a b", "x", "y") == ""

"""The quick answer of ``needs_isolation`` (web/pages/common.py): text made only of characters
before the Hebrew block cannot reorder a page, so it is not looked at character by character."""

from __future__ import annotations

import sys
import unicodedata

from web.pages.common import _DIRECTIONAL, BEFORE_DIRECTIONAL, needs_isolation


def test_no_character_before_the_threshold_has_a_direction_that_needs_isolation() -> None:
    found = [c for c in range(ord(BEFORE_DIRECTIONAL)) if unicodedata.bidirectional(chr(c)) in _DIRECTIONAL]
    assert found == []


def test_the_first_right_to_left_character_after_the_threshold_still_needs_isolation() -> None:
    first = next(c for c in range(ord(BEFORE_DIRECTIONAL), sys.maxunicode) if unicodedata.bidirectional(chr(c)) in _DIRECTIONAL)
    assert needs_isolation(f"Vías seguras {chr(first)}")


def test_latin_text_with_accents_needs_no_isolation_and_an_override_does() -> None:
    assert not needs_isolation("Vías seguras: migração, équité, ñandú")
    assert needs_isolation("Vías seguras\u202e")
    assert not needs_isolation("")

"""An aggregate's id as the views' text (projections.base.text_id): the text of each id,
whichever ids came before it."""

from __future__ import annotations

from uuid import UUID, uuid4

from projections.base import text_id


def test_each_id_gives_its_own_text_after_the_same_one_asked_twice() -> None:
    first, second = uuid4(), uuid4()
    texts = [text_id(first), text_id(first), text_id(second), text_id(UUID(str(first))), text_id(None), text_id("plain")]
    assert texts == [str(first), str(first), str(second), str(first), "None", "plain"]

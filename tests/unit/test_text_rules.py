"""One rule for every stored text (domain/base.py): no control characters, bounded size."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.base import MAX_FIELD_CHARS, Ctx
from domain.errors import InvalidInputError
from domain.proposal import Proposal

CTX = Ctx("a", date(2026, 1, 5), "c:1")


def draft(**overrides: object) -> Proposal:
    fields: dict[str, object] = dict(
        id=uuid4(), reference="", table="RT1", author=uuid4(), co_authors=[], title="Título", problem="p",
        recommendation="r", rationale="x", objectives=[5], targets=["all governments of the region"], language="es",
    )
    fields.update(overrides)
    return Proposal.draft(CTX, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "escape\x1b[31m", "c1\x85"])
def test_a_control_character_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        draft(problem=bad)
    assert (e.value.code, e.value.field) == ("control_character", "problem")


def test_tabs_line_breaks_emoji_and_bidi_marks_are_kept() -> None:
    text = "línea 1\n\tlínea 2\r\n🏳️‍🌈 \u202bעברית\u202c"
    assert draft(problem=text).problem == text


def test_a_revision_with_a_control_character_names_the_revised_field() -> None:
    p = draft()
    author = Ctx(p.author, date(2026, 1, 6), "c:2")
    with pytest.raises(InvalidInputError) as e:
        p.revise(author, {"rationale": "a\x00b"})
    assert (e.value.code, e.value.field) == ("control_character", "rationale")
    assert p.version == 1


def test_a_reason_longer_than_the_limit_is_refused() -> None:
    p = draft()
    author = Ctx(p.author, date(2026, 1, 6), "c:2")
    with pytest.raises(InvalidInputError) as e:
        p.withdraw(author, "x" * (MAX_FIELD_CHARS + 1))
    assert e.value.code == "text_too_long"
    assert p.status == "draft"


def test_an_amendment_that_would_make_the_title_too_long_is_refused_with_its_own_code() -> None:
    p = draft()
    amender = Ctx(str(uuid4()), date(2026, 1, 6), "c:2")
    with pytest.raises(InvalidInputError) as e:
        p.propose_amendment(amender, amendment="amd-1", field="title", operation="append", text="x" * 299)
    assert (e.value.code, e.value.field, e.value.limit) == ("amended_text_too_long", "text", 300)
    assert (p.title, p.amendments) == ("Título", {})


def test_a_date_beyond_2199_is_refused_not_overflowed() -> None:
    from domain.working_table import one_year_after

    with pytest.raises(InvalidInputError) as e:
        one_year_after(date(9999, 12, 31))
    assert (e.value.code, e.value.field) == ("date_out_of_range", "term_start")


def test_an_event_dated_far_in_the_future_is_refused() -> None:
    from domain.endorsement import LiaisonEndorsement

    with pytest.raises(InvalidInputError) as e:
        LiaisonEndorsement.open(Ctx("secretariat", date(2026, 1, 5), "c:9"), id=uuid4(), proposal_id=uuid4(), version=1, session_id=None, closes_on=date(9999, 12, 31))
    assert (e.value.code, e.value.field) == ("date_out_of_range", "closes_on")

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


@pytest.mark.parametrize("bad", ["Título\r\nBcc: victim@example.org", "Título\nsegunda línea", "Título\u2028", "tab\tulado", "Eve\u202egnp.exe"])
def test_a_title_that_is_not_one_line_is_refused_naming_the_title(bad: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        draft(title=bad)
    assert (e.value.code, e.value.field) == ("not_one_line", "title")


def test_a_revised_title_with_a_line_break_is_refused_and_changes_nothing() -> None:
    p = draft()
    author = Ctx(p.author, date(2026, 1, 6), "c:2")
    with pytest.raises(InvalidInputError) as e:
        p.revise(author, {"title": "Otro\r\ntítulo"})
    assert (e.value.code, e.value.field, p.title, p.version) == ("not_one_line", "title", "Título", 1)


def test_an_amendment_that_would_break_the_title_into_lines_is_refused() -> None:
    p = draft()
    amender = Ctx(str(uuid4()), date(2026, 1, 6), "c:2")
    with pytest.raises(InvalidInputError) as e:
        p.propose_amendment(amender, amendment="amd-1", field="title", operation="append", text="\nBcc: x")
    assert (e.value.code, p.amendments) == ("not_one_line", {})


def test_a_name_with_a_line_break_is_refused_for_a_participant() -> None:
    from domain.participant import Participant

    with pytest.raises(InvalidInputError) as e:
        Participant.register(Ctx("secretariat", date(2026, 1, 5), "c:1"), id=uuid4(), reference="p-9", display_name="Eve\r\nBcc: victim@example.org", organisation_id=None, gender="woman", preferred_language="es")
    assert (e.value.code, e.value.field) == ("not_one_line", "display_name")


def test_a_title_with_a_right_to_left_mark_is_kept() -> None:
    assert draft(title="Título \u200fعربي\u200f").title == "Título \u200fعربي\u200f"

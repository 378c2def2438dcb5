"""Rules of the Proposal aggregate (docs/design.md "Proposal"; issue 3 "Proposals", "Follow-up")."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.proposal import Proposal

AUTHOR, MEMBER = str(uuid4()), str(uuid4())
DAY = date(2026, 1, 6)


def ctx(actor: str, on: date = DAY) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def draft() -> Proposal:
    return Proposal.draft(
        ctx(AUTHOR), id=uuid4(), reference="prop-1", table="RT1", author=UUID(AUTHOR), co_authors=[], title="Regularización",
        problem="Barreras", recommendation="Eliminar tasas", rationale="Objetivo 5", objectives=[5],
        targets=["all governments of the region"], language="es",
    )


def adopted() -> Proposal:
    p = draft()
    p.submit(ctx(AUTHOR))
    session = uuid4()
    p.put_on_agenda(ctx(SECRETARIAT), session)
    p.record_table_decision(ctx(SECRETARIAT), session, "adopt", 1)
    return p


def published(recipients: list[str]) -> Proposal:
    p = adopted()
    p.put_to_liaison_table(ctx(SECRETARIAT), uuid4())
    p.conclude_liaison_review(ctx(SECRETARIAT), True, {"endorse": 5, "object": 0})
    p.publish_to_governments(ctx(SECRETARIAT, date(2026, 2, 23)), recipients)
    return p


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def test_a_revision_after_submission_is_refused_and_changes_nothing() -> None:
    p = draft()
    p.submit(ctx(AUTHOR))
    version = p.version

    assert refusal(lambda: p.revise(ctx(AUTHOR), {"title": "Otro"})) == "proposal_not_editable"
    assert (p.version, p.title) == (version, "Regularización")


def test_an_author_amending_their_own_proposal_is_refused() -> None:
    p = draft()

    assert refusal(lambda: p.propose_amendment(ctx(AUTHOR), amendment="a1", field="title", operation="append", text="bis")) == "author_cannot_amend"


def test_an_accepted_amender_becomes_a_co_author_and_amends_no_more() -> None:
    p = draft()
    p.propose_amendment(ctx(MEMBER), amendment="a1", field="recommendation", operation="append", text="Y publicar datos.")
    p.accept_amendment(ctx(AUTHOR), "a1")

    assert (p.co_authors, p.recommendation, p.content_version) == ([MEMBER], "Eliminar tasas Y publicar datos.", 2)
    assert refusal(lambda: p.propose_amendment(ctx(MEMBER), amendment="a2", field="title", operation="append", text="bis")) == "author_cannot_amend"


def test_withdrawal_after_the_tables_decision_is_refused() -> None:
    p = adopted()

    assert refusal(lambda: p.withdraw(ctx(AUTHOR))) == "proposal_not_withdrawable"


def test_a_decision_refers_to_the_submitted_version() -> None:
    p = draft()
    p.submit(ctx(AUTHOR))
    session = uuid4()
    p.put_on_agenda(ctx(SECRETARIAT), session)

    assert refusal(lambda: p.record_table_decision(ctx(SECRETARIAT), session, "adopt", 2)) == "not_the_submitted_version"


def test_a_response_from_a_state_not_addressed_is_refused() -> None:
    p = published(["CO", "PE"])

    assert refusal(lambda: p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="BR", status="noted", response="Gracias.")) == "not_an_addressee"


def test_all_governments_of_the_region_addresses_every_lac_state() -> None:
    p = published(["all governments of the region"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="BR", status="accepted", response="Aceptada.")

    assert [(r["country"], r["status"]) for r in p.government_responses] == [("BR", "accepted")]


def test_a_response_dated_before_the_publication_is_refused() -> None:
    p = published(["CO"])

    assert refusal(lambda: p.record_government_response(
        ctx(SECRETARIAT, date(2026, 3, 1)), country="CO", status="noted", response="Gracias.", response_date=date(2026, 2, 1),
    )) == "response_before_publication"


def test_an_exact_duplicate_of_a_recorded_response_is_refused() -> None:
    p = published(["AR"])
    same = {"country": "AR", "status": "accepted", "response": "Se acepta.", "response_date": date(2026, 2, 25)}
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), **same)
    recorded = {("AR", "accepted", date(2026, 2, 25), "Se acepta.")}

    assert refusal(lambda: p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), recorded=recorded, **same)) == "response_already_recorded"
    assert len(p.government_responses) == 1


def test_a_second_response_of_the_same_state_with_another_text_is_recorded() -> None:
    p = published(["AR"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="AR", status="noted", response="Se toma nota.", response_date=date(2026, 2, 25))
    recorded = {("AR", "noted", date(2026, 2, 25), "Se toma nota.")}
    p.record_government_response(
        ctx(SECRETARIAT, date(2026, 3, 1)), country="AR", status="noted", response="Se toma nota; se responderá.", response_date=date(2026, 2, 25),
        recorded=recorded,
    )

    assert [r["status"] for r in p.government_responses] == ["noted", "noted"]


def test_follow_up_comes_after_the_states_response() -> None:
    p = published(["CO"])

    assert refusal(lambda: p.record_follow_up(ctx(SECRETARIAT, date(2026, 3, 1)), country="CO", progress="in_progress", note="Nada aún.")) == "no_government_response"


def test_follow_up_records_progress_with_its_date() -> None:
    p = published(["CO"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="CO", status="accepted", response="Aceptada.")
    p.record_follow_up(ctx(SECRETARIAT, date(2026, 6, 1)), country="CO", progress="implemented", note="Ley aprobada.", on=date(2026, 5, 30))

    assert p.follow_ups == [{"country": "CO", "progress": "implemented", "date": date(2026, 5, 30)}]


def test_follow_up_dated_in_the_future_is_refused() -> None:
    p = published(["CO"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="CO", status="accepted", response="Aceptada.")

    assert refusal(lambda: p.record_follow_up(
        ctx(SECRETARIAT, date(2026, 3, 2)), country="CO", progress="in_progress", note="Prevista.", on=date(2026, 4, 1),
    )) == "follow_up_in_future"


def test_a_stricter_rule_on_proposal_targets_leaves_publication_recipients_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets and recipients are checked by separate functions: a rule on one never
    changes the other."""
    import domain.proposal
    import domain.proposal_rules

    def no_target_allowed(targets: list[str]) -> None:
        raise AssertionError("the proposal target rule was used for publication recipients")

    p = adopted()
    p.put_to_liaison_table(ctx(SECRETARIAT), uuid4())
    p.conclude_liaison_review(ctx(SECRETARIAT), True, {"endorse": 5, "object": 0})
    monkeypatch.setattr(domain.proposal_rules, "check_targets", no_target_allowed)
    monkeypatch.setattr(domain.proposal, "check_targets", no_target_allowed)

    p.publish_to_governments(ctx(SECRETARIAT, date(2026, 2, 23)), ["AR", "MX"])

    assert (p.status, p.recipients) == ("published", ["AR", "MX"])


@pytest.mark.parametrize(("recipients", "code"), [
    ([], "no_target"),
    (["XX"], "unknown_target"),
    (["Quito Process"], "recipient_not_a_target"),
])
def test_publication_recipients_are_known_addressees_of_the_adopted_text(recipients: list[str], code: str) -> None:
    from domain.proposal_rules import check_recipients

    assert refusal(lambda: check_recipients(recipients, ["all governments of the region"])) == code


def test_an_amendment_whose_amended_text_would_pass_the_fields_limit_is_refused_with_its_own_code() -> None:
    p = draft()

    code = refusal(lambda: p.propose_amendment(ctx(MEMBER), amendment="a1", field="title", operation="append", text="x" * 290))

    assert (code, p.amendments) == ("amended_text_too_long", {})


def test_accepting_an_amendment_whose_merged_text_passes_the_fields_limit_is_refused_with_its_own_code() -> None:
    p = draft()
    p.propose_amendment(ctx(MEMBER), amendment="a1", field="title", operation="append", text="x" * 100)
    p.revise(ctx(AUTHOR), {"title": "t" * 250})

    assert refusal(lambda: p.accept_amendment(ctx(AUTHOR), "a1")) == "amended_text_too_long"


@pytest.mark.parametrize("replaces", ["", " ", None])
def test_an_amendment_replacing_empty_text_is_refused(replaces: str | None) -> None:
    p = draft()

    code = refusal(lambda: p.propose_amendment(ctx(MEMBER), amendment="a1", field="title", operation="replace", text="Otro", replaces=replaces))

    assert (code, p.amendments) == ("replaced_text_empty", {})


def crlf_draft() -> Proposal:
    """A draft whose problem was stored with a browser's CRLF line ends (as the API stored
    texts before forms and API read them as LF)."""
    return Proposal.draft(
        ctx(AUTHOR), id=uuid4(), reference="prop-1", table="RT1", author=UUID(AUTHOR), co_authors=[], title="Regularización",
        problem="Barreras\r\nde acceso", recommendation="Eliminar tasas", rationale="Objetivo 5", objectives=[5],
        targets=["all governments of the region"], language="es",
    )


@pytest.mark.parametrize("replaces", ["Barreras\nde", "Barreras\r\nde", "Barreras\rde"])
def test_a_text_stored_with_crlf_line_ends_is_amended_across_a_line_end_whatever_line_ends_are_sent(replaces: str) -> None:
    p = crlf_draft()
    p.propose_amendment(ctx(MEMBER), amendment="a1", field="problem", operation="replace", text="Obstáculos", replaces=replaces)

    p.accept_amendment(ctx(AUTHOR), "a1")

    assert p.problem == "Obstáculos acceso"


def test_a_replaced_text_found_as_it_is_keeps_the_fields_other_line_ends() -> None:
    p = crlf_draft()
    p.propose_amendment(ctx(MEMBER), amendment="a1", field="problem", operation="replace", text="de todo", replaces="de acceso")

    p.accept_amendment(ctx(AUTHOR), "a1")

    assert p.problem == "Barreras\r\nde todo"


def test_a_recorded_response_keeps_in_the_state_the_shape_of_snapshots_stored_by_earlier_releases() -> None:
    p = published(["AR"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="AR", status="accepted", response="Se acepta.", response_date=date(2026, 2, 25))

    # no text: a stored snapshot without it would read as changed to `dialogue audit verify`
    assert p.government_responses == [{"country": "AR", "status": "accepted", "date": date(2026, 2, 25)}]


def test_a_response_differing_from_a_recorded_one_only_in_white_space_is_the_same_response() -> None:
    p = published(["PE"])
    recorded = {("PE", "noted", date(2026, 2, 25), "Respuesta de prueba.")}

    refused = refusal(lambda: p.record_government_response(
        ctx(SECRETARIAT, date(2026, 3, 1)), country="PE", status="noted", response="Respuesta  de prueba.\r\n",
        response_date=date(2026, 2, 25), recorded=recorded,
    ))

    assert (refused, p.government_responses) == ("response_already_recorded", [])

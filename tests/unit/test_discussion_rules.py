"""Discussion on drafts (issue 17, "Discussion on drafts", "Bad input"): the rules of
:class:`domain.discussion.Discussion`."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from application.audit.history import COMMENT_TOPICS, REDACTED, redact_event_data, redact_state
from domain.base import SECRETARIAT, Ctx
from domain.discussion import Discussion, discussion_id
from domain.errors import DomainError

MEMBER = str(uuid4())
OTHER = str(uuid4())
PROPOSAL = uuid4()


def ctx(actor: str = MEMBER, on: date = date(2026, 3, 10)) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def refusal(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    return e.value.code


def discussion() -> Discussion:
    return Discussion.start(ctx(), PROPOSAL, "RT2")


def post(d: Discussion, actor: str = MEMBER, status: str = "draft", member: bool = True, **kw: Any) -> str:
    cid = kw.pop("comment_id", str(uuid4()))
    d.post(ctx(actor), comment_id=cid, text=kw.pop("text", "Un comentario."), proposal_status=status, member=member, **kw)
    return str(cid)


def test_the_discussion_id_is_derived_from_the_proposal_id() -> None:
    assert discussion().id == discussion_id(str(PROPOSAL))


def test_a_comment_records_its_author_and_text() -> None:
    d = discussion()
    cid = post(d, text="¿Y el **Objetivo 5**?")

    assert (d.get(cid)["author"], d.get(cid)["text"], d.get(cid)["reply_to"]) == (MEMBER, "¿Y el **Objetivo 5**?", None)


def test_a_reply_names_its_parent() -> None:
    d = discussion()
    parent = post(d)
    reply = post(d, OTHER, reply_to=parent)

    assert d.get(reply)["reply_to"] == parent


def test_a_reply_to_a_reply_is_refused() -> None:
    d = discussion()
    reply = post(d, OTHER, reply_to=post(d))

    assert refusal(post, d, reply_to=reply) == "reply_too_deep"


def test_a_reply_to_an_unknown_comment_is_refused() -> None:
    assert refusal(post, discussion(), reply_to=str(uuid4())) == "not_found"


def test_a_comment_by_a_non_member_is_refused() -> None:
    assert refusal(post, discussion(), member=False) == "not_a_member"


@pytest.mark.parametrize("status", ["adopted", "rejected", "withdrawn", "published"])
def test_a_comment_on_a_decided_proposal_is_refused(status: str) -> None:
    assert refusal(post, discussion(), status=status) == "discussion_closed"


@pytest.mark.parametrize("status", ["draft", "submitted", "on_agenda", "returned_for_revision"])
def test_a_comment_is_taken_while_the_proposal_is_under_discussion(status: str) -> None:
    d = discussion()
    post(d, status=status)

    assert len(d.comments) == 1


def test_the_same_comment_id_twice_is_refused() -> None:
    d = discussion()
    cid = post(d)

    assert refusal(post, d, comment_id=cid) == "duplicate_comment"


def test_an_empty_comment_is_refused() -> None:
    assert refusal(post, discussion(), text="  \n") == "empty_text"


def test_an_edit_keeps_the_earlier_text_in_the_history() -> None:
    d = discussion()
    cid = post(d, text="Primera versión.")
    d.edit(ctx(), comment_id=cid, text="Segunda versión.", proposal_status="submitted")

    assert (d.get(cid)["text"], [h["text"] for h in d.get(cid)["history"]]) == ("Segunda versión.", ["Primera versión."])


def test_an_edit_by_someone_else_is_refused() -> None:
    d = discussion()
    cid = post(d)

    assert refusal(d.edit, ctx(OTHER), comment_id=cid, text="Otro texto.", proposal_status="draft") == "not_the_comment_author"


def test_an_edit_after_the_decision_is_refused() -> None:
    d = discussion()
    cid = post(d)

    assert refusal(d.edit, ctx(), comment_id=cid, text="Tarde.", proposal_status="adopted") == "discussion_closed"


def test_an_edit_of_a_hidden_comment_is_refused() -> None:
    d = discussion()
    cid = post(d)
    d.hide(ctx(SECRETARIAT), comment_id=cid, reason="Fuera de tema.", facilitator=False)

    assert refusal(d.edit, ctx(), comment_id=cid, text="Otro.", proposal_status="draft") == "comment_hidden"


def test_a_facilitator_hides_a_comment_with_a_reason() -> None:
    d = discussion()
    cid = post(d)
    d.hide(ctx(OTHER), comment_id=cid, reason=" Publicidad. ", facilitator=True)

    assert (d.get(cid)["hidden"]["by"], d.get(cid)["hidden"]["reason"]) == ("facilitator", "Publicidad.")


def test_a_member_who_does_not_facilitate_hides_nothing() -> None:
    d = discussion()
    cid = post(d)

    assert refusal(d.hide, ctx(OTHER), comment_id=cid, reason="No me gusta.", facilitator=False) == "not_a_facilitator"


def test_hiding_without_a_reason_is_refused() -> None:
    d = discussion()
    cid = post(d)

    assert refusal(d.hide, ctx(SECRETARIAT), comment_id=cid, reason=" ", facilitator=False) == "hide_reason_required"


def test_hiding_twice_is_refused() -> None:
    d = discussion()
    cid = post(d)
    d.hide(ctx(SECRETARIAT), comment_id=cid, reason="Abusivo.", facilitator=False)

    assert refusal(d.hide, ctx(SECRETARIAT), comment_id=cid, reason="Otra vez.", facilitator=False) == "already_hidden"


def test_the_log_shows_no_comment_text_to_those_who_are_not_auditors() -> None:
    data = redact_event_data(COMMENT_TOPICS[0], {"comment_id": "c", "text": "Compre seguidores.", "reply_to": None})

    assert data == {"comment_id": "c", "text": REDACTED, "reply_to": None}


def test_a_discussion_s_state_hides_the_text_and_history_of_hidden_comments_only() -> None:
    d = discussion()
    shown, hidden = post(d, text="Visible."), post(d, text="Oculto.")
    d.hide(ctx(SECRETARIAT), comment_id=hidden, reason="Abusivo.", facilitator=False)

    state = redact_state("Discussion", {"comments": d.comments})

    assert (state["comments"][shown]["text"], state["comments"][hidden]["text"], state["comments"][hidden]["history"]) == (
        "Visible.", REDACTED, REDACTED,
    )

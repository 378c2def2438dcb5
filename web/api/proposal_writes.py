"""Writes on proposals (``/api/v1/proposals``): draft, revise, submit, withdraw, co-authors
and amendments, by the same application commands as the forms (and so the same rules and
permission checks). Each answers the proposal as it is after the write, with its new
version as ETag. Revise and withdraw require ``If-Match``; the others accept it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for

from domain.errors import DomainError
from domain.ids import created_id
from web.api.blueprint import ACCEPTED, REQUIRED
from web.api.commands import acting, run, writing
from web.api.common import Names, reader
from web.api.inputs import AmendmentInput, CoAuthorInput, DraftInput, ReasonInput, RevisionInput
from web.api.may_act import on_proposal
from web.api.problems import refuse_all
from web.api.proposals import bp, proposal_or_404, with_authors
from web.api.schemas import ProposalSchema
from web.json_body import request_json
from web.services import services

Answer = tuple[dict[str, Any], int, dict[str, str]]


def _answer(proposal_id: UUID | str, status: int = 200) -> Answer:
    """The proposal after the write, its version as ETag."""
    row = proposal_or_404(UUID(str(proposal_id)))
    return with_authors(row, Names(reader())), status, {"ETag": f'"{row["version"]}"'}


def _may_draft() -> None:
    """Membership of the body's table before its content (403 before 422)."""
    sent = request_json()
    table = sent.get("table") if isinstance(sent, dict) else None
    if isinstance(table, str):
        services().app.check_may_draft(actor=acting(), table=table)


def _may_revise(proposal_id: UUID) -> None:
    """Who may revise, and when, before the revision's content (403 or 409 before 422)."""
    proposal_or_404(proposal_id)
    services().app.check_revision(proposal_id, {}, actor=acting())


DRAFT_FIELDS = ("table", "title", "problem", "recommendation", "rationale", "objectives", "targets", "language")


def _draft_content(valid: dict[str, Any]) -> list[DomainError]:
    """The content's problems of the draft's fields that kept the schema (the others are
    put in as empty, and their problems left to the schema's answer)."""
    empty: dict[str, Any] = {"table": "", "objectives": [], "targets": [], "title": "", "problem": "", "recommendation": "",
                             "rationale": "", "language": ""}
    problems = services().app.check_draft(**{**empty, **{k: v for k, v in valid.items() if k in DRAFT_FIELDS}})
    return [p for p in problems if p.field in valid]


def _revision_content(valid: dict[str, Any], proposal_id: UUID) -> list[DomainError]:
    """The content's problems of the revision's changes that kept the schema."""
    changes = valid.get("changes")
    if not isinstance(changes, dict) or not changes:
        return []
    return [p for p in services().app.check_revision(proposal_id, changes, actor=acting()) if p.field in changes]


@bp.write("", ProposalSchema, status=201, body=DraftInput, before=_may_draft, content=_draft_content)
def draft_proposal(data: dict[str, Any]) -> Answer:
    """Draft a proposal as the member the token belongs to (in one of their tables): a body
    with several problems is answered with all of them (422)."""
    actor = writing().actor
    app = services().app
    app.check_may_draft(actor=actor, table=data["table"])
    refuse_all(app.check_draft(
        table=data["table"], title=data["title"], problem=data["problem"], recommendation=data["recommendation"],
        rationale=data["rationale"], objectives=data["objectives"], targets=data["targets"], language=data["language"],
    ))

    def draft(cid: str) -> UUID:
        return app.draft_proposal(
            actor=actor, table=data["table"], title=data["title"], problem=data["problem"], recommendation=data["recommendation"],
            rationale=data["rationale"], objectives=data["objectives"], targets=data["targets"], language=data["language"],
            source=data.get("source", ""), reference=data.get("reference", ""), id=created_id("proposal", cid), command_id=cid,
        )

    pid = run(draft)
    body, status, headers = _answer(pid, 201)
    return body, status, {**headers, "Location": url_for("api_proposals.get_proposal", proposal_id=pid)}


@bp.write("/<uuid:proposal_id>/revise", ProposalSchema, body=RevisionInput, if_match=REQUIRED, before=_may_revise,
          content=_revision_content)
def revise_proposal(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Revise the proposal's texts, GCM objectives, addressees or language (its authors, while
    a draft or returned for revision): a body with several problems is answered with all of them (422)."""
    actor, version = writing()
    refuse_all(services().app.check_revision(proposal_id, data["changes"], actor=actor))
    run(lambda cid: services().app.revise_proposal(proposal_id, data["changes"], actor=actor, note=data.get("note", ""),
                                                   command_id=cid), {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/submit", ProposalSchema, if_match=ACCEPTED, before=on_proposal("check_may_submit"))
def submit_proposal(proposal_id: UUID) -> Answer:
    """Submit the proposal to its working table (its author)."""
    actor, version = writing()
    run(lambda cid: services().app.submit_proposal(proposal_id, actor=actor, command_id=cid), {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/withdraw", ProposalSchema, body=ReasonInput, if_match=REQUIRED,
          before=on_proposal("check_may_withdraw"))
def withdraw_proposal(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Withdraw the proposal (its author), unless its table already decided on it."""
    actor, version = writing()
    run(lambda cid: services().app.withdraw_proposal(proposal_id, actor=actor, reason=data.get("reason", ""), command_id=cid),
        {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/co-authors", ProposalSchema, body=CoAuthorInput, if_match=ACCEPTED,
          before=on_proposal("check_may_add_co_author"))
def add_co_author(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Add a co-author, a member of the table (the author, while editable)."""
    actor, version = writing()
    run(lambda cid: services().app.add_co_author(proposal_id, data["co_author"], actor=actor, command_id=cid), {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/co-authors/<uuid:co_author>", ProposalSchema, if_match=ACCEPTED, methods=("DELETE",),
          before=on_proposal("check_may_remove_co_author", "co_author"))
def remove_co_author(proposal_id: UUID, co_author: UUID) -> Answer:
    """Remove a co-author (the author, or the co-author themselves), while editable."""
    actor, version = writing()
    run(lambda cid: services().app.remove_co_author(proposal_id, co_author, actor=actor, command_id=cid), {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/amendments", ProposalSchema, status=201, body=AmendmentInput, if_match=ACCEPTED,
          before=on_proposal("check_may_amend"))
def propose_amendment(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Propose an amendment (a member of the table who is not an author), while editable."""
    actor, version = writing()
    run(lambda cid: services().app.propose_amendment(
        proposal_id, actor=actor, field=data["field"], operation=data["operation"], text=data["text"],
        replaces=data.get("replaces"), justification=data.get("justification", ""), command_id=cid,
    ), {proposal_id: version})
    return _answer(proposal_id, 201)


def _amendment_action(action: str, proposal_id: UUID, reference: str, reason: str = "") -> Answer:
    actor, version = writing()
    app = services().app
    calls = {
        "accept": lambda cid: app.accept_amendment(proposal_id, reference, actor=actor, command_id=cid),
        "reject": lambda cid: app.reject_amendment(proposal_id, reference, actor=actor, reason=reason, command_id=cid),
        "withdraw": lambda cid: app.withdraw_amendment(proposal_id, reference, actor=actor, command_id=cid),
    }
    run(calls[action], {proposal_id: version})
    return _answer(proposal_id)


@bp.write("/<uuid:proposal_id>/amendments/<reference>/accept", ProposalSchema, if_match=ACCEPTED,
          before=on_proposal("check_may_decide_on_amendments"))
def accept_amendment(proposal_id: UUID, reference: str) -> Answer:
    """Accept a pending amendment (the authors): its text is merged, its amender co-authors."""
    return _amendment_action("accept", proposal_id, reference)


@bp.write("/<uuid:proposal_id>/amendments/<reference>/reject", ProposalSchema, body=ReasonInput, if_match=ACCEPTED,
          before=on_proposal("check_may_decide_on_amendments"))
def reject_amendment(data: dict[str, Any], proposal_id: UUID, reference: str) -> Answer:
    """Reject a pending amendment (the authors), with a reason."""
    return _amendment_action("reject", proposal_id, reference, data.get("reason", ""))


@bp.write("/<uuid:proposal_id>/amendments/<reference>/withdraw", ProposalSchema, if_match=ACCEPTED,
          before=on_proposal("check_may_withdraw_amendment", "reference"))
def withdraw_amendment(proposal_id: UUID, reference: str) -> Answer:
    """Withdraw one's own pending amendment (its amender)."""
    return _amendment_action("withdraw", proposal_id, reference)


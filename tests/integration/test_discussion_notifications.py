"""Notifications of the discussion on drafts (issues 17 and 18): a comment tells the
proposal's authors, a reply also the author of the comment replied to; nobody is told of
their own comment."""

from __future__ import annotations

from uuid import UUID

import pytest

from application.accounts import Account
from application.bootstrap import Services
from tests.conftest import draft_sample_proposal, seed_members


def kinds(s: Services, account: Account) -> list[tuple[str, str | None]]:
    s.notifications.refresh(account)
    return sorted((r["kind"], r["details"].get("comment_id")) for r in s.notifications.of(account.id, limit=100) if r["kind"] == "comment_posted")


@pytest.fixture
def people(sqlite_services: Services) -> tuple[Services, UUID, UUID, UUID, UUID]:
    s = sqlite_services
    author, commenter, replier = seed_members(s.app, 3)
    proposal = draft_sample_proposal(s.app, author)
    return s, author, commenter, replier, proposal


def account(s: Services, pid: UUID) -> Account:
    return s.accounts.create_participant_account(str(pid), f"{pid}@tests.invalid")


def test_a_comment_tells_the_proposal_s_author_and_not_its_writer(people: tuple[Services, UUID, UUID, UUID, UUID]) -> None:
    s, author, commenter, _, proposal = people
    authors, commenters = account(s, author), account(s, commenter)
    cid = s.app.comment(proposal, text="Una idea.", actor=str(commenter))
    s.projector.catch_up()

    assert (kinds(s, authors), kinds(s, commenters)) == ([("comment_posted", str(cid))], [])


def test_a_reply_tells_the_author_of_the_comment_replied_to(people: tuple[Services, UUID, UUID, UUID, UUID]) -> None:
    s, _, commenter, replier, proposal = people
    commenters = account(s, commenter)
    first = s.app.comment(proposal, text="Una idea.", actor=str(commenter))
    reply = s.app.comment(proposal, text="De acuerdo.", reply_to=first, actor=str(replier))
    s.projector.catch_up()

    assert kinds(s, commenters) == [("comment_posted", str(reply))]

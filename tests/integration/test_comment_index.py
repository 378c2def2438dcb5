"""Editing or hiding a comment finds its discussion in an index written with each comment
in its transaction (``application/references.py``, issue 14); migration 0012 fills it from
the log's comments."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import select, text

from application.bootstrap import Services
from application.schema import VERSION_TABLE, upgrade_own_tables
from application.tables import comment_index_table
from domain.errors import NotFoundError
from tests.conftest import draft_sample_proposal, seed_members


@pytest.fixture
def posted(services: Services) -> tuple[Services, str, str]:
    """A member's comment on a draft: (services, the member, the comment's id)."""
    author, member, *_ = seed_members(services.app, 5)
    proposal = draft_sample_proposal(services.app, author)
    cid = services.app.comment(proposal, text="Con un error.", actor=str(member))
    return services, str(member), str(cid)


def test_a_comment_writes_its_discussion_to_the_index(posted: tuple[Services, str, str]) -> None:
    services, _, cid = posted
    with services.app.engine.connect() as c:
        rows = [tuple(r) for r in c.execute(select(comment_index_table))]
    assert rows == [(cid, str(services.app.discussion_of_comment(cid).id))]


def test_an_unknown_comment_is_not_found(posted: tuple[Services, str, str]) -> None:
    services, member, _ = posted
    with pytest.raises(NotFoundError):
        services.app.edit_comment(uuid4(), text="Nada.", actor=member)


def test_the_upgrade_fills_the_index_from_the_log(posted: tuple[Services, str, str]) -> None:
    services, member, cid = posted
    engine = services.app.engine
    with engine.begin() as c:
        c.execute(text("DROP TABLE dialogue_comment_discussions"))
        for later in ("dialogue_indicator_references", "dialogue_open_election_seats", "dialogue_input_calls"):  # later migrations' tables
            c.execute(text(f"DROP TABLE {later}"))
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0011'"))

    upgrade_own_tables(engine)
    services.app.edit_comment(cid, text="Sin error.", actor=member)

    assert services.app.discussion_of_comment(cid).comments[cid]["text"] == "Sin error."

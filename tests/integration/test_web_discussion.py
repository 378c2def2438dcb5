"""The discussion on a proposal's page (issue 17, "Discussion on drafts") through HTTP, on
SQLite and PostgreSQL: a member comments and replies, the author of a comment edits it, a
facilitator hides one with a reason; the public reads comments without names; a refused
comment comes back with the text typed."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import pytest
from flask import Flask

from application.bootstrap import Services
from domain.errors import NotFoundError
from projections import discussion as discussion_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import act_as, make_app, post_form, visible


@dataclass
class World:
    services: Services
    app: Flask
    author: UUID
    member: UUID
    facilitator: UUID
    proposal: UUID

    @property
    def url(self) -> str:
        return f"/proposals/{self.proposal}"

    def comments(self) -> list[dict[str, object]]:
        self.services.projector.catch_up()
        return discussion_views.comments_of_proposal(self.services.projector.engine, str(self.proposal), hidden_text=True)


@pytest.fixture
def world(services: Services) -> World:
    app = services.app
    author, member, facilitator, *_ = seed_members(app, 5)
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=facilitator, term_start=app.clock.today(),
                             votes={"for": 5, "against": 0, "abstain": 0})
    proposal = draft_sample_proposal(app, author)
    services.projector.catch_up()
    flask_app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-10", csrf=True)
    return World(services, flask_app, author, member, facilitator, proposal)


def comment(world: World, client: object, text: str) -> object:
    return post_form(client, world.url, f"{world.url}/comments", prefix="comment", text=text)  # type: ignore[arg-type]


def test_a_member_comments_and_the_comment_shows_on_the_page(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = comment(world, client, "¿Podemos citar el **Objetivo 5**?")
    page = client.get(f"{world.url}?lang=en").get_data(as_text=True)

    assert r.status_code == 302  # type: ignore[attr-defined]
    assert [(c["author_id"], c["text"]) for c in world.comments()] == [(str(world.member), "¿Podemos citar el **Objetivo 5**?")]
    assert "<strong>Objetivo 5</strong>" in page


def test_the_public_sees_a_comment_without_its_author_s_name(world: World) -> None:
    world.services.app.comment(world.proposal, text="Un comentario público.", actor=str(world.member))
    world.services.projector.catch_up()

    page = visible(world.app.test_client().get(f"{world.url}?lang=en"))

    assert "Un comentario público." in page
    assert "a member of RT1" in page
    assert "Member 1" not in page


def test_a_member_sees_who_commented(world: World) -> None:
    world.services.app.comment(world.proposal, text="Firmado.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.author))

    assert "Member 1 · " in visible(client.get(f"{world.url}?lang=en"))


def test_the_public_gets_no_comment_form(world: World) -> None:
    page = world.app.test_client().get(f"{world.url}?lang=en").get_data(as_text=True)

    assert 'name="comment-text"' not in page
    assert "Members of RT1 comment here" in visible(world.app.test_client().get(f"{world.url}?lang=en"))


def test_an_empty_comment_comes_back_with_its_error(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = comment(world, client, "   ")

    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'id="comment-text-error"' in r.get_data(as_text=True)  # type: ignore[attr-defined]
    assert world.comments() == []


def test_a_refused_comment_keeps_the_text_typed(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = comment(world, client, "x" * 5001)

    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "x" * 5001 in r.get_data(as_text=True)  # type: ignore[attr-defined]


def test_a_too_long_comment_s_error_names_the_comment_s_own_bound(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = comment(world, client, "x" * 5001)

    page = visible(r)  # type: ignore[arg-type]
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert ("Tiene más de 5.000 caracteres." in page, "20.000" in page) == (True, False)
    assert world.comments() == []


def test_a_member_of_another_table_is_refused(world: World) -> None:
    (outsider,) = seed_members(world.services.app, 1, table="RT2")
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(outsider))

    r = comment(world, client, "Desde otra mesa.")

    assert r.status_code == 422  # type: ignore[attr-defined]
    assert world.comments() == []


def test_a_member_replies_to_a_comment(world: World) -> None:
    first = world.services.app.comment(world.proposal, text="Primero.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.author))

    r = post_form(client, world.url, f"{world.url}/comments/{first}/replies", prefix=f"reply-{first}", text="Respuesta.")

    assert r.status_code == 302
    assert [(c["text"], c["reply_to"]) for c in world.comments()] == [("Primero.", None), ("Respuesta.", str(first))]


def test_the_author_edits_their_comment(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Con un error.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = post_form(client, world.url, f"{world.url}/comments/{cid}/edit", prefix=f"edit-{cid}", text="Sin error.")

    assert r.status_code == 302
    assert [(c["text"], c["edits"]) for c in world.comments()] == [("Sin error.", 1)]


def edited(world: World, *, hide: bool = False) -> UUID:
    """A comment of the member, edited once ("Primera versión." → "Segunda versión."), hidden when ``hide``."""
    cid = world.services.app.comment(world.proposal, text="Primera versión.", actor=str(world.member))
    world.services.app.edit_comment(cid, text="Segunda versión.", actor=str(world.member), proposal_id=world.proposal)
    if hide:
        world.services.app.hide_comment(cid, reason="Publicidad.")
    world.services.projector.catch_up()
    return UUID(str(cid))


def test_a_member_sees_an_edited_comment_s_mark_and_its_earlier_text(world: World) -> None:
    edited(world)
    client = world.app.test_client()
    act_as(client, "participant", str(world.author))

    page = visible(client.get(f"{world.url}?lang=en"))

    assert ("edited on" in page, "1 earlier text" in page, "Primera versión." in page) == (True, True, True)


def test_the_public_sees_the_edited_mark_but_no_earlier_text(world: World) -> None:
    edited(world)

    page = visible(world.app.test_client().get(f"{world.url}?lang=en"))

    assert ("Segunda versión." in page, "edited on" in page, "Primera versión." in page) == (True, True, False)


def test_a_hidden_comment_s_earlier_texts_are_for_auditors_only(world: World) -> None:
    edited(world, hide=True)
    member, auditor = world.app.test_client(), world.app.test_client()
    act_as(member, "participant", str(world.author))
    act_as(auditor, "auditor")

    seen = [("Primera versión." in visible(c.get(f"{world.url}?lang=en"))) for c in (member, auditor)]

    assert seen == [False, True]


def test_a_hiding_the_views_do_not_show_yet_already_keeps_the_earlier_texts_from_members(world: World) -> None:
    cid = edited(world)
    world.services.app.hide_comment(cid, reason="Publicidad.")  # the views are not caught up
    member = world.app.test_client()
    act_as(member, "participant", str(world.author))

    page = visible(member.get(f"{world.url}?lang=en"))

    assert "Primera versión." not in page


def test_someone_else_gets_no_edit_form(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Mío.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.author))

    assert f'name="edit-{cid}-text"' not in client.get(world.url).get_data(as_text=True)


def test_a_facilitator_hides_a_comment_and_the_public_sees_the_reason_only(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Compre seguidores.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.facilitator))

    r = post_form(client, world.url, f"{world.url}/comments/{cid}/hide", prefix=f"hide-{cid}", reason="Publicidad.")
    public = visible(world.app.test_client().get(f"{world.url}?lang=en"))

    assert r.status_code == 302
    assert "Publicidad." in public
    assert "Compre seguidores." not in public


def test_an_auditor_reads_a_hidden_comment_s_text(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Compre seguidores.", actor=str(world.member))
    world.services.app.hide_comment(cid, reason="Publicidad.")
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "auditor")

    assert "Compre seguidores." in visible(client.get(f"{world.url}?lang=en"))


def test_a_member_who_does_not_facilitate_gets_no_hide_form_and_is_refused(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Opinión.", actor=str(world.author))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    page = client.get(world.url).get_data(as_text=True)
    r = post_form(client, world.url, f"{world.url}/comments/{cid}/hide", prefix=f"hide-{cid}", reason="No me gusta.")

    assert f'name="hide-{cid}-reason"' not in page
    assert r.status_code == 422
    assert [c["hidden_on"] for c in world.comments()] == [None]


def test_hiding_without_a_reason_comes_back_with_its_error(world: World) -> None:
    cid = world.services.app.comment(world.proposal, text="Opinión.", actor=str(world.member))
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, world.url, f"{world.url}/comments/{cid}/hide", prefix=f"hide-{cid}", reason=" ")

    assert r.status_code == 422
    assert f'id="hide-{cid}-reason-error"' in r.get_data(as_text=True)


def _comment_on_another_proposal(world: World) -> str:
    other = draft_sample_proposal(world.services.app, world.author, title="Another proposal")
    cid = world.services.app.comment(other, text="En otra propuesta.", actor=str(world.member))
    world.services.projector.catch_up()
    return str(cid)


def test_editing_a_comment_through_another_proposal_s_address_is_not_found(world: World) -> None:
    cid = _comment_on_another_proposal(world)
    client = world.app.test_client()
    act_as(client, "participant", str(world.member))

    r = post_form(client, world.url, f"{world.url}/comments/{cid}/edit", prefix=f"edit-{cid}", text="Cambiado.")

    world.services.projector.catch_up()
    assert r.status_code == 404
    assert discussion_views.get_comment(world.services.projector.engine, cid)["text"] == "En otra propuesta."  # type: ignore[index]


def test_hiding_a_comment_through_another_proposal_s_address_is_not_found(world: World) -> None:
    cid = _comment_on_another_proposal(world)
    client = world.app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, world.url, f"{world.url}/comments/{cid}/hide", prefix=f"hide-{cid}", reason="Publicidad.")

    world.services.projector.catch_up()
    assert r.status_code == 404
    assert discussion_views.get_comment(world.services.projector.engine, cid)["hidden_on"] is None  # type: ignore[index]


def test_the_application_finds_no_comment_on_a_proposal_it_is_not_on(world: World) -> None:
    cid = _comment_on_another_proposal(world)

    with pytest.raises(NotFoundError):
        world.services.app.edit_comment(cid, text="Cambiado.", actor=str(world.member), proposal_id=world.proposal)

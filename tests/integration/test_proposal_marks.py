"""The proposal page's answers kept per process under its proposal's change mark
(projections.proposal_marks, web.pages.common.kept_of_proposal): a write to another proposal
leaves them used; every kind of write to that proposal shows on its next page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import event

from application import privacy
from application.bootstrap import Services
from application.clock import FixedClock
from domain.base import SECRETARIAT
from domain.reference import ALL_GOVERNMENTS
from projections import calls as call_views
from projections import tables as table_views
from tests.e2e.web_support import account_for, add_sample_call, app_services, make_app, sign_in_as

SESSION_DAY = date(2026, 3, 30)
# The view tables a proposal page reads its rows from (not the tracking rows nor the marks).
PAGE_READS = re.compile(r"\bFROM (view_(?!tracking|proposal_marks)\w+)")


@dataclass
class Site:
    app: Flask
    services: Services
    path: Path
    key: str
    members: list[str]
    a: str  # the proposal whose page is read
    b: str  # another proposal of the same table


@pytest.fixture
def site(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Iterator[Site]:
    """A copy of the loaded 2026-Q1 scenario (clock 2026-03-27) with two new drafts of RT1,
    A and B, by two of its members; the whole-page cache off (the pages are rendered)."""
    src, key, _ = loaded_scenario_file
    path = tmp_path / "copy.sqlite"
    shutil.copy(src, path)
    app = make_app(f"sqlite:///{path}", key, clock="2026-03-27", DIALOGUE_PAGE_CACHE="off")
    s = app_services(app)
    members = [str(m["participant_id"]) for m in table_views.members(s.projector.engine, "RT1")]
    a, b = (
        s.app.draft_proposal(
            actor=author, table="RT1", title=title, problem="Problema.", recommendation="Recomendación.", rationale="Fundamento.",
            objectives=[2, 5], targets=[ALL_GOVERNMENTS, "UY"], language="es",
        )
        for author, title in ((members[0], "Vías regulares"), (members[1], "Otra propuesta"))
    )
    s.wait_for_views()
    yield Site(app, s, path, key, members, str(a), str(b))


def _statements(site: Site) -> Callable[[], list[str]]:
    """The statements run on the views' and the log's databases from now on."""
    seen: list[str] = []
    for engine in {site.services.app.engine, site.services.projector.engine}:
        event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return lambda: list(seen)


def test_a_revision_of_another_proposal_leaves_the_page_read_from_its_kept_answers(site: Site) -> None:
    client = site.app.test_client()
    before = client.get(f"/proposals/{site.a}?lang=en").get_data(as_text=True)
    statements = _statements(site)

    site.services.app.revise_proposal(site.b, {"title": "Otra propuesta, revisada"}, actor=site.members[1])
    site.services.wait_for_views()
    start = len(statements())
    after = client.get(f"/proposals/{site.a}?lang=en").get_data(as_text=True)
    read = sorted({m for s in statements()[start:] for m in PAGE_READS.findall(s)})

    assert (read, after == before) == ([], True)


def test_a_write_elsewhere_reads_the_page_again(site: Site) -> None:
    client = site.app.test_client()
    client.get(f"/proposals/{site.a}?lang=en")
    statements = _statements(site)

    site.services.app.register_participant(reference="p-new", display_name="Nadia Núñez", organisation_id=None, gender="woman", preferred_language="es")
    site.services.wait_for_views()
    start = len(statements())
    client.get(f"/proposals/{site.a}?lang=en")
    read = {m for s in statements()[start:] for m in PAGE_READS.findall(s)}

    assert {"view_proposals_v2", "view_amendments_v2", "view_comments"} <= read


def _steps(site: Site) -> list[tuple[str, Callable[[], object]]]:
    """Every kind of write to A, in the order of its life: each changes its page."""
    app, (author, amender, *others) = site.services.app, site.members
    clock = app.clock
    assert isinstance(clock, FixedClock)
    state: dict[str, str] = {}

    def session() -> None:
        state["session"] = str(app.schedule_session(table="RT1", quarter="2026-Q1", on=SESSION_DAY))
        app.add_to_agenda(state["session"], site.a)

    def decision() -> None:
        clock.set(SESSION_DAY)
        for m in [author, amender, *others][:5]:
            app.record_position(state["session"], site.a, member=m, position="support", reason="apoyo")
        app.decide(state["session"], site.a, "adopt")

    def liaison() -> None:
        app.open_endorsement(site.a, date(2026, 4, 10))
        app.change_setting("endorsement_min", 1)
        holder = app.seat_holder("LT-RT2-A", SESSION_DAY)
        assert holder is not None
        app.vote_on_endorsement(site.a, seat="LT-RT2-A", participant_id=holder, vote="endorse", reason="voto del escaño")
        app.close_endorsement(site.a, early=True)

    return [
        ("revision", lambda: app.revise_proposal(site.a, {"title": "Vías regulares y seguras"}, actor=author)),
        ("amendment", lambda: state.update(amendment=app.propose_amendment(
            site.a, actor=amender, field="rationale", operation="append", text="Texto añadido.",
        ))),
        ("amendment accepted", lambda: app.accept_amendment(site.a, state["amendment"], actor=author)),
        ("co-author added", lambda: app.add_co_author(site.a, others[1], actor=author)),
        ("co-author removed", lambda: app.remove_co_author(site.a, others[1], actor=author)),
        ("discussion", lambda: app.comment(site.a, text="Un comentario.", actor=others[0])),
        ("submission", lambda: app.submit_proposal(site.a, actor=author)),
        ("session", session),
        ("decision", decision),
        ("liaison outcome", liaison),
        ("publication", lambda: app.publish_to_governments(site.a)),
        ("response", lambda: app.record_government_response(site.a, country="UY", status="partially_accepted", response="Respuesta.")),
        ("follow-up", lambda: app.record_follow_up(site.a, country="UY", progress="in_progress", note="Informe.", on=SESSION_DAY)),
        # Until a checkpoint includes its publication, its proof is in the whole tree, which grows.
        ("another proposal's revision", lambda: app.revise_proposal(site.b, {"title": "Otra propuesta, revisada"}, actor=site.members[1])),
    ]


def test_each_kind_of_write_to_the_proposal_shows_on_its_next_page(site: Site) -> None:
    """After each write, the page read with the answers kept before it is the page a new
    process renders (nothing kept), and not the page before the write."""
    client = site.app.test_client()
    path = f"/proposals/{site.a}?lang=en"
    stale = []
    for name, write in _steps(site):
        before = client.get(path).get_data(as_text=True)
        client.get(f"/proposals/{site.b}?lang=en")
        write()
        site.services.wait_for_views()
        after = client.get(path).get_data(as_text=True)
        today = site.services.app.clock.today().isoformat()
        fresh = make_app(f"sqlite:///{site.path}", site.key, clock=today, DIALOGUE_PAGE_CACHE="off").test_client()
        if after != fresh.get(path).get_data(as_text=True) or after == before:
            stale.append(name)

    assert stale == []


# What varies between two readings of one page by one signed-in person: the forms' tokens and
# the count of notifications not seen.
VARYING = (
    (re.compile(r'(name="[\w-]*(?:csrf_token|command_id)"[^>]*value=")[^"]+'), r"\1X"),
    (re.compile(r'Notifications <span class="count">\d+</span><span class="visually-hidden"> not seen</span>'), "Notifications"),
)


def _same_reading(page: str) -> str:
    for pattern, replacement in VARYING:
        page = pattern.sub(replacement, page)
    return page


def _single_writes(site: Site) -> list[tuple[str, Callable[[], object]]]:
    """Writes that touch A one at a time (none hidden behind another write in the same step,
    as a setting moving every page's mark would hide a vote's)."""
    app, (author, amender, *others) = site.services.app, site.members
    clock = app.clock
    assert isinstance(clock, FixedClock)
    state: dict[str, Any] = {}

    def input_drawn() -> None:
        call = add_sample_call(site.app)
        state["input"] = call_views.accepted_inputs(site.services.projector.engine, call)[0]["id"]

    def renamed() -> None:
        participant = app.participant(others[0])
        ctx = app.ctx(SECRETARIAT, None)
        participant.update_details(ctx, {"display_name": "Nombre Cambiado"})
        app._save(ctx, participant)

    def positions() -> None:
        clock.set(SESSION_DAY)
        for m in [author, amender, *others][:5]:
            app.record_position(state["session"], site.a, member=m, position="support", reason="apoyo")

    def vote() -> None:
        holder = app.seat_holder("LT-RT2-A", SESSION_DAY)
        assert holder is not None
        app.vote_on_endorsement(site.a, seat="LT-RT2-A", participant_id=holder, vote="endorse", reason="voto")

    return [
        ("call opened", input_drawn),
        ("input linked", lambda: app.link_input(state["input"], site.a, actor=author)),
        ("contributor erased", lambda: app.erase_contributor(state["input"], reason="pedido")),
        ("comment", lambda: state.update(comment=app.comment(site.a, text="Un comentario.", actor=others[0]))),
        ("comment edited", lambda: app.edit_comment(state["comment"], text="Comentario corregido.", actor=others[0])),
        ("comment hidden", lambda: app.hide_comment(state["comment"], reason="fuera de tema")),
        ("amendment", lambda: state.update(amendment=app.propose_amendment(site.a, actor=amender, field="rationale", operation="append", text="Uno."))),
        ("amendment rejected", lambda: app.reject_amendment(site.a, state["amendment"], actor=author, reason="no")),
        ("amendment again", lambda: state.update(amendment=app.propose_amendment(site.a, actor=amender, field="rationale", operation="append", text="Dos."))),
        ("amendment withdrawn", lambda: app.withdraw_amendment(site.a, state["amendment"], actor=amender)),
        ("co-author added", lambda: app.add_co_author(site.a, others[4], actor=author)),
        ("participant renamed", renamed),
        ("co-author erased", lambda: privacy.erase(site.services, others[4])),
        ("submission", lambda: app.submit_proposal(site.a, actor=author)),
        ("session scheduled", lambda: state.update(session=str(app.schedule_session(table="RT1", quarter="2026-Q1", on=SESSION_DAY)))),
        ("agenda", lambda: app.add_to_agenda(state["session"], site.a)),
        ("positions", positions),
        ("decision", lambda: app.decide(state["session"], site.a, "adopt")),
        ("round opened", lambda: app.open_endorsement(site.a, date(2026, 4, 10))),
        ("setting", lambda: app.change_setting("endorsement_min", 1)),
        ("vote", vote),
        ("UN agency nominated", lambda: app.nominate_un_agency(seat="LT-UN-1", agency="OIM / IOM", consensus_record="Acta", focal_point=others[2])),
        ("UN advice", lambda: app.record_un_advice(site.a, seat="LT-UN-1", advice="Consejo técnico.", actor=others[2])),
        ("round closed", lambda: app.close_endorsement(site.a, early=True)),
        ("publication", lambda: app.publish_to_governments(site.a)),
        ("commission", lambda: app.establish_commission(reference="cct-x", members=[others[3]])),
        ("indicator", lambda: state.update(indicator=app.define_indicator(
            indicator_id=uuid4(), reference="IND-X", recommendations=[site.a], name="Indicador", definition="Def.", unit="personas",
            baseline=1, baseline_date=date(2025, 12, 31), target=10, target_date=date(2028, 12, 31), disaggregation=[],
            states=["UY"], actor=others[3]))),
        ("measurement", lambda: app.record_measurement(
            state["indicator"], state="UY", period="2026-Q1", value=5, source={"title": "Boletín", "url": "https://example.org/b.csv"},
            actor=others[3])),
    ]


def test_each_single_write_shows_at_once_to_the_public_the_secretariat_and_an_auditor(site: Site) -> None:
    """After each write alone, each viewer's page read with the answers kept before it is the
    page a new process renders for that viewer."""
    viewers = {"public": site.app.test_client(), "secretariat": site.app.test_client(), "auditor": site.app.test_client()}
    accounts = {role: account_for(site.app, role) for role in ("secretariat", "auditor")}
    for role, account in accounts.items():
        sign_in_as(viewers[role], account)
    path = f"/proposals/{site.a}?lang=en"
    stale = []
    for name, write in _single_writes(site):
        for client in viewers.values():  # the answers kept before the write
            client.get(path)
        write()
        site.services.wait_for_views()
        fresh_app = make_app(f"sqlite:///{site.path}", site.key, clock=site.services.app.clock.today().isoformat(), DIALOGUE_PAGE_CACHE="off")
        for role, client in viewers.items():
            fresh = fresh_app.test_client()
            if role in accounts:
                sign_in_as(fresh, accounts[role])
            if _same_reading(client.get(path).get_data(as_text=True)) != _same_reading(fresh.get(path).get_data(as_text=True)):
                stale.append(f"{name} ({role})")

    assert stale == []


"""The permission matrix's world: a small mechanism with one person of each kind, and the
commands each kind tries (shared by the application and HTTP matrices).

People: a member of RT1, a member of RT2 only, the author and a co-author of RT1 proposals,
RT1's representative in term (seat A), a former representative whose term was vacated
(seat B), a UN agency's focal point, and staff accounts of the secretariat, an auditor and
an administrator; plus the anonymous visitor. The world is built once into a SQLite file;
each attempt runs on a copy, so that one success never changes what another person meets.

The fixtures :func:`world_file` and :func:`app_on_copy` are imported by the matrices' test
modules (the application's, the pages' and the API's).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from domain.reference import ALL_GOVERNMENTS
from tests.e2e.web_support import make_app

PASSWORD = "una clave larga para la matriz"
START = date(2026, 1, 5)
ON = date(2026, 1, 10)  # the day the matrix's commands are sent
PERSONAS = (
    "anonymous", "member", "other_member", "author", "co_author", "representative", "former_representative",
    "un_agency", "secretariat", "auditor", "administrator",
)


@dataclass(frozen=True)
class World:
    """Ids of the people and of the objects the commands act on."""

    people: dict[str, str]  # persona → participant id (participants only)
    accounts: dict[str, str]  # persona → account id (everyone but the anonymous)
    emails: dict[str, str]  # persona → address
    draft: str  # RT1 draft by the author with the co-author
    submitted: str  # RT1 proposal submitted, not on an agenda
    on_agenda: str  # RT1 proposal on the session's agenda, positions taken
    adopted: str  # adopted, no round yet
    in_round: str  # adopted, its round open until 2026-02-28
    endorsed: str  # endorsed, to publish
    session: str  # RT1's open session


def _proposal(s: Services, author: str, title: str, co_authors: list[str] | None = None) -> UUID:
    return s.app.draft_proposal(
        actor=author, table="RT1", title=title, problem="Migrants lack regular pathways.", recommendation="Open regular pathways.",
        rationale="GCM objective 5.", objectives=[2], targets=[ALL_GOVERNMENTS], language="es", co_authors=co_authors or [],
    )


def build_world(s: Services) -> World:
    """Everything above, through the application's commands (the operator's context)."""
    app = s.app
    for code in ("RT1", "RT2"):
        app.register_table(code)
    app.define_settings()
    app.change_setting("quorum", 1)
    app.change_setting("endorsement_min", 1)
    genders = {"representative": "woman", "former_representative": "man"}
    people: dict[str, str] = {}
    for persona in ("member", "other_member", "author", "co_author", "representative", "former_representative", "un_agency", "voter", "newcomer"):
        pid = app.register_participant(
            reference=f"m-{persona}", display_name=persona.replace("_", " ").title(), organisation_id=None,
            gender=genders.get(persona, "non_binary"), preferred_language="es",
        )
        people[persona] = str(pid)
        if persona == "other_member":
            app.join_table(pid, "RT2")
        elif persona not in ("un_agency", "newcomer"):
            app.join_table(pid, "RT1")
    votes = {"for": 5, "against": 0, "abstain": 0}
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=people["representative"], term_start=START, votes=votes)
    app.elect_representative(table="RT1", seat="LT-RT1-B", participant_id=people["former_representative"], term_start=START, votes=votes)
    app.vacate_seat("RT1", "LT-RT1-B", "resigned")
    app.nominate_un_agency(seat="LT-UN-1", agency="OIM", consensus_record="WG-CS minutes", focal_point=people["un_agency"])
    author, co = people["author"], people["co_author"]
    draft = _proposal(s, author, "A draft", [co])
    submitted = _proposal(s, author, "Submitted")
    app.submit_proposal(submitted, actor=author)
    session = app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 1, 20))
    ids = {}
    for name in ("on_agenda", "adopted", "in_round", "endorsed"):
        pid_ = _proposal(s, author, name.replace("_", " ").title())
        app.submit_proposal(pid_, actor=author)
        app.add_to_agenda(session, pid_)
        app.record_position(session, pid_, member=people["voter"], position="support")
        if name != "on_agenda":
            app.decide(session, pid_, "adopt")
        ids[name] = str(pid_)
    app.open_endorsement(ids["in_round"], date(2026, 2, 28))
    app.open_endorsement(ids["endorsed"], date(2026, 2, 28))
    app.vote_on_endorsement(ids["endorsed"], seat="LT-RT1-A", participant_id=people["representative"], vote="endorse")
    app.close_endorsement(ids["endorsed"], early=True)
    emails: dict[str, str] = {}
    accounts: dict[str, str] = {}
    for persona, pid in people.items():
        if persona == "newcomer":
            continue  # invited during the matrix
        emails[persona] = f"{persona.replace('_', '-')}@matrix.invalid"
        accounts[persona] = s.accounts.create_participant_account(pid, emails[persona], password=PASSWORD).id
    for persona in ("secretariat", "auditor", "administrator"):
        emails[persona] = f"{persona}@matrix.invalid"
        accounts[persona] = s.accounts.create_staff_account(emails[persona], persona, password=PASSWORD).id
    s.projector.catch_up()
    return World(
        people=people, accounts=accounts, emails=emails, draft=str(draft), submitted=str(submitted), session=str(session), **ids,
    )


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, World]:
    """The world built once (per test module) into a SQLite file: (path, master key, ids)."""
    path = tmp_path_factory.mktemp("matrix") / "world.sqlite"
    key = generate_master_key()
    s = bootstrap(Config(database_url=f"sqlite:///{path}", master_key=key, inline_projection=False), clock=FixedClock(START))
    world = build_world(s)
    with s.app.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dispose_engines()
    return path, key, world


def copy_world(world_file: tuple[Path, str, World], folder: Path) -> Callable[[], str]:
    """A function giving, at each call, the URL of a new copy of the world in ``folder``."""
    made: list[int] = []

    def fresh() -> str:
        made.append(1)
        dst = folder / f"copy{len(made)}.sqlite"
        shutil.copy(world_file[0], dst)
        return f"sqlite:///{dst}"

    return fresh


@pytest.fixture
def app_on_copy(world_file: tuple[Path, str, World], tmp_path: Path) -> Iterator[Callable[[], Flask]]:
    """A function giving, at each call, the web app on a new copy of the world (clock: :data:`ON`)."""
    fresh = copy_world(world_file, tmp_path)
    yield lambda: make_app(fresh(), world_file[1], clock=ON.isoformat())
    dispose_engines()


# The people each command accepts; everyone else is refused and nothing changes.
RT1_MEMBERS = {"member", "author", "co_author", "representative", "former_representative"}
SECRETARIAT = {"secretariat", "representative"}  # staff granted the role, and representatives in term
EXPECTED: dict[str, set[str]] = {
    "draft_proposal": RT1_MEMBERS,
    "revise_proposal": {"author", "co_author"},
    "propose_amendment": RT1_MEMBERS - {"author", "co_author"},
    "submit_proposal": {"author"},
    "record_position": RT1_MEMBERS,
    "schedule_session": SECRETARIAT,
    "add_to_agenda": SECRETARIAT,
    "decide": SECRETARIAT,
    "open_endorsement": SECRETARIAT,
    "vote_on_endorsement": {"representative"},
    "record_un_advice": SECRETARIAT | {"un_agency"},
    "close_endorsement": SECRETARIAT,
    "publish_to_governments": SECRETARIAT,
    "grant_access": {"administrator"},
    "invite_participant": SECRETARIAT | {"administrator"},
}


def claimed_actor(world: World, persona: str, secretariat_command: bool) -> str:
    """The actor a person sends: the secretariat for its commands, else themselves; those
    without a participant id of their own claim the member's (a forgery the service refuses)."""
    if secretariat_command:
        return "secretariat"
    return world.people.get(persona) or world.people["member"]


def run_command(s: Services, world: World, persona: str, command: str) -> Any:
    """Run ``command`` as ``persona`` would send it (the identity binding is the caller's)."""
    app = s.app
    own = claimed_actor(world, persona, False)
    sec = "secretariat"
    if command == "draft_proposal":
        return _proposal(s, own, "New one")
    if command == "revise_proposal":
        return app.revise_proposal(world.draft, {"title": "Revised"}, actor=own)
    if command == "propose_amendment":
        return app.propose_amendment(world.draft, actor=own, field="rationale", operation="append", text="More.")
    if command == "submit_proposal":
        return app.submit_proposal(world.draft, actor=own)
    if command == "record_position":
        return app.record_position(world.session, world.on_agenda, member=own, position="object", actor=own)
    if command == "schedule_session":
        return app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 2, 20), actor=sec)
    if command == "add_to_agenda":
        return app.add_to_agenda(world.session, world.submitted, actor=sec)
    if command == "decide":
        return app.decide(world.session, world.on_agenda, "adopt", actor=sec)
    if command == "open_endorsement":
        return app.open_endorsement(world.adopted, date(2026, 2, 28), actor=sec)
    if command == "vote_on_endorsement":
        return app.vote_on_endorsement(world.in_round, seat="LT-RT1-B" if persona == "former_representative" else "LT-RT1-A",
                                       participant_id=own, vote="endorse", actor=own)
    if command == "record_un_advice":
        actor = own if persona == "un_agency" else sec
        return app.record_un_advice(world.in_round, seat="LT-UN-1", advice="Technical advice.", actor=actor)
    if command == "close_endorsement":
        return app.close_endorsement(world.in_round, early=True, actor=sec)
    if command == "publish_to_governments":
        return app.publish_to_governments(world.endorsed, actor=sec)
    if command == "invite_participant":
        return s.accounts.invite(world.people["newcomer"], "newcomer@matrix.invalid")
    if command == "grant_access":
        by = world.accounts.get(persona, "operator")
        return app.grant_access(world.accounts["member"], "auditor", by=by, actor="administrator")
    raise AssertionError(command)


def http_form(s: Services, world: World, persona: str, command: str) -> tuple[str, dict[str, Any]] | None:
    """The page address and form fields that send ``command`` (None: no page sends it;
    grants are made from the command line)."""
    seat = "LT-RT1-B" if persona == "former_representative" else "LT-RT1-A"
    text = {"title": "Revised", "problem": "Migrants lack regular pathways.", "recommendation": "Open regular pathways.",
            "rationale": "GCM objective 5.", "objectives": "2", "targets": ALL_GOVERNMENTS, "language": "es"}
    forms: dict[str, tuple[str, dict[str, Any]] | None] = {
        "draft_proposal": ("/proposals/new", {**text, "title": "New one", "table": "RT1"}),
        "revise_proposal": (f"/proposals/{world.draft}/revise", {**text, "expected_version": str(s.app.proposal(world.draft).version), "note": ""}),
        "propose_amendment": (f"/proposals/{world.draft}/amendments", {"field": "rationale", "operation": "append", "text": "More.", "justification": ""}),
        "submit_proposal": (f"/proposals/{world.draft}/submit", {}),
        "record_position": (f"/sessions/{world.session}/positions", {"proposal_id": world.on_agenda, "position": "object", "reason": ""}),
        "schedule_session": ("/sessions", {"table": "RT1", "quarter": "2026-Q1", "date": "2026-02-20", "mode": "virtual"}),
        "add_to_agenda": (f"/sessions/{world.session}/agenda", {"proposal": world.submitted}),
        "decide": (f"/sessions/{world.session}/decisions", {"proposal_id": world.on_agenda, "decision": "adopt", "confirm": "yes"}),
        "open_endorsement": ("/liaison/rounds", {"round-proposal": world.adopted, "round-closes_on": "2026-02-28", "round-command_id": "prefixed"}),
        "vote_on_endorsement": ("/liaison/votes", {"proposal_id": world.in_round, "seat": seat, "vote": "endorse", "reason": ""}),
        "record_un_advice": ("/liaison/advice", {"proposal_id": world.in_round, "seat": "LT-UN-1", "advice": "Technical advice."}),
        "close_endorsement": ("/liaison/close", {"proposal_id": world.in_round, "confirm": "yes"}),
        "publish_to_governments": ("/liaison/publish", {"proposal_id": world.endorsed, "confirm": "yes"}),
        "invite_participant": ("/account/invite", {"participant": world.people["newcomer"], "email": "newcomer@matrix.invalid"}),
        "grant_access": None,
    }
    return forms[command]

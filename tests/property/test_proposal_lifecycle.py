"""The proposal lifecycle and table sessions, against a reference model of the rules.

A Hypothesis ``RuleBasedStateMachine`` sends random commands (drafting, revising,
co-authors, amendments, submission, withdrawal, agendas, positions, decisions, closing,
quorum changes) from random people (members of RT1 and one outsider) through the real
``DialogueApplication`` on an in-memory store. A small model written here, from
docs/design.md and issue 3 and not from the code, says for each command whether the rules
accept it and, if not, which code refuses it. After every step:

- every command the model refuses raised a DomainError with the model's code, and
  every command it accepts succeeded;
- the proposal and the sessions are in the model's state;
- every aggregate saved equals its replay from the stored events;
- every recorded decision is permitted by the tally recomputed from the latest
  positions (read from the position events before it) under the recorded rule and
  quorum, and the recorded settings version holds that quorum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid5

import pytest
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.deliberation import TableDeliberation
from domain.errors import DomainError
from domain.settings import DEFAULT_RULES, SETTINGS_ID, MechanismSettings
from tests.property.memory_app import new_app, state_of
from tests.property.profile import machine_settings

TODAY = date(2026, 1, 5)
NS = UUID("8a3c5a52-7f57-4b8e-9d8e-5a4f0c2a1b11")
MEMBERS = [f"m{i}" for i in range(7)]
OUTSIDER = "x"
PEOPLE = [*MEMBERS, OUTSIDER]
FIELDS = ("title", "problem", "recommendation", "rationale")
INITIAL = {
    "title": "Regularización migratoria",
    "problem": "Barreras documentales y costos altos",
    "recommendation": "Eliminar tasas y aceptar documentos vencidos",
    "rationale": "Objetivo 4 del Pacto",
}
WORDS = ("tasas", "documentos", "costos", "Pacto", "ausente")  # "ausente" is never in the texts
VALUES = ("Texto A", "Texto B", "Regularización migratoria")
DECISIONS = ("adopt", "return_for_revision", "reject")


@dataclass
class Amendment:
    amender: str
    field: str
    operation: str
    text: str
    replaces: str | None
    status: str = "pending"


@dataclass
class Item:
    version: int
    positions: dict[str, str] = field(default_factory=dict)
    decision: str | None = None


@dataclass
class Session:
    closed: bool = False
    agenda: dict[str, Item] = field(default_factory=dict)


@dataclass
class Model:
    """What the rules say the state is (docs/design.md "Proposal", "TableDeliberation")."""

    drafted: bool = False
    status: str = "draft"
    author: str = ""
    co_authors: list[str] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=lambda: dict(INITIAL))
    content_version: int = 1
    submitted_version: int | None = None
    session: str | None = None
    amendments: dict[str, Amendment] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    quorum: int = DEFAULT_RULES.quorum
    settings_version: int = 0

    def authors(self) -> list[str]:
        return [self.author, *self.co_authors]

    def editable(self) -> bool:
        return self.status in ("draft", "returned_for_revision")


class ProposalLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = new_app(TODAY)
        self.model = Model()
        self.ids: dict[str, UUID] = {}
        self.n = 0
        self.app.register_table("RT1", command_id="setup:RT1")
        self.app.register_table("RT2", command_id="setup:RT2")
        for i, ref in enumerate(PEOPLE):
            pid = uuid5(NS, ref)
            self.ids[ref] = pid
            self.app.register_participant(
                reference=ref, display_name=ref, organisation_id=None, gender="woman" if i % 2 else "man",
                preferred_language="es", id=pid, command_id=f"setup:{ref}",
            )
            self.app.join_table(pid, "RT1" if ref in MEMBERS else "RT2", command_id=f"setup:join:{ref}")
        self.proposal_id = uuid5(NS, "proposal")

    # ------------------------------------------------------------------ helpers
    def cid(self) -> str:
        self.n += 1
        return f"cmd-{self.n}"

    def who(self, ref: str) -> str:
        return str(self.ids[ref])

    def run(self, expected: str | None, call: Any) -> Any:
        """Run ``call``; the model's ``expected`` code (None: accepted) must match."""
        event(f"{expected or 'accepted'}")
        try:
            result = call()
        except DomainError as e:
            assert expected is not None, f"the rules accept this command, but it was refused: {e}"
            assert e.code == expected, f"refused with {e.code}, the model expects {expected}: {e}"
            return None
        assert expected is None, f"the model expects {expected}, but the command succeeded"
        return result

    def session_uuid(self, ref: str) -> UUID:
        return uuid5(NS, f"session:{ref}")

    def actor(self, data: st.DataObject, *likely: str) -> str:
        """Anyone, but more often one of the people the rules let act (so that random
        sequences get far into the lifecycle)."""
        return data.draw(st.sampled_from([*likely, *likely, *PEOPLE]) if likely else st.sampled_from(PEOPLE))

    # ------------------------------------------------------------------ authoring
    @initialize(author=st.sampled_from(MEMBERS), co=st.none() | st.sampled_from(PEOPLE))
    def first_draft(self, author: str, co: str | None) -> None:
        self.draft(author, co)
        self.schedule_session()

    @rule(author=st.sampled_from(PEOPLE), co=st.none() | st.sampled_from(PEOPLE))
    def draft(self, author: str, co: str | None) -> None:
        m = self.model
        expected = None
        if author not in MEMBERS or (co is not None and co not in MEMBERS):
            expected = "not_a_member"
        elif m.drafted:
            expected = "already_registered"
        elif co == author:
            expected = "author_is_co_author"
        self.run(expected, lambda: self.app.draft_proposal(
            actor=self.who(author), table="RT1", objectives=[2], targets=["all governments of the region"], language="es",
            co_authors=[self.who(co)] if co else [], id=self.proposal_id, command_id=self.cid(), **INITIAL,
        ))
        if expected is None:
            m.drafted, m.author, m.co_authors = True, author, [co] if co else []

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data(), f=st.sampled_from(FIELDS), value=st.sampled_from(VALUES))
    def revise(self, data: st.DataObject, f: str, value: str) -> None:
        m = self.model
        actor = self.actor(data, *m.authors())
        expected = None
        if actor not in m.authors():
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        elif m.text[f] == value:
            expected = "empty_revision"
        self.run(expected, lambda: self.app.revise_proposal(self.proposal_id, {f: value}, actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.text[f] = value
            m.content_version += 1

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data(), who=st.sampled_from(PEOPLE))
    def add_co_author(self, data: st.DataObject, who: str) -> None:
        m = self.model
        actor = self.actor(data, m.author)
        expected = None
        if who not in MEMBERS:
            expected = "not_a_member"
        elif actor != m.author:
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        elif who in m.authors():
            expected = "already_an_author"
        self.run(expected, lambda: self.app.add_co_author(self.proposal_id, self.who(who), actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.co_authors.append(who)

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data(), who=st.sampled_from(PEOPLE))
    def remove_co_author(self, data: st.DataObject, who: str) -> None:
        m = self.model
        actor = self.actor(data, m.author)
        expected = None
        if actor not in (m.author, who):
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        elif who not in m.co_authors:
            expected = "not_a_co_author"
        self.run(expected, lambda: self.app.remove_co_author(self.proposal_id, self.who(who), actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.co_authors.remove(who)

    # ------------------------------------------------------------------ amendments
    @precondition(lambda self: self.model.drafted)
    @rule(
        data=st.data(), f=st.sampled_from(FIELDS), replace=st.booleans(),
        text=st.sampled_from(("nuevo texto", "otra frase")), word=st.sampled_from(WORDS),
    )
    def propose_amendment(self, data: st.DataObject, f: str, replace: bool, text: str, word: str) -> None:
        m = self.model
        actor = self.actor(data, *(p for p in MEMBERS if p not in m.authors()))
        expected = None
        if actor not in MEMBERS:
            expected = "not_a_member"
        elif actor in m.authors():
            expected = "author_cannot_amend"
        elif not m.editable():
            expected = "proposal_not_editable"
        elif replace and word not in m.text[f]:
            expected = "replaced_text_not_found"
        ref = self.run(expected, lambda: self.app.propose_amendment(
            self.proposal_id, actor=self.who(actor), field=f, operation="replace" if replace else "append", text=text,
            replaces=word if replace else None, command_id=self.cid(),
        ))
        if expected is None:
            m.amendments[ref] = Amendment(actor, f, "replace" if replace else "append", text, word if replace else None)

    def _amendment_ref(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from([*sorted(self.model.amendments), "amd-unknown"]))

    def _amendment_state_code(self, ref: str) -> str | None:
        a = self.model.amendments.get(ref)
        if a is None:
            return "unknown_amendment"
        if a.status != "pending":
            return "amendment_not_pending"
        return None

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def accept_amendment(self, data: st.DataObject) -> None:
        self.accept_as(self.actor(data, *self.model.authors()), self._amendment_ref(data))

    def accept_as(self, actor: str, ref: str) -> None:
        m = self.model
        expected = None
        if actor not in m.authors():
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        else:
            expected = self._amendment_state_code(ref)
        a = m.amendments.get(ref)
        if expected is None and a is not None and a.operation == "replace" and (a.replaces or "") not in m.text[a.field]:
            expected = "amendment_conflict"
        self.run(expected, lambda: self.app.accept_amendment(self.proposal_id, ref, actor=self.who(actor), command_id=self.cid()))
        if expected is None and a is not None:
            current = m.text[a.field]
            if a.operation == "append":
                m.text[a.field] = current.rstrip() + " " + a.text
            else:
                m.text[a.field] = current.replace(a.replaces or "", a.text, 1)
            a.status = "accepted"
            m.content_version += 1
            if a.amender not in m.authors():
                m.co_authors.append(a.amender)

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def reject_amendment(self, data: st.DataObject) -> None:
        self.reject_as(self.actor(data, *self.model.authors()), self._amendment_ref(data))

    def reject_as(self, actor: str, ref: str) -> None:
        m = self.model
        expected = None
        if actor not in m.authors():
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        else:
            expected = self._amendment_state_code(ref)
        self.run(expected, lambda: self.app.reject_amendment(self.proposal_id, ref, actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.amendments[ref].status = "rejected"

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def withdraw_amendment(self, data: st.DataObject) -> None:
        m = self.model
        ref = self._amendment_ref(data)
        actor = self.actor(data, *([m.amendments[ref].amender] if ref in m.amendments else []))
        expected = self._amendment_state_code(ref)
        if expected is None and m.amendments[ref].amender != actor:
            expected = "not_the_amender"
        self.run(expected, lambda: self.app.withdraw_amendment(self.proposal_id, ref, actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.amendments[ref].status = "withdrawn"

    # ------------------------------------------------------------------ submission and withdrawal
    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        self.submit_as(self.actor(data, self.model.author))

    def submit_as(self, actor: str) -> None:
        m = self.model
        expected = None
        if actor != m.author:
            expected = "not_an_author"
        elif not m.editable():
            expected = "proposal_not_editable"
        elif any(a.status == "pending" for a in m.amendments.values()):
            expected = "pending_amendments"
        self.run(expected, lambda: self.app.submit_proposal(self.proposal_id, actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.status, m.submitted_version = "submitted", m.content_version

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        m = self.model
        actor = self.actor(data, m.author)
        expected = None
        if m.session is not None and m.sessions[m.session].agenda["p"].decision is not None:
            expected = "already_decided"
        elif actor != m.author:
            expected = "not_an_author"
        elif m.status not in ("draft", "submitted", "on_agenda", "returned_for_revision"):
            expected = "proposal_not_withdrawable"
        self.run(expected, lambda: self.app.withdraw_proposal(self.proposal_id, actor=self.who(actor), command_id=self.cid()))
        if expected is None:
            m.status = "withdrawn"

    # ------------------------------------------------------------------ sessions
    @precondition(lambda self: len(self.model.sessions) < 3)
    @rule()
    def schedule_session(self) -> None:
        ref = f"s{len(self.model.sessions) + 1}"
        self.run(None, lambda: self.app.schedule_session(
            table="RT1", quarter="2026-Q1", on=TODAY, reference=ref, id=self.session_uuid(ref), command_id=self.cid(),
        ))
        self.model.sessions[ref] = Session()

    def _session(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model.sessions)))

    @precondition(lambda self: self.model.drafted and self.model.sessions)
    @rule(data=st.data())
    def add_to_agenda(self, data: st.DataObject) -> None:
        self.add_to(self._session(data))

    def add_to(self, ref: str) -> None:
        m = self.model
        s = m.sessions[ref]
        expected = None
        if s.closed:
            expected = "session_closed"
        elif "p" in s.agenda:
            expected = "already_on_agenda"
        elif m.status != "submitted":
            expected = "proposal_not_submitted"
        self.run(expected, lambda: self.app.add_to_agenda(self.session_uuid(ref), self.proposal_id, command_id=self.cid()))
        if expected is None:
            s.agenda["p"] = Item(version=m.submitted_version or m.content_version)
            m.status, m.session = "on_agenda", ref

    @precondition(lambda self: self.model.drafted and self.model.sessions)
    @rule(
        data=st.data(),
        positions=st.lists(
            st.tuples(st.sampled_from([*MEMBERS, *MEMBERS, OUTSIDER]), st.sampled_from(("support", "object", "abstain"))),
            min_size=1, max_size=7,
        ),
    )
    def record_positions(self, data: st.DataObject, positions: list[tuple[str, str]]) -> None:
        """Members state positions one command at a time (several per step, so that
        random sequences reach the quorum)."""
        ref = self._session(data)
        for member, position in positions:
            self.record_position(ref, member, position)

    def record_position(self, ref: str, member: str, position: str) -> None:
        m = self.model
        s = m.sessions[ref]
        item = s.agenda.get("p")
        expected = None
        if item is not None and m.status == "withdrawn":
            expected = "proposal_withdrawn"
        elif s.closed:
            expected = "session_closed"
        elif member not in MEMBERS:
            expected = "not_a_member"
        elif item is None:
            expected = "not_on_agenda"
        elif item.decision is not None:
            expected = "already_decided"
        self.run(expected, lambda: self.app.record_position(
            self.session_uuid(ref), self.proposal_id, member=self.who(member), position=position, command_id=self.cid(),
        ))
        if expected is None and item is not None:
            item.positions[member] = position

    @precondition(lambda self: self.model.drafted and self.model.sessions)
    @rule(data=st.data(), decision=st.sampled_from(DECISIONS))
    def decide(self, data: st.DataObject, decision: str) -> None:
        self.decide_in(self._session(data), decision)

    def decide_in(self, ref: str, decision: str) -> None:
        m = self.model
        s = m.sessions[ref]
        item = s.agenda.get("p")
        expected = None
        if s.closed:
            expected = "session_closed"
        elif item is None:
            expected = "not_on_agenda"
        elif item.decision is not None:
            expected = "already_decided"
        else:
            support = sum(1 for p in item.positions.values() if p == "support")
            objects = sum(1 for p in item.positions.values() if p == "object")
            if len(item.positions) < m.quorum:
                expected = "quorum_not_reached"
            elif (decision == "adopt" and not support > objects) or (decision == "reject" and not objects > support):
                expected = "decision_not_permitted"
            elif m.status != "on_agenda":
                expected = "proposal_not_on_agenda"
            elif m.session != ref:
                expected = "not_on_this_agenda"
        self.run(expected, lambda: self.app.decide(self.session_uuid(ref), self.proposal_id, decision, command_id=self.cid()))
        if expected is None and item is not None:
            item.decision = decision
            m.status = {"adopt": "adopted", "return_for_revision": "returned_for_revision", "reject": "rejected"}[decision]
            if decision == "return_for_revision":
                m.session = None

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data(), minutes=st.sampled_from(("Acta de la sesión.", "  ")))
    def close_session(self, data: st.DataObject, minutes: str) -> None:
        ref = self._session(data)
        s = self.model.sessions[ref]
        expected = "session_closed" if s.closed else ("minutes_required" if not minutes.strip() else None)
        self.run(expected, lambda: self.app.close_session(self.session_uuid(ref), minutes, command_id=self.cid()))
        if expected is None:
            s.closed = True

    @precondition(lambda self: self.model.drafted)
    @rule(data=st.data())
    def move_forward(self, data: st.DataObject) -> None:
        """The lifecycle's next natural command, by someone allowed to give it (the
        model still decides whether it is accepted): so that random sequences reach
        agendas, quorums and decisions, not only drafting."""
        m = self.model
        if m.status in ("draft", "returned_for_revision"):
            pending = sorted(r for r, a in m.amendments.items() if a.status == "pending")
            if pending:
                (self.accept_as if data.draw(st.booleans()) else self.reject_as)(m.author, pending[0])
            else:
                self.submit_as(m.author)
        elif m.status == "submitted":
            open_sessions = sorted(r for r, s in m.sessions.items() if not s.closed and "p" not in s.agenda)
            if not open_sessions and len(m.sessions) < 3:
                self.schedule_session()
                open_sessions = sorted(r for r, s in m.sessions.items() if not s.closed and "p" not in s.agenda)
            if open_sessions:
                self.add_to(open_sessions[0])
        elif m.status == "on_agenda" and m.session is not None:
            item = m.sessions[m.session].agenda["p"]
            if len(item.positions) < m.quorum and not m.sessions[m.session].closed:
                for member in data.draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=7)):
                    self.record_position(m.session, member, data.draw(st.sampled_from(("support", "object", "abstain"))))
            else:
                self.decide_in(m.session, data.draw(st.sampled_from(DECISIONS)))

    @rule(quorum=st.integers(min_value=1, max_value=7))
    def change_quorum(self, quorum: int) -> None:
        m = self.model
        expected = "setting_unchanged" if quorum == m.quorum else None
        self.run(expected, lambda: self.app.change_setting("quorum", quorum, command_id=self.cid()))
        if expected is None:
            m.quorum = quorum
            m.settings_version = 2 if m.settings_version == 0 else m.settings_version + 1

    # ------------------------------------------------------------------ invariants
    @invariant()
    def proposal_is_in_the_models_state(self) -> None:
        m = self.model
        if not m.drafted:
            return
        p = self.app.proposal(self.proposal_id)
        assert p.status == m.status
        assert (p.author, p.co_authors) == (self.who(m.author), [self.who(c) for c in m.co_authors])
        assert {f: getattr(p, f) for f in FIELDS} == m.text
        assert (p.content_version, p.submitted_version) == (m.content_version, m.submitted_version)
        expected_session = str(self.session_uuid(m.session)) if m.session else None
        assert p.session_id == expected_session
        assert {r: (a["amender"], a["status"]) for r, a in p.amendments.items()} == {
            r: (self.who(a.amender), a.status) for r, a in m.amendments.items()
        }

    @invariant()
    def sessions_are_in_the_models_state(self) -> None:
        for ref, s in self.model.sessions.items():
            actual = self.app.session(self.session_uuid(ref))
            assert actual.closed == s.closed
            want = {
                str(self.proposal_id): (i.version, {self.who(k): v for k, v in i.positions.items()}, i.decision)
                for i in s.agenda.values()
            }
            assert {k: (v["version"], v["positions"], v["decision"]) for k, v in actual.agenda.items()} == want

    @invariant()
    def replaying_the_events_gives_the_same_state(self) -> None:
        for aggregate_id, live in self.app.saved.items():
            replayed: Any = self.app.repository.get(aggregate_id)
            assert replayed.version == live.version
            assert state_of(replayed) == state_of(live)

    @invariant()
    def every_decision_is_permitted_by_its_recomputed_tally(self) -> None:
        for ref in self.model.sessions:
            latest: dict[tuple[str, str], str] = {}
            for e in self.app.repository.event_store.get(self.session_uuid(ref)):
                if isinstance(e, TableDeliberation.PositionRecorded):  # type: ignore[attr-defined]
                    latest[(e.proposal_id, e.member)] = e.position
                elif isinstance(e, TableDeliberation.DecisionRecorded):  # type: ignore[attr-defined]
                    positions = [p for (item, _), p in latest.items() if item == e.proposal_id]
                    support, objects = positions.count("support"), positions.count("object")
                    tally = {"support": support, "object": objects, "abstain": positions.count("abstain"), "taking_part": len(positions)}
                    assert dict(e.tally) == tally
                    assert e.rule == "simple_majority_of_positions"
                    assert len(positions) >= e.quorum
                    assert e.decision != "adopt" or support > objects
                    assert e.decision != "reject" or objects > support
                    assert e.quorum == self._quorum_at(e.settings_version)

    def _quorum_at(self, settings_version: int) -> int:
        if settings_version == 0:
            return DEFAULT_RULES.quorum
        settings: Any = self.app.repository.get(SETTINGS_ID, version=settings_version)
        assert isinstance(settings, MechanismSettings)
        return int(settings.values["quorum"])

    def teardown(self) -> None:
        if self.model.drafted:
            assert self.app.proposal(self.proposal_id).status == self.model.status


ProposalLifecycle.TestCase.settings = machine_settings()
TestProposalLifecycle = pytest.mark.slow(ProposalLifecycle.TestCase)

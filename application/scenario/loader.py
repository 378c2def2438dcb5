"""The scenario loader: replays a scenario folder through the application's commands
(never by writing events).

A scenario folder holds ``quarter.json`` (``{quarter, settings, steps[], expected_outcomes}``)
with ``organisations.json``, ``participants.json`` and ``proposals.json`` beside it
(``docs/scenario.md`` documents every verb). Before the steps, the working tables, the
settings (the scenario's own ``settings``, over the code's defaults), organisations and
participants are registered by the secretariat on the first step's date. Before each step the clock is set to the step's ``at`` date and the deadline job
runs. Each step's command id is ``<quarter>#<seq>``: loading again applies only what is
missing. A step with ``"expect": "rejected_by_system"`` must be refused.

Verbs are registered by area (``application/scenario/<area>.py``) with :func:`verb`; the
package imports every area module.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from application.clock import FixedClock
from application.errors import CommandAlreadyAppliedError
from application.service import DialogueApplication
from domain.base import PUBLIC, SECRETARIAT, check_event_text
from domain.errors import DomainError
from domain.ids import scenario_id, scenario_namespace
from domain.reference import table_objectives
from domain.settings import check_settings

Step = dict[str, Any]
Verb = Callable[["ScenarioLoader", Step, str], None]
VERBS: dict[str, Verb] = {}


def verb(name: str) -> Callable[[Verb], Verb]:
    """Register the function of a scenario verb: ``fn(loader, step, command_id)``."""
    def register(fn: Verb) -> Verb:
        if name in VERBS:
            raise ValueError(f"scenario verb {name!r} is registered twice")
        VERBS[name] = fn
        return fn
    return register


class ScenarioError(Exception):
    """The scenario folder cannot be read (missing file, bad JSON, unknown verb)."""


@dataclass
class Report:
    steps: int = 0
    applied: int = 0
    already_applied: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    unexpected_refusals: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": self.steps, "applied": self.applied, "already_applied": self.already_applied,
            "refused": self.refused, "unexpected_refusals": self.unexpected_refusals, "positions": self.positions,
        }


def _read(folder: Path, name: str) -> Any:
    try:
        return json.loads((folder / name).read_text("utf-8"))
    except FileNotFoundError as e:
        raise ScenarioError(f"{folder / name} is missing") from e
    except json.JSONDecodeError as e:
        raise ScenarioError(f"{folder / name} is not valid JSON: {e}") from e


class ScenarioLoader:
    """Runs one scenario folder against an application whose clock is a FixedClock."""

    def __init__(self, app: DialogueApplication, folder: str | Path) -> None:
        if not isinstance(app.clock, FixedClock):
            raise ScenarioError("The scenario loader needs an application with a settable clock")
        self.app = app
        self.clock: FixedClock = app.clock
        self.folder = Path(folder)
        self.quarter = _read(self.folder, "quarter.json")
        if not isinstance(self.quarter, dict) or "steps" not in self.quarter:
            raise ScenarioError("quarter.json has no steps")
        self.organisations = _read(self.folder, "organisations.json") if (self.folder / "organisations.json").exists() else []
        self.participants = _read(self.folder, "participants.json") if (self.folder / "participants.json").exists() else []
        proposals = _read(self.folder, "proposals.json") if (self.folder / "proposals.json").exists() else []
        self.proposals = {p["id"]: p for p in proposals}
        self.settings = self.quarter.get("settings") or {}
        self.name = str(self.quarter.get("quarter") or self.folder.name)
        self.ns = scenario_namespace(self.name)

    # ------------------------------------------------------------------ ids
    def pid(self, ref: str) -> UUID:
        return scenario_id(self.ns, "participant", ref)

    def oid(self, ref: str) -> UUID:
        return scenario_id(self.ns, "organisation", ref)

    def prop(self, ref: str) -> UUID:
        return scenario_id(self.ns, "proposal", ref)

    def sid(self, ref: str) -> UUID:
        return scenario_id(self.ns, "session", ref)

    def actor(self, step: dict[str, Any]) -> str:
        a = step.get("actor")
        if a is None or a == SECRETARIAT:
            return SECRETARIAT
        if a == PUBLIC:
            return PUBLIC
        return str(self.pid(a))

    # ------------------------------------------------------------------ run
    def _once(self, command_id: str, fn: Callable[[], object]) -> None:
        if self.app.command_applied(command_id):
            return
        with contextlib.suppress(CommandAlreadyAppliedError):
            fn()

    def register_setup(self) -> None:
        """Register tables, settings, organisations and participants as the secretariat."""
        steps = self.quarter["steps"]
        if steps:
            self.clock.set(date.fromisoformat(steps[0]["at"]))
        app, q = self.app, self.name
        for code in sorted(table_objectives()):
            if not app._exists(app.table_id(code)):
                cid = f"{q}#setup:table:{code}"
                self._once(cid, partial(app.register_table, code, command_id=cid))
        if not app._exists(app.settings_id):
            self._once(f"{q}#setup:settings", partial(app.define_settings, values=self.settings, command_id=f"{q}#setup:settings"))
        for o in self.organisations:
            cid = f"{q}#setup:{o['id']}"
            self._once(cid, partial(
                app.register_organisation, reference=o["id"], name=o["name"], stakeholder_group=o["stakeholder_group"],
                country=o["country"], languages=o.get("languages", []), id=self.oid(o["id"]), command_id=cid,
            ))
        for p in self.participants:
            cid = f"{q}#setup:{p['id']}"
            self._once(cid, partial(
                app.register_participant, reference=p["id"], display_name=p["display_name"],
                organisation_id=self.oid(p["organisation_id"]) if p.get("organisation_id") else None,
                gender=p["gender"], preferred_language=p["preferred_language"], id=self.pid(p["id"]), command_id=cid,
            ))

    def run(self, progress: Callable[[int], None] | None = None) -> Report:
        """Check the steps, register the setup, then apply every step; returns the report.

        Raises:
            ScenarioError: a malformed scenario (nothing is applied then).
        """
        self.validate()
        try:
            self.register_setup()
        except DomainError as e:
            raise ScenarioError(f"setup data refused ({e.code}): {e.message}") from e
        report = Report(steps=len(self.quarter["steps"]))
        for step in self.quarter["steps"]:
            self.apply(step, report)
            if progress:
                progress(1)
        return report

    def validate(self) -> None:
        """Refuse a malformed scenario before applying anything: ``steps`` must be a list of
        objects, each with a unique whole-number ``seq``, an ISO ``at`` date and a known verb.

        Raises:
            ScenarioError: naming the first bad step.
        """
        try:
            check_event_text("quarter", {"quarter": self.name})
            if not isinstance(self.settings, dict):
                raise ScenarioError("settings: an object of setting names and values is expected")
            check_settings(self.settings)
            for kind, records in (("organisation", self.organisations), ("participant", self.participants)):
                if not isinstance(records, list) or not all(isinstance(r, dict) and "id" in r for r in records):
                    raise ScenarioError(f"{kind}s: a list of objects with an 'id' is expected")
                for r in records:
                    check_event_text(kind, r)
        except DomainError as e:
            raise ScenarioError(f"setup data: {e.message}") from e
        steps = self.quarter.get("steps")
        if not isinstance(steps, list):
            raise ScenarioError("quarter.json: 'steps' must be a list")
        seen: set[int] = set()
        for i, step in enumerate(steps, start=1):
            if not isinstance(step, dict):
                raise ScenarioError(f"step #{i}: not an object")
            seq = step.get("seq")
            if not isinstance(seq, int) or isinstance(seq, bool):
                raise ScenarioError(f"step #{i}: 'seq' must be a whole number")
            if seq in seen:
                raise ScenarioError(f"step {seq}: 'seq' is used twice (each step is applied once by its seq)")
            seen.add(seq)
            try:
                date.fromisoformat(str(step.get("at")))
            except ValueError as e:
                raise ScenarioError(f"step {seq}: bad or missing 'at' date") from e
            if not isinstance(step.get("verb"), str) or step["verb"] not in VERBS:
                raise ScenarioError(f"step {seq}: unknown verb {step.get('verb')!r}")

    def apply(self, step: dict[str, Any], report: Report) -> None:
        seq, name = step.get("seq"), step.get("verb")
        cid = f"{self.name}#{seq}"
        try:
            self.clock.set(date.fromisoformat(step["at"]))
        except (KeyError, ValueError) as e:
            raise ScenarioError(f"step {seq}: bad or missing 'at' date") from e
        self.app.close_due(command_prefix=f"{self.name}#close-due")
        self.app.close_due_calls(command_prefix=f"{self.name}#close-due")
        if self.app.command_applied(cid):
            report.applied += 1
            report.already_applied += 1
            report.positions[str(seq)] = self.app.command_position(cid)
            return
        handler = VERBS.get(str(name))
        if handler is None:
            raise ScenarioError(f"step {seq}: unknown verb {name!r}")
        try:
            handler(self, step, cid)
        except DomainError as e:
            entry = {"seq": seq, "verb": name, "code": e.code, "message": e.message}
            report.refused.append(entry)
            if step.get("expect") != "rejected_by_system":
                report.unexpected_refusals.append(entry)
            return
        except (KeyError, TypeError, ValueError) as e:
            entry = {"seq": seq, "verb": name, "code": "malformed_step", "message": f"{type(e).__name__}: {e}"}
            report.refused.append(entry)
            report.unexpected_refusals.append(entry)
            return
        if step.get("expect") == "rejected_by_system":
            report.unexpected_refusals.append({"seq": seq, "verb": name, "code": "accepted_but_expected_refusal", "message": "the system accepted a step the scenario expects it to refuse"})
        report.applied += 1
        report.positions[str(seq)] = self.app.command_position(cid)


def load_scenario(app: DialogueApplication, folder: str | Path, progress: Callable[[int], None] | None = None) -> Report:
    """Load a scenario folder into ``app``; see :class:`ScenarioLoader`."""
    return ScenarioLoader(app, folder).run(progress)

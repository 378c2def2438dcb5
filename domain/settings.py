"""The mechanism's settings: quorum, decision rule, endorsement threshold, UN voting.

Held by one aggregate so that each change is an event with a version, and every
decision records the settings version it was taken under (issue "Every rule…",
"Settings as events"). Defaults follow docs/design.md and the scenario's conventions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import InvalidInputError, NotAllowedError

SETTINGS_ID = uuid5(NAMESPACE_URL, "urn:dialogue:settings")


@dataclass(frozen=True)
class Rules:
    """One version of the rules in force.

    - ``quorum``: members who must take part in a table decision (latest position
      support, object or abstain), default 5.
    - ``decision_rule``: ``simple_majority_of_positions`` (adopt needs more support than
      objections; reject more objections than support; return always open).
    - ``endorsement_min``: representative seats that must endorse, default 5 of 8.
    - ``un_agencies_vote``: whether the 2 UN agency seats vote (default: advise only).
    """

    quorum: int = 5
    decision_rule: str = "simple_majority_of_positions"
    endorsement_min: int = 5
    un_agencies_vote: bool = False
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_RULES = Rules()
SETTING_NAMES = ("quorum", "decision_rule", "endorsement_min", "un_agencies_vote")
DECISION_RULES = ("simple_majority_of_positions",)
LIAISON_SEATS = 10  # 8 representatives + 2 UN agencies (seed, "Architecture")


def check_setting(name: str, value: Any) -> None:
    """Refuse an unknown setting or a value outside its range.

    ``quorum``: 1..100 members; ``endorsement_min``: 1..10 seats; ``decision_rule``: one
    of :data:`DECISION_RULES`; ``un_agencies_vote``: a boolean.

    Raises:
        InvalidInputError: ``unknown_setting``, ``invalid_setting``.
    """
    if name not in SETTING_NAMES:
        raise InvalidInputError(f"Unknown setting {name!r}; settings are {list(SETTING_NAMES)}.", code="unknown_setting")
    if name == "quorum" and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100):
        raise InvalidInputError("quorum is a whole number from 1 to 100.", code="invalid_setting")
    if name == "endorsement_min" and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LIAISON_SEATS):
        raise InvalidInputError(
            f"endorsement_min is a whole number from 1 to {LIAISON_SEATS} (the Liaison Table's seats).", code="invalid_setting"
        )
    if name == "decision_rule" and value not in DECISION_RULES:
        raise InvalidInputError(f"decision_rule is one of {list(DECISION_RULES)}.", code="invalid_setting")
    if name == "un_agencies_vote" and not isinstance(value, bool):
        raise InvalidInputError("un_agencies_vote is true or false.", code="invalid_setting")


def check_settings(values: Mapping[str, Any]) -> None:
    """:func:`check_setting` for each of ``values`` (a scenario's ``settings`` object)."""
    for name, value in values.items():
        check_setting(name, value)


class MechanismSettings(DialogueAggregate):
    """The single settings aggregate (id :data:`SETTINGS_ID`)."""

    @event("Defined")
    def __init__(self, *, id: UUID, values: dict[str, Any], actor: str, effective_date: date, command_id: str) -> None:
        self.values: dict[str, Any] = dict(values)

    @classmethod
    def define(cls, ctx: Ctx, values: Mapping[str, Any] | None = None) -> MechanismSettings:
        """Record the rules as settings version 1: ``values`` (a scenario's own settings)
        over the defaults (:data:`DEFAULT_RULES`), each checked as by :meth:`change`.

        Raises:
            NotAllowedError: ``not_allowed``.
            InvalidInputError: ``unknown_setting``, ``invalid_setting``.
        """
        if not ctx.is_secretariat and ctx.actor != "administrator":
            raise NotAllowedError("Only an administrator or the secretariat sets the rules.", code="not_allowed")
        check_settings(values or {})
        d = DEFAULT_RULES.as_dict()
        d.pop("version")
        return cls(id=SETTINGS_ID, values={**d, **(values or {})}, **ctx.stamp())

    def change(self, ctx: Ctx, name: str, value: Any) -> None:
        """Change one setting (administrator or secretariat); the new settings version is
        this aggregate's version, which every decision then records.

        ``quorum``: 1..100 members; ``endorsement_min``: 1..10 seats; ``decision_rule``: one
        of :data:`DECISION_RULES`; ``un_agencies_vote``: a boolean.

        Raises:
            NotAllowedError: ``not_allowed``.
            InvalidInputError: ``unknown_setting``, ``invalid_setting``, ``setting_unchanged``.
        """
        if not ctx.is_secretariat and ctx.actor != "administrator":
            raise NotAllowedError("Only an administrator or the secretariat sets the rules.", code="not_allowed")
        check_setting(name, value)
        if name in self.values and self.values[name] == value and type(self.values[name]) is type(value):
            raise InvalidInputError(f"{name} is already {value!r}.", code="setting_unchanged")
        self._changed(name=name, value=value, **ctx.stamp())

    @event("SettingChanged")
    def _changed(self, name: str, value: Any, actor: str, effective_date: date, command_id: str) -> None:
        self.values[name] = value

    @property
    def rules(self) -> Rules:
        return Rules(version=self.version, **self.values)

"""The mechanism's settings as events (issue 3, "Settings as events")."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.settings import MechanismSettings


def ctx(actor: str = SECRETARIAT) -> Ctx:
    return Ctx(actor=actor, effective_date=date(2026, 1, 28), command_id=f"c-{uuid4()}")


def test_each_change_is_a_new_settings_version_the_rules_carry() -> None:
    s = MechanismSettings.define(ctx())
    s.change(ctx(), "quorum", 6)
    s.change(ctx(), "un_agencies_vote", True)

    assert (s.rules.version, s.rules.quorum, s.rules.un_agencies_vote) == (3, 6, True)


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("quorum", 5, "setting_unchanged"),
        ("endorsement_min", 11, "invalid_setting"),
        ("quorum", True, "invalid_setting"),
        ("un_agencies_vote", "yes", "invalid_setting"),
        ("threshold", 3, "unknown_setting"),
    ],
)
def test_a_change_must_change_a_known_setting_to_a_valid_value(name: str, value: Any, code: str) -> None:
    s = MechanismSettings.define(ctx())

    with pytest.raises(DomainError) as e:
        s.change(ctx(), name, value)
    assert (e.value.code, s.version) == (code, 1)


def test_a_member_does_not_change_the_rules() -> None:
    s = MechanismSettings.define(ctx())

    with pytest.raises(DomainError) as e:
        s.change(ctx(str(uuid4())), "quorum", 3)
    assert e.value.code == "not_allowed"

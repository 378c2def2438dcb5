"""How many random command sequences the state machines run.

By default a moderate number, so that ``make test`` stays quick. For thousands::

    DIALOGUE_PROPERTY_EXAMPLES=2000 pytest tests/property -m slow

The settings apply to these machines only (no global Hypothesis profile is loaded).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT_EXAMPLES = 40
STEPS = 40


def machine_settings() -> settings:
    """Settings of a state machine: ``DIALOGUE_PROPERTY_EXAMPLES`` examples (default 40)."""
    examples = int(os.environ.get("DIALOGUE_PROPERTY_EXAMPLES") or DEFAULT_EXAMPLES)
    return settings(
        max_examples=examples,
        stateful_step_count=int(os.environ.get("DIALOGUE_PROPERTY_STEPS") or STEPS),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )

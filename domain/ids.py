"""Aggregate ids: random for what people create, ``uuid5`` for reference data and scenarios.

Scenario ids come from the scenario's own references (``p-12``, ``prop-rt1-01``) in a
namespace of that scenario, never from personal data (issue "The main job…", loader).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

DIALOGUE_NS = uuid5(NAMESPACE_URL, "urn:dialogue-service")


def table_id(code: str) -> UUID:
    """The fixed id of working table ``code`` (``RT1``..``RT4``)."""
    return uuid5(DIALOGUE_NS, f"working-table:{code}")


def table_code_of(aggregate_id: UUID) -> str:
    """The code of the working table whose id is ``aggregate_id``.

    Raises:
        LookupError: when the id is no working table's.
    """
    for code in ("RT1", "RT2", "RT3", "RT4"):
        if table_id(code) == aggregate_id:
            return code
    raise LookupError(f"{aggregate_id} is not a working table")


def scenario_namespace(name: str) -> UUID:
    """The namespace of one scenario (``2026-Q1``)."""
    return uuid5(DIALOGUE_NS, f"scenario:{name}")


def scenario_id(namespace: UUID, kind: str, reference: str) -> UUID:
    """The id of an entity of a scenario, e.g. ``scenario_id(ns, "proposal", "prop-rt1-01")``."""
    return uuid5(namespace, f"{kind}:{reference}")


def endorsement_id(proposal_id: UUID, round_number: int = 1) -> UUID:
    """The id of the ``round_number``-th endorsement round of a proposal."""
    return uuid5(proposal_id, f"endorsement:{round_number}")


def created_id(kind: str, command_id: str) -> UUID:
    """The id of an aggregate created by a command from outside (a form, an API call).

    Derived from the command id, so a repeated command names the same aggregate, while no
    client can choose the id itself: it could otherwise take the fixed id of the settings,
    the Liaison Table or a government dialogue before they exist.
    """
    return uuid5(DIALOGUE_NS, f"created:{kind}:{command_id}")

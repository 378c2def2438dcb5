"""A command id is applied once: a re-sent command is recognised before any other check."""

from __future__ import annotations

import pytest

from application.bootstrap import Services
from application.errors import CommandAlreadyAppliedError
from projections import proposals as proposal_views


def test_a_resent_revision_is_recognised_as_applied_not_as_a_conflict(loaded: Services) -> None:
    draft = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == "prop-rt1-08")
    author, version = draft["author_id"], draft["version"]
    loaded.app.revise_proposal(draft["id"], {"title": "Nuevo título"}, actor=author, expected_version=version, command_id="form:1")
    with pytest.raises(CommandAlreadyAppliedError):
        loaded.app.revise_proposal(draft["id"], {"title": "Nuevo título"}, actor=author, expected_version=version, command_id="form:1")
    assert loaded.app.proposal(draft["id"]).version == version + 1

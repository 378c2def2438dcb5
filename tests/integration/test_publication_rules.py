"""Publication goes to the adopted text's addressees; responses carry a language code."""

from __future__ import annotations

from datetime import date

import pytest

from application.bootstrap import Services
from domain.errors import DomainError
from projections import proposals as proposal_views


def ref(services: Services, reference: str) -> dict[str, object]:
    return next(r for r in proposal_views.list_recommendations(services.projector.engine) if r["reference"] == reference)


def endorse_prop_rt1_05(s: Services) -> str:
    """prop-rt1-05 (targets BS, TT, JM, BB, DO) was adopted; open, endorse early and close its round."""
    p = ref(s, "prop-rt1-05")
    s.app.open_endorsement(p["id"], date(2026, 4, 10))
    s.app.change_setting("endorsement_min", 1)
    holder = s.app.seat_holder("LT-RT2-A", date(2026, 3, 27))
    s.app.vote_on_endorsement(p["id"], seat="LT-RT2-A", participant_id=holder, vote="endorse", reason="ok")  # type: ignore[arg-type]
    assert s.app.close_endorsement(p["id"], early=True) == "endorsed"
    return str(p["id"])


def test_publication_to_a_state_the_text_does_not_address_is_refused(loaded: Services) -> None:
    pid = endorse_prop_rt1_05(loaded)
    with pytest.raises(DomainError) as e:
        loaded.app.publish_to_governments(pid, ["UY"])
    assert e.value.code == "recipient_not_a_target"
    assert loaded.app.proposal(pid).status == "endorsed"


def test_publication_to_part_of_the_targets_is_accepted(loaded: Services) -> None:
    pid = endorse_prop_rt1_05(loaded)
    loaded.app.publish_to_governments(pid, ["BS", "JM"])
    assert loaded.app.proposal(pid).recipients == ["BS", "JM"]


def test_a_response_language_that_is_not_a_language_code_is_refused(loaded: Services) -> None:
    pid = ref(loaded, "prop-rt1-01")["id"]  # published to all governments of the region
    with pytest.raises(DomainError) as e:
        loaded.app.record_government_response(pid, country="UY", status="noted", response="Recibido.", language="castellano-rioplatense")
    assert (e.value.code, e.value.field) == ("unknown_language", "language")

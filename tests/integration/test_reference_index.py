"""The participants' references are checked in an index written with each registration in
its transaction (``application/references.py``, issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from application.bootstrap import Services
from application.tables import reference_index_table
from domain.errors import InvalidInputError


def register(services: Services, reference: str) -> None:
    services.app.register_participant(
        reference=reference, display_name="Ana Lima", organisation_id=None, gender="woman", preferred_language="pt",
    )


def test_a_registration_writes_its_reference_to_the_index(services: Services) -> None:
    register(services, "  RT1-Ana ")
    with services.app.engine.connect() as c:
        keys = c.execute(select(reference_index_table.c.reference_key)).scalars().all()
    assert keys == ["rt1-ana"]


def test_a_reference_differing_in_case_and_spaces_is_refused_and_nothing_is_indexed(services: Services) -> None:
    register(services, "RT1-Ana")
    with pytest.raises(InvalidInputError) as refused:
        register(services, " rt1-ana ")
    with services.app.engine.connect() as c:
        count = len(c.execute(select(reference_index_table.c.position)).all())
    assert (refused.value.code, refused.value.field, count) == ("already_registered", "reference", 1)


def test_a_refused_registration_leaves_the_reference_free(services: Services) -> None:
    with pytest.raises(InvalidInputError):
        services.app.register_participant(
            reference="RT1-Bo", display_name="Bo", organisation_id=None, gender="unknown", preferred_language="pt",
        )
    register(services, "RT1-Bo")
    with services.app.engine.connect() as c:
        keys = c.execute(select(reference_index_table.c.reference_key)).scalars().all()
    assert keys == ["rt1-bo"]

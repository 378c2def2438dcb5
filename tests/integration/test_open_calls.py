"""Open calls for input through the application and the command line (issue 17): anyone
sends an input as ``public``, the deadline job closes a call after its date, and a
contributor is erased from the command line (SQLite file and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from application.bootstrap import Services
from application.roles import ANONYMOUS, acting_as
from domain.base import PUBLIC
from domain.errors import NotAllowedError
from tests.e2e.web_support import make_app


def open_call(services: Services, closes_on: date = date(2026, 3, 31)) -> UUID:
    services.app.clock.set(date(2026, 3, 1))  # type: ignore[attr-defined]
    for code in ("RT1", "RT2", "RT3", "RT4"):
        services.app.register_table(code)
    return services.app.open_call(
        reference="call-1", title="Regularización", text="Aportes sobre el Objetivo 5.", objectives=[5], table="RT1",
        languages=["es"], opens_on=date(2026, 3, 1), closes_on=closes_on,
    )


def send(services: Services, call: UUID, contact: str | None = "ana@example.org") -> UUID:
    return services.app.submit_input(
        call, text="Un aporte.", organisation_name="", country="PE", stakeholder_group="migrants", language="es",
        contact=contact, actor=PUBLIC,
    )


def test_someone_without_an_account_sends_an_input_as_the_public(services: Services) -> None:
    call = open_call(services)

    with acting_as(ANONYMOUS):
        iid = send(services, call)

    assert services.app.open_call_record(call).input(iid)["status"] == "pending"


def test_someone_without_an_account_does_not_moderate(services: Services) -> None:
    call = open_call(services)
    iid = send(services, call)

    with acting_as(ANONYMOUS), pytest.raises(NotAllowedError) as e:
        services.app.moderate_input(iid, decision="accept", reason="")

    assert e.value.code == "sign_in_required"


def test_the_deadline_job_closes_a_call_the_day_after_its_closing_date(services: Services) -> None:
    call = open_call(services, closes_on=date(2026, 3, 10))
    app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-03-10")
    runner = app.test_cli_runner()

    on_the_day = runner.invoke(args=["close-due", "--as-of", "2026-03-10"])
    after = runner.invoke(args=["close-due", "--as-of", "2026-03-11"])

    assert (on_the_day.exit_code, after.exit_code) == (0, 0), after.output
    assert (f"{call}\tcall closed" in on_the_day.output, f"{call}\tcall closed" in after.output) == (False, True)
    assert services.app.open_call_record(call).closed


def test_the_command_line_erases_a_contributor(services: Services) -> None:
    call = open_call(services)
    iid = send(services, call)
    app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-03-02")

    # --wait: on PostgreSQL another run's transaction elsewhere on the server may hold old row versions a moment.
    r = app.test_cli_runner().invoke(args=["contributors", "erase", str(iid), "--yes", "--reason", "asked", "--wait", "60"])

    assert r.exit_code == 0, r.output
    assert services.app.open_call_record(call).input(iid)["contact"] is None

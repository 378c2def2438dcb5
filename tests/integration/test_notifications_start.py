"""When an account's notifications start: at its creation. The events recorded before it
are history (on the pages), not news; what waits for the person today (a derived kind)
still shows; an account of an earlier release, without a cursor, is told nothing recorded
before it was created; the first digest mailed to a new account carries only news; and no
account can precede a ``dialogue import`` (making one records events, and an import goes
into an empty log only), so a restored history is never news."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import delete, select

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.tables import notification_cursors
from projections import people as people_views
from projections import proposals as proposal_views
from tests.conftest import SmtpSink, seed_members
from tests.e2e.web_support import app_services, make_app
from tests.integration.test_audit_tamper import build_log, cli


def _sessions(s: Services, account_id: str) -> list[tuple[str, str]]:
    return [(r["kind"], r["details"]["session_id"]) for r in s.notifications.of(account_id)]


def test_a_member_whose_account_comes_after_the_events_is_told_only_of_the_next_one(services: Services) -> None:
    s = services
    (member,) = seed_members(s.app, table="RT3")
    s.app.schedule_session(table="RT3", on=date(2026, 2, 10), reference="ses-rt3-before")
    account = s.accounts.create_participant_account(str(member), "member@tests.invalid")
    after = s.app.schedule_session(table="RT3", on=date(2026, 2, 17), reference="ses-rt3-after")
    s.projector.catch_up()

    s.notifications.refresh(account)

    assert _sessions(s, account.id) == [("session_scheduled", str(after))]


def test_a_new_account_still_sees_the_positions_due_of_a_session_scheduled_before_it(loaded: Services) -> None:
    s = loaded
    p01 = next(p["id"] for p in people_views.participants(s.projector.engine) if p["reference"] == "p-01")
    pending = next(p["id"] for p in proposal_views.list_recommendations(s.projector.engine) if p["reference"] == "prop-rt1-04")
    sid = s.app.schedule_session(table="RT1", on=date(2026, 3, 30), reference="ses-rt1-extra")
    s.app.add_to_agenda(sid, pending)
    s.projector.catch_up()
    account = s.accounts.create_participant_account(p01, "p-01@tests.invalid")

    s.notifications.refresh(account, date(2026, 3, 27))

    assert sorted(r["kind"] for r in s.notifications.of(account.id, limit=1000)) == ["positions_due"]


def test_an_account_without_a_cursor_is_told_of_nothing_recorded_before_it(services: Services) -> None:
    s = services
    (member,) = seed_members(s.app, table="RT3")
    s.app.schedule_session(table="RT3", on=date(2026, 2, 10), reference="ses-rt3-before")
    account = s.accounts.create_participant_account(str(member), "member@tests.invalid")
    with s.accounts.engine.begin() as c:  # as an account of a release that set no cursor at creation
        c.execute(delete(notification_cursors).where(notification_cursors.c.account_id == account.id))
    after = s.app.schedule_session(table="RT3", on=date(2026, 2, 17), reference="ses-rt3-after")
    s.projector.catch_up()

    s.notifications.refresh(account)

    assert _sessions(s, account.id) == [("session_scheduled", str(after))]
    with s.accounts.engine.connect() as c:
        cursor = c.execute(select(notification_cursors.c.position).where(notification_cursors.c.account_id == account.id)).scalar()
    assert cursor == s.app.recorder.max_notification_id()


def test_the_first_digest_of_a_new_account_carries_only_what_came_after_it(database_url: str, master_key: str, smtp_server: tuple[str, SmtpSink]) -> None:
    url, sink = smtp_server
    app = make_app(database_url, master_key, clock="2026-01-05", DIALOGUE_SMTP_URL=url)
    s = app_services(app)
    (member,) = seed_members(s.app, table="RT4")
    s.app.schedule_session(table="RT4", on=date(2026, 2, 3), reference="ses-rt4-before")
    s.accounts.create_participant_account(str(member), "member@tests.invalid")
    s.app.schedule_session(table="RT4", on=date(2026, 2, 10), reference="ses-rt4-after")
    s.wait_for_views()

    result = app.test_cli_runner().invoke(args=["notifications", "send", "--as-of", "2026-01-06"])

    assert result.exit_code == 0, result.output
    (message,) = sink.to("member@tests.invalid")
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert message["Subject"] == "Resumen diario del Diálogo PMM: 1 notificación"
    assert "Se convocó una sesión de RT4 para el 10 feb 2026." in body
    assert "3 feb 2026" not in body



def test_an_account_comes_after_an_import_never_before_so_a_restored_history_is_never_news(database_url: str, master_key: str, tmp_path: Path) -> None:
    source = bootstrap(Config(database_url=f"sqlite:///{tmp_path / 'source.sqlite'}", master_key=master_key, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
    build_log(source)
    source.app.request_to_join(  # the secretariat's news when it happened; history once restored
        "RT1", motivation="Coordino una red de acogida.", display_name="María Huamán", organisation_name="",
        country="PE", stakeholder_group="migrants", language="es", contact="acogida@example.org",
    )
    export = tmp_path / "backup.jsonl"
    assert cli(make_app(source.config.database_url, master_key), "audit", "export", str(export)).exit_code == 0
    app = make_app(database_url, master_key, clock="2026-01-05")
    s = app_services(app)
    staff = s.accounts.create_staff_account("staff@tests.invalid", "secretariat")  # on the empty log: it records the grant
    before = s.app.recorder.max_notification_id()

    result = app.test_cli_runner().invoke(args=["import", str(export)])

    assert (result.exit_code, "already holds events" in result.output) == (1, True)
    assert s.app.recorder.max_notification_id() == before == 2
    s.notifications.refresh(staff)
    assert [r["kind"] for r in s.notifications.of(staff.id, limit=1000) if r["kind"] == "join_requests"] == []

"""``dialogue notifications send --as-of`` (issue 18, "By e-mail") through a real local SMTP
server (aiosmtpd), on the 2026-Q1 scenario with accounts for four of its people in four
languages: who received what in which language, a second run sends nothing, the one-click
unsubscribe (RFC 8058) stops the next digest and a tampered or expired link changes
nothing, a refused message is sent on the next run; and on each backend, a member's digest."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.conftest import SmtpSink, notified_from_the_log_start, seed_members
from tests.e2e.web_support import app_services, make_app, participant_id

PEOPLE = {"p-01": "es", "p-40": "en", "p-28": "fr", "p-44": "pt"}
RESPONDED = {"p-01": "Colombia respondió a ", "p-40": "Jamaica responded to ", "p-28": "République dominicaine a répondu à ", "p-44": "Brasil respondeu a "}


@pytest.fixture
def app(loaded: Services, smtp_server: tuple[str, SmtpSink]) -> Flask:
    a = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", DIALOGUE_SMTP_URL=smtp_server[0])
    s = app_services(a)
    for ref in PEOPLE:  # told of the scenario as if their accounts had existed before it
        account = s.accounts.create_participant_account(participant_id(a, ref), f"{ref}@tests.invalid")
        notified_from_the_log_start(s.accounts.engine, account.id)
    return a


def send(app: Flask, as_of: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["notifications", "send", "--as-of", as_of])
    return result.exit_code, result.output


def text(message: Any) -> str:
    return cast(Any, message.get_body(("plain",))).get_content()


def test_each_person_receives_one_digest_in_their_language(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server

    code, output = send(app, "2026-03-27")

    assert code == 0, output
    assert sorted(m["To"] for m in sink.messages) == sorted(f"{ref}@tests.invalid" for ref in PEOPLE)
    for ref, language in PEOPLE.items():
        (message,) = sink.to(f"{ref}@tests.invalid")
        assert message["Content-Language"] == language
        assert RESPONDED[ref] in text(message), ref
        assert message.get_body(("html",)) is not None
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/notifications/unsubscribe/")


def test_a_second_run_sends_nothing(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    send(app, "2026-03-27")
    first = len(sink.messages)

    code, output = send(app, "2026-03-27")

    assert code == 0 and output.startswith("0 sent")
    assert len(sink.messages) == first == 4


def _link(message: Any) -> str:
    return str(message["List-Unsubscribe"]).strip("<>").removeprefix("http://127.0.0.1:5000")


def test_an_unsubscribe_stops_the_next_digest(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    send(app, "2026-03-27")
    (message,) = sink.to("p-40@tests.invalid")

    r = app.test_client().post(_link(message), data={"List-Unsubscribe": "One-Click"})
    s = app_services(app)
    s.app.schedule_session(table="RT1", on=date(2026, 4, 2), reference="ses-rt1-next")
    s.wait_for_views()
    send(app, "2026-03-28")

    assert r.status_code == 200
    assert len(sink.to("p-40@tests.invalid")) == 1  # p-40 (RT1) unsubscribed
    later = sink.to("p-01@tests.invalid")[1]  # p-01 (RT1) did not
    assert "Se convocó una sesión de RT1 para el 2 abr 2026." in text(later)


def test_a_tampered_or_expired_unsubscribe_link_changes_nothing(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    send(app, "2026-03-27")
    link = _link(sink.to("p-40@tests.invalid")[0])
    s = app_services(app)
    account = s.accounts.of_participant(participant_id(app, "p-40"))
    assert account is not None
    before = s.notifications.preferences(account.id, s.notifications.roles(account, date(2026, 3, 27)))
    now = s.notifications.now
    s.notifications.now = lambda: datetime(2025, 1, 1, tzinfo=UTC)
    expired = s.mailing.unsubscribe.token(account.id, ["session_scheduled"])
    s.notifications.now = now

    tampered = app.test_client().post(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    old = app.test_client().post(f"/notifications/unsubscribe/{expired}?lang=en")

    assert tampered.status_code == 400 and old.status_code == 400
    assert "This link to stop e-mails is not valid or has expired" in old.get_data(as_text=True)
    assert s.notifications.preferences(account.id, s.notifications.roles(account, date(2026, 3, 27))) == before


def test_a_message_the_server_refused_is_sent_on_the_next_run(loaded: Services, app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    down = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", DIALOGUE_SMTP_URL=f"smtp://127.0.0.1:{closed}")

    code, output = send(down, "2026-03-27")
    again, _ = send(app, "2026-03-27")

    assert code == 1 and output.startswith("0 sent, 4 to try again")
    assert again == 0 and len(sink.messages) == 4


def test_a_member_receives_a_digest_on_each_backend(database_url: str, master_key: str, smtp_server: tuple[str, SmtpSink]) -> None:
    url, sink = smtp_server
    app = make_app(database_url, master_key, clock="2026-01-05", DIALOGUE_SMTP_URL=url)
    s = app_services(app)
    (member,) = seed_members(s.app, table="RT4")
    s.accounts.create_participant_account(str(member), "member@tests.invalid")
    s.app.schedule_session(table="RT4", on=date(2026, 2, 3), reference="ses-rt4-x")
    s.wait_for_views()

    send(app, "2026-01-06")
    send(app, "2026-01-06")

    (message,) = sink.to("member@tests.invalid")
    assert message["Subject"] == "Resumen diario del Diálogo PMM: 1 notificación"
    assert "Se convocó una sesión de RT4 para el 3 feb 2026." in text(message)


def test_the_secretariat_is_mailed_at_once_of_an_input_waiting_for_moderation(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    s = app_services(app)
    s.accounts.create_staff_account("secretariat-mail@tests.invalid", "secretariat")
    call = s.app.open_call(
        reference="call-n", title="Regularización", text="Aportes sobre el Objetivo 5.", objectives=[5], table="RT1",
        languages=["es"], opens_on=date(2026, 3, 27), closes_on=date(2026, 4, 30),
    )
    s.app.submit_input(call, text="Un aporte.", organisation_name="", country="PE", stakeholder_group="migrants", language="es", contact=None)
    s.wait_for_views()

    send(app, "2026-03-27")

    immediate = [m for m in sink.to("secretariat-mail@tests.invalid") if "moderación" in m["Subject"]]
    assert [m["Subject"] for m in immediate] == ["Un aporte a una convocatoria abierta espera moderación."]
    assert f"http://127.0.0.1:5000/calls/{call}/moderation" in text(immediate[0])
    assert not any("moderación" in m["Subject"] for ref in PEOPLE for m in sink.to(f"{ref}@tests.invalid"))


def test_opening_the_unsubscribe_link_only_asks(app: Flask, smtp_server: tuple[str, SmtpSink]) -> None:
    _, sink = smtp_server
    send(app, "2026-03-27")
    link = _link(sink.to("p-40@tests.invalid")[0])
    s = app_services(app)
    account = s.accounts.of_participant(participant_id(app, "p-40"))
    assert account is not None
    before = s.notifications.preferences(account.id, s.notifications.roles(account, date(2026, 3, 27)))

    r = app.test_client().get(link + "?lang=en")

    assert r.status_code == 200 and "You will no longer receive e-mails of these kinds:" in r.get_data(as_text=True)
    assert s.notifications.preferences(account.id, s.notifications.roles(account, date(2026, 3, 27))) == before

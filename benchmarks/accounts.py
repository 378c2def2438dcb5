"""Measure what accounts cost: an argon2id hash, a sign-in, the roles of a person, what waits
for them, and a page for the public, a member and the secretariat (the navigation's count
included), on the loaded 2026-Q1 scenario (SQLite).

Usage: ``python -m benchmarks.accounts [--repeat N]``. Prints one JSON object: milliseconds,
best of N.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from application.accounts.passwords import hash_password
from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from application.roles import Identity
from application.scenario import load_scenario
from application.waiting import what_waits_for
from projections import tables as table_views

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "2026-Q1"
PASSWORD = "una clave larga de medida"


def best_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return round(min(times) * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from web.app import create_app
    from web.services import services

    with tempfile.TemporaryDirectory() as d:
        url, key = f"sqlite:///{d}/bench.sqlite", generate_master_key()
        s = bootstrap(Config(database_url=url, master_key=key, inline_projection=False), clock=FixedClock(date(2026, 1, 1)))
        load_scenario(s.app, SCENARIO)
        s.projector.catch_up()
        dispose_engines()
        app = create_app({"DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": key, "DIALOGUE_CLOCK": "2026-03-27", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
                          "DIALOGUE_PAGE_CACHE": "off"})  # the pages rendered, as a member's are
        with app.app_context():
            s = services()
            rep = table_views.representatives(s.projector.engine, date(2026, 3, 27))[0]["participant_id"]
            member = next(m["participant_id"] for m in table_views.members(s.projector.engine, "RT2") if m["participant_id"] != rep)
            m_account = s.accounts.create_participant_account(member, "member@bench.invalid", password=PASSWORD)
            staff = s.accounts.create_staff_account("sec@bench.invalid", "secretariat")
            clients = {"public": app.test_client(), "member": app.test_client(), "secretariat": app.test_client()}
            for who, account in (("member", m_account.id), ("secretariat", staff.id)):
                token = s.accounts.start_session(account, "bench")
                with clients[who].session_transaction() as sess:
                    sess["_user_id"] = token
            result = {
                "argon2id_hash_ms": best_ms(lambda: hash_password(PASSWORD), args.repeat),
                "sign_in_ms": best_ms(lambda: s.accounts.sign_in("member@bench.invalid", PASSWORD, address=f"10.0.0.{time.time_ns() % 250}"), args.repeat),
                "roles_of_ms": best_ms(lambda: s.app.roles_of(Identity("x", rep)), args.repeat),
                "waiting_member_ms": best_ms(lambda: what_waits_for(s.app.roles_of(Identity("x", member)), s.projector.engine, date(2026, 3, 27)), args.repeat),
                "waiting_secretariat_ms": best_ms(lambda: what_waits_for(s.app.roles_of(Identity(staff.id)), s.projector.engine, date(2026, 3, 27)), args.repeat),
            }
            for who, client in clients.items():
                assert client.get("/").status_code == 200
                result[f"board_page_{who}_ms"] = best_ms(lambda c=client: c.get("/"), args.repeat)  # type: ignore[misc]
            assert clients["secretariat"].get("/me").status_code == 200, clients["secretariat"].get("/me").status_code
            result["me_page_secretariat_ms"] = best_ms(lambda: clients["secretariat"].get("/me"), args.repeat)
        dispose_engines()
    print(json.dumps({"repeat": args.repeat, **result}))


if __name__ == "__main__":
    main()

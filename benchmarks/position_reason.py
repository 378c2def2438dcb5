"""The cost of recording a member's position with a reason (the reason sealed with the
member's key: one key read and one AES-GCM seal per position, and one key read and open per
position when the session is loaded again). Run it with the old and the new code in turns,
each in a process of its own::

    python -m benchmarks.position_reason [N]

It loads the 2026-Q1 scenario into a temporary SQLite database (views inline), schedules a
session of RT1 with a submitted proposal on its agenda and records ``N`` positions (300 by
default) by the table's members in turns, each with a reason; prints one JSON line: the CPU
time of the process (``time.process_time``) and the wall time of the ``N`` positions, both
per position, and the SQL statements per position.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event

from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from application.scenario import load_scenario
from domain.reference import ALL_GOVERNMENTS
from projections import tables as table_views

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 3, 30)


def main(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(date(2026, 1, 1))
        s = bootstrap(Config(database_url=f"sqlite:///{tmp}/dialogue.sqlite", master_key=generate_master_key()), clock=clock)
        load_scenario(s.app, ROOT / "scenarios" / "2026-Q1")
        s.projector.catch_up()
        members = [m["participant_id"] for m in table_views.members(s.projector.engine, "RT1")]
        pid = s.app.draft_proposal(
            actor=members[0], table="RT1", title="Vías regulares", problem="Problema.", recommendation="Recomendación.",
            rationale="Fundamento.", objectives=[2], targets=[ALL_GOVERNMENTS], language="es",
        )
        s.app.submit_proposal(pid, actor=members[0])
        sid = s.app.schedule_session(table="RT1", quarter="2026-Q1", on=DAY)
        s.app.add_to_agenda(sid, pid)
        clock.set(DAY)
        statements = [0]
        engines = {id(e): e for e in (s.app.engine, s.projector.engine)}
        for e in engines.values():
            event.listen(e, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(n):
            m = members[i % len(members)]
            s.app.record_position(sid, pid, member=m, position=("support", "object", "abstain")[i % 3], reason=f"Razón número {i} de este miembro.")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        dispose_engines()
    return {"positions": n, "cpu_ms_per_position": round(1000 * cpu / n, 3), "wall_ms_per_position": round(1000 * wall / n, 3),
            "statements_per_position": round(statements[0] / n, 2)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)))

"""Helpers for the open-data tests: a recommendation taken from draft to publication on
the loaded 2026-Q1 scenario, and every file of an export read back as text."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from uuid import UUID

from application.bootstrap import Services
from application.clock import FixedClock
from domain.reference import ALL_GOVERNMENTS
from projections import tables as table_views

SESSION_DAY = date(2026, 3, 30)


def publish_new(
    s: Services, *, title: str = "Vías regulares", problem: str = "Problema.", recommendation: str = "Recomendación.",
    rationale: str = "Fundamento.", response: str | None = None,
) -> UUID:
    """Draft a proposal of RT1 with these texts, submit it, adopt it in a new session of
    2026-03-30 (5 members in support), endorse it (threshold lowered to 1 seat), publish it
    to all governments of the region and, when given, record Uruguay's ``response``."""
    s.projector.catch_up()
    clock = s.app.clock
    assert isinstance(clock, FixedClock)
    members = [m["participant_id"] for m in table_views.members(s.projector.engine, "RT1")]
    author = members[0]
    pid = s.app.draft_proposal(
        actor=author, table="RT1", title=title, problem=problem, recommendation=recommendation, rationale=rationale,
        objectives=[2, 5], targets=[ALL_GOVERNMENTS, "UY"], language="es",
    )
    s.app.submit_proposal(pid, actor=author)
    sid = s.app.schedule_session(table="RT1", quarter="2026-Q1", on=SESSION_DAY)
    s.app.add_to_agenda(sid, pid)
    clock.set(SESSION_DAY)
    for m in members[:5]:
        s.app.record_position(sid, pid, member=m, position="support", reason=f"apoyo de {m}")
    s.app.decide(sid, pid, "adopt")
    s.app.open_endorsement(pid, date(2026, 4, 10))
    s.app.change_setting("endorsement_min", 1)
    holder = s.app.seat_holder("LT-RT2-A", SESSION_DAY)
    assert holder is not None
    s.app.vote_on_endorsement(pid, seat="LT-RT2-A", participant_id=holder, vote="endorse", reason="voto del escaño")
    s.app.close_endorsement(pid, early=True)
    s.app.publish_to_governments(pid)
    if response is not None:
        s.app.record_government_response(pid, country="UY", status="partially_accepted", response=response, language="es")
    s.projector.catch_up()
    return pid


def all_text(files: dict[str, bytes]) -> str:
    """Every file of an export as text (the workbook's XML parts unzipped)."""
    out = []
    for name, data in files.items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out.extend(z.read(n).decode("utf-8") for n in z.namelist())
        else:
            out.append(data.decode("utf-8"))
    return "\n".join(out)

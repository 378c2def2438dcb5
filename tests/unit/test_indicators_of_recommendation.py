"""A recommendation's indicators are read through the view by recommendation
(``view_indicator_recommendations``): the same rows as reading every indicator and keeping
those that follow it, in at most two statements however many other indicators there are."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from projections import indicators

REC_A, REC_B, REC_C = "3045308e-3ca6-5c49-b113-903a9772e100", "23a572e7-e788-5e64-b275-35c22a056f41", "9b0c1a3e-0d6f-4f43-9a57-1e2f3d4c5b6a"


def define(s: Session, n: int, reference: str, recommendations: list[str], states: list[str]) -> str:
    iid = UUID(int=n)
    indicators.defined(s, SimpleNamespace(
        originator_id=iid, reference=reference, recommendations=recommendations, name=f"Indicator {reference}",
        definition="D", unit="people", baseline=100.0, baseline_date=date(2025, 12, 31), target=300.0,
        target_date=date(2028, 12, 31), disaggregation=[], states=states, effective_date=date(2026, 2, 1),
    ), n)
    return str(iid)


def measure(s: Session, iid: str, state: str, period: str, value: float) -> None:
    indicators.measured(s, SimpleNamespace(
        originator_id=UUID(iid), state=state, period=period, value=value, disaggregation={},
        source={"title": f"Source {period}", "url": "https://example.org/data"}, effective_date=date(2026, 7, 1),
    ), 0)


def loaded() -> tuple[Engine, dict[str, str]]:
    engine = create_engine("sqlite://")
    indicators.projection.metadata.create_all(engine)
    with Session(engine) as s:
        ids = {
            "b": define(s, 1, "IND-B", [REC_A], ["CO", "MX"]),
            "a": define(s, 2, "IND-A", [REC_B, REC_A], ["MX"]),
            "c": define(s, 3, "IND-C", [REC_B], ["CO"]),
        }
        for n in range(4, 204):  # 200 indicators of another recommendation
            define(s, n, f"OTHER-{n:03}", [REC_C], ["CO"])
        measure(s, ids["b"], "CO", "2026-Q3", 250.0)
        measure(s, ids["b"], "CO", "2026-Q2", 150.0)
        measure(s, ids["a"], "MX", "2026-Q2", 120.0)
        measure(s, ids["a"], "MX", "2026-Q2", 140.0)  # the same period again: the later value stands
        measure(s, ids["c"], "CO", "2026-Q2", 999.0)
        s.commit()
    return engine, ids


def every_indicator_filtered(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    """The read as it was before the view: every indicator, kept if it follows the proposal."""
    out = []
    for i in indicators.indicators(engine):
        if proposal_id not in i["recommendations"]:
            continue
        found = indicators.measurements(engine, i["id"])
        latest = {}
        for m in found:
            latest[m["state"]] = {**m, "progress": indicators.progress(m["value"], i["baseline"], i["target"])}
        out.append({**i, "measurements": found, "latest": [latest.get(s) or {"state": s, "progress": None} for s in i["states"]]})
    return out


def test_a_recommendations_indicators_are_those_that_follow_it_with_their_measurements() -> None:
    engine, ids = loaded()

    found = indicators.of_recommendation(engine, REC_A)

    assert [(i["id"], i["reference"]) for i in found] == [(ids["a"], "IND-A"), (ids["b"], "IND-B")]
    assert [[(m["state"], m["period"], m["value"]) for m in i["measurements"]] for i in found] == [
        [("MX", "2026-Q2", 140.0)], [("CO", "2026-Q2", 150.0), ("CO", "2026-Q3", 250.0)],
    ]
    assert [[(m["state"], m.get("period"), m["progress"]) for m in i["latest"]] for i in found] == [
        [("MX", "2026-Q2", 20)], [("CO", "2026-Q3", 75), ("MX", None, None)],
    ]


def test_the_rows_are_those_of_reading_every_indicator() -> None:
    engine, _ = loaded()

    for proposal_id in (REC_A, REC_B, REC_C, "00000000-0000-0000-0000-000000000000"):
        assert indicators.of_recommendation(engine, proposal_id) == every_indicator_filtered(engine, proposal_id)


def test_the_read_is_two_statements_whatever_the_other_indicators() -> None:
    engine, _ = loaded()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda conn, cursor, sql, *args: statements.append(sql))

    indicators.of_recommendation(engine, REC_A)
    with_indicators = len(statements)
    indicators.of_recommendation(engine, "00000000-0000-0000-0000-000000000000")

    assert (with_indicators, len(statements) - with_indicators) == (2, 1)

"""The mechanism's settings (the ``MechanismSettings`` aggregate): every version of the
rules in force (quorum, decision rule, endorsement threshold, UN voting)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Date, Engine, Integer, insert, select
from sqlalchemy.orm import Session

from domain.settings import MechanismSettings
from projections.base import Projection, rows, topic

projection = Projection("settings", version=1)

view_settings = projection.table(
    "settings",
    Column("version", Integer, primary_key=True),
    Column("values", JSON, nullable=False),
    Column("effective_date", Date, nullable=False),
)


@projection.on(topic(MechanismSettings, "Defined"))
def settings_defined(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_settings).values(version=e.originator_version, values=dict(e.values), effective_date=e.effective_date))


@projection.on(topic(MechanismSettings, "SettingChanged"))
def setting_changed(s: Session, e: Any, position: int) -> None:
    prev = s.execute(select(view_settings.c["values"]).order_by(view_settings.c.version.desc()).limit(1)).scalar()
    s.execute(insert(view_settings).values(
        version=e.originator_version, values={**(prev or {}), e.name: e.value}, effective_date=e.effective_date,
    ))


def current_settings(engine: Engine) -> dict[str, Any] | None:
    found = rows(engine, select(view_settings).order_by(view_settings.c.version.desc()).limit(1))
    return found[0] if found else None


def settings_history(engine: Engine) -> list[dict[str, Any]]:
    """Every version of the mechanism's settings (``version, values, effective_date``), newest first."""
    return rows(engine, select(view_settings).order_by(view_settings.c.version.desc()))

"""Reference data of the mechanism, copied from the founding text and public sources.

- ``gcm_objectives.json``: the 23 GCM objectives (A/RES/73/195, paragraph 16), each
  with the IMRF round table (A/RES/73/326) that owns it.
- ``mechanism.json``: the four working tables RT1–RT4 and the Liaison Table's shape
  (seed, section "Architecture").
- ``lac_states.json``: the 33 LAC member states (ISO 3166-1 alpha-2, UN M49 subregion).
- ``addressees.json``: the other addressees of recommendations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

ALL_GOVERNMENTS = "all governments of the region"


def _load(name: str) -> Any:
    return json.loads(resources.files("domain").joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class Objective:
    number: int
    title_en: str
    title_es: str
    table: str
    title_fr: str = ""
    title_pt: str = ""

    def title(self, language: str) -> str:
        """The objective's title in ``language`` (es, en, pt, fr; English otherwise)."""
        return {"es": self.title_es, "pt": self.title_pt, "fr": self.title_fr}.get(language) or self.title_en


@dataclass(frozen=True)
class LacState:
    code: str
    name_en: str
    subregion: str


@cache
def objectives() -> dict[int, Objective]:
    """The 23 GCM objectives by number (1..23)."""
    data = _load("gcm_objectives.json")["objectives"]
    return {
        o["number"]: Objective(o["number"], o["title_en"], o["title_es"], o["round_table"], o["title_fr"], o["title_pt"])
        for o in data
    }


@cache
def table_objectives() -> dict[str, frozenset[int]]:
    """Working table code (``RT1``..``RT4``) → the GCM objective numbers it owns."""
    data = _load("mechanism.json")["working_tables"]
    return {t["code"]: frozenset(t["objectives"]) for t in data}


@cache
def mechanism() -> dict[str, Any]:
    """The raw ``mechanism.json`` (tables and the Liaison Table's shape)."""
    return dict(_load("mechanism.json"))


@cache
def lac_states() -> dict[str, LacState]:
    """The 33 LAC states by ISO 3166-1 alpha-2 code."""
    data = _load("lac_states.json")["states"]
    return {s["iso_alpha2"]: LacState(s["iso_alpha2"], s["name_en"], s["m49_subregion"]) for s in data}


@cache
def other_addressees() -> tuple[str, ...]:
    """Named addressees other than states (regional bodies, kinds of actors)."""
    return tuple(_load("addressees.json")["other_actors"])


@cache
def _addressee_labels() -> dict[str, dict[str, str]]:
    return dict(_load("addressees.json").get("labels", {}))


def addressee_name(addressee: str, language: str) -> str:
    """A listed addressee's name in ``language`` (es, pt, fr); the stored (English) name
    for English and for an addressee without a translation."""
    return _addressee_labels().get(addressee, {}).get(language) or addressee


def is_valid_target(target: str) -> bool:
    """True for "all governments of the region", a LAC state code or a listed addressee."""
    return target == ALL_GOVERNMENTS or target in lac_states() or target in other_addressees()


def seat_codes(table: str) -> tuple[str, str]:
    """The two Liaison Table seats of a working table, e.g. ``LT-RT1-A``, ``LT-RT1-B``."""
    return (f"LT-{table}-A", f"LT-{table}-B")


def representative_seats() -> tuple[str, ...]:
    """The 8 representative seats of the Liaison Table (2 per working table)."""
    return tuple(s for t in sorted(table_objectives()) for s in seat_codes(t))

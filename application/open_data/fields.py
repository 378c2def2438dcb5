"""The shape of an open-data table: its fields (Frictionless Table Schema) and its rows
(``docs/open-data.md``, "Tables"); :mod:`application.open_data.model` lists the tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

MULTI = r"^[^;]+(;[^;]+)*$"


@dataclass(frozen=True)
class Field:
    """One column: Table Schema ``name``, ``type`` (string, integer, boolean, date),
    ``description``, allowed values (``enum``) and other constraints."""

    name: str
    type: str
    description: str
    enum: tuple[Any, ...] | None = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    multi: bool = False

    def descriptor(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        c: dict[str, Any] = {}
        if self.required:
            c["required"] = True
        if self.enum is not None:
            c["enum"] = list(self.enum)
        if self.minimum is not None:
            c["minimum"] = self.minimum
        if self.maximum is not None:
            c["maximum"] = self.maximum
        if self.pattern is not None:
            c["pattern"] = self.pattern
        if c:
            d["constraints"] = c
        return d


@dataclass(frozen=True)
class TableModel:
    """One table of the data model: one CSV file, one JSON array, one XLSX sheet."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    rows: Callable[[Engine], list[dict[str, Any]]] = field(default=lambda _e: [], compare=False)

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"fields": [f.descriptor() for f in self.fields], "primaryKey": list(self.primary_key), "missingValues": [""]}
        if self.foreign_keys:
            s["foreignKeys"] = [
                {"fields": list(cols), "reference": {"resource": res, "fields": list(ref)}} for cols, res, ref in self.foreign_keys
            ]
        return s

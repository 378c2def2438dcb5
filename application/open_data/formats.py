"""The open data's files: one CSV per table, one JSON document, one XLSX workbook, and the
Frictionless Data Package that describes them (``docs/open-data.md``, "Files").

Every writer is deterministic: the same rows and the same :class:`Provenance` give the
same bytes (rows are already in a stable order; JSON keys keep the model's order; the
workbook's document properties and its archive timestamps are pinned).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from application.open_data.cells import (
    FORMULA_PREFIX,
    FORMULA_STARTS,
    SEPARATOR,
    csv_cell,
    json_value,
    neutralise,
)
from application.open_data.model import TABLES, TableModel

PACKAGE_NAME = "gcm-lac-dialogue-open-data"
JSON_FILE = "open-data.json"
XLSX_FILE = "open-data.xlsx"
DESCRIPTOR = "datapackage.json"
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": "\r\n", "header": True}
# The archive's members all carry this time (ZIP cannot store earlier than 1980).
ARCHIVE_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Provenance:
    """Where in the log an export was built: the position it covers up to, the hash of the
    chain at that position (hex), the instant that event was recorded, and the effective
    date the events were limited to (None: every event up to the position)."""

    position: int
    chain_hash: str
    recorded_at: datetime
    as_of: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "log_position": self.position, "chain_hash": self.chain_hash,
            "recorded_at": self.recorded_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "effective_as_of": self.as_of.isoformat() if self.as_of else None,
        }


def csv_bytes(table: TableModel, rows: Iterable[dict[str, Any]]) -> bytes:
    """A table as CSV (RFC 4180: UTF-8 without BOM, comma, double quotes, CRLF, a header row)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([f.name for f in table.fields])
    for r in rows:
        w.writerow([csv_cell(r.get(f.name)) for f in table.fields])
    return buf.getvalue().encode("utf-8")


def json_bytes(tables: dict[str, list[dict[str, Any]]], provenance: Provenance) -> bytes:
    """Every table as one JSON document: ``{"provenance": {...}, "tables": {name: [row]}}``."""
    doc = {
        "provenance": provenance.as_dict(),
        "tables": {t.name: [{f.name: json_value(r.get(f.name)) for f in t.fields} for r in tables[t.name]] for t in TABLES},
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def xlsx_bytes(tables: dict[str, list[dict[str, Any]]], provenance: Provenance) -> bytes:
    """Every table as a sheet of one workbook (a header row, then the rows). Text is
    written as text (never as a formula) and neutralised as in CSV; dates are ISO 8601
    text, so that they read back exactly. The document properties are pinned to the
    provenance and the archive's timestamps to 1980-01-01 (the library's own)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    created = provenance.recorded_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    wb.set_properties({
        "title": "GCM LAC Dialogue Mechanism: open data", "author": "", "company": "",
        "comments": f"log position {provenance.position}, chain hash {provenance.chain_hash}", "created": created,
    })
    bold = wb.add_format({"bold": True})
    for t in TABLES:
        ws = wb.add_worksheet(t.name[:31])
        for c, f in enumerate(t.fields):
            ws.write_string(0, c, f.name, bold)
        for i, r in enumerate(tables[t.name], start=1):
            for c, f in enumerate(t.fields):
                v = r.get(f.name)
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(i, c, v)
                elif isinstance(v, int):
                    ws.write_number(i, c, v)
                elif isinstance(v, date):
                    ws.write_string(i, c, v.isoformat())
                else:
                    ws.write_string(i, c, neutralise(str(v)))
    wb.close()
    return buf.getvalue()


def _resource(table: TableModel, data: bytes) -> dict[str, Any]:
    return {
        "name": table.name, "path": f"{table.name}.csv", "title": table.title, "description": table.description,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "dialect": CSV_DIALECT, "schema": table.schema(),
    }


def descriptor(files: dict[str, bytes], provenance: Provenance) -> dict[str, Any]:
    """The Data Package descriptor (``datapackage.json``) of the files written."""
    resources = [_resource(t, files[f"{t.name}.csv"]) for t in TABLES]
    for name, path, fmt, media, what in (
        ("all-tables-json", JSON_FILE, "json", "application/json", "Every table above as one JSON document: {\"provenance\": {...}, \"tables\": {name: [row]}}, the same cells as the CSV files (integers and booleans as JSON numbers and booleans, missing values null)."),
        ("all-tables-xlsx", XLSX_FILE, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Every table above as one sheet of a workbook, the same cells as the CSV files."),
    ):
        data = files[path]
        resources.append({
            "name": name, "path": path, "type": "json" if fmt == "json" else "file", "format": fmt, "mediatype": media,
            "description": what, "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        })
    return {
        "name": PACKAGE_NAME,
        "title": "Open and Permanent Dialogue Mechanism (GCM, Latin America and the Caribbean): published recommendations and their follow-up",
        "description": (
            "The recommendations the mechanism published to governments, their GCM objectives and addressees, the sessions and "
            "tallies that adopted them, the Liaison Table's endorsement tallies, the governments' responses and the follow-up. "
            f"Text cells starting with = + - @, a tab, a carriage return or {FORMULA_PREFIX} carry one more {FORMULA_PREFIX} in "
            f"front: remove one leading {FORMULA_PREFIX} from a text cell to read it. Multi-valued fields separate their values "
            f"with {SEPARATOR!r}. Built from the event log up to log_position; chain_hash is the hash chain's value there."
        ),
        "licenses": [LICENSE],
        "created": provenance.as_dict()["recorded_at"],
        **provenance.as_dict(),
        "formula_prefix": FORMULA_PREFIX,
        "formula_starts": list(FORMULA_STARTS),
        "multi_value_separator": SEPARATOR,
        "resources": resources,
    }


def package_files(tables: dict[str, list[dict[str, Any]]], provenance: Provenance) -> dict[str, bytes]:
    """Every file of an export (name → bytes), the descriptor included."""
    files = {f"{t.name}.csv": csv_bytes(t, tables[t.name]) for t in TABLES}
    files[JSON_FILE] = json_bytes(tables, provenance)
    files[XLSX_FILE] = xlsx_bytes(tables, provenance)
    files[DESCRIPTOR] = (json.dumps(descriptor(files, provenance), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return files


def write_files(files: dict[str, bytes], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)


def archive_bytes(files: dict[str, bytes]) -> bytes:
    """The files as one ZIP archive (members sorted by name, timestamps pinned): the same
    files give the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ARCHIVE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()

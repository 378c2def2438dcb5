"""The open data (issue 15): a valid Frictionless Data Package, the same bytes at the same
position, awkward text that survives CSV and XLSX, and nothing that is not public."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from frictionless import Dialect, Resource, Schema, formats, validate

from application.bootstrap import Services
from application.open_data import build_export
from application.open_data.cells import read_text
from application.open_data.model import TABLES
from domain.errors import DomainError
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.integration.open_data_support import all_text, publish_new


def export(s: Services, until: int | None = None, as_of: date | None = None):
    return build_export(s.app.engine, s.app.recorder, s.app.mapper, until=until, as_of=as_of)


def csv_rows(files: dict[str, bytes], table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"{table}.csv"].decode("utf-8"), newline="")))


def xlsx_rows(files: dict[str, bytes], table: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(io.BytesIO(files["open-data.xlsx"]), read_only=True)
    values = list(wb[table].iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_the_frictionless_validator_reports_the_exported_package_valid(loaded: Services, tmp_path: Path) -> None:
    e = export(loaded)
    e.write(tmp_path)

    report = validate(tmp_path / "datapackage.json")

    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert len(csv_rows(e.files, "recommendations")) == 12


def test_the_workbook_and_the_json_hold_every_table_valid_under_its_schema(loaded: Services, tmp_path: Path) -> None:
    e = export(loaded)
    e.write(tmp_path)
    problems, counts = {}, {}
    for t in TABLES:
        # Foreign keys are checked across the package's CSV resources (previous test).
        schema = Schema.from_descriptor({k: v for k, v in t.schema().items() if k != "foreignKeys"})
        sheet = Resource(path="open-data.xlsx", basepath=str(tmp_path), format="xlsx", schema=schema, dialect=Dialect(controls=[formats.ExcelControl(sheet=t.name)]))
        array = Resource(
            path="open-data.json", basepath=str(tmp_path), format="json", schema=schema,
            dialect=Dialect(controls=[formats.JsonControl(property=f"tables.{t.name}", keyed=True)]),
        )
        for r in (sheet.validate(), array.validate()):
            if not r.valid:
                problems[t.name] = r.flatten(["rowNumber", "fieldName", "note"])
        counts[t.name] = {len(xlsx_rows(e.files, t.name)), len(csv_rows(e.files, t.name)), len(json.loads(e.files["open-data.json"])["tables"][t.name])}

    assert problems == {}
    assert {name: len(n) for name, n in counts.items()} == {t.name: 1 for t in TABLES}


def test_the_export_states_its_position_and_the_chain_hash_there(loaded: Services) -> None:
    e = export(loaded, until=500)
    package = json.loads(e.files["datapackage.json"])
    document = json.loads(e.files["open-data.json"])
    from sqlalchemy import select

    from application.tables import chain_table

    with loaded.app.engine.connect() as c:
        expected = c.execute(select(chain_table.c.hash).where(chain_table.c.position == 500)).scalar_one()

    assert (package["log_position"], package["chain_hash"]) == (500, expected)
    assert document["provenance"]["log_position"] == 500 and document["provenance"]["chain_hash"] == expected


def test_exporting_twice_at_the_same_position_gives_the_same_bytes(loaded: Services) -> None:
    position = loaded.projector.position()
    first = export(loaded, until=position)
    publish_new(loaded, title="Publicada después de la primera exportación")

    again = export(loaded, until=position)
    later = export(loaded)

    assert again.files == first.files
    assert again.archive() == first.archive()
    assert later.files["recommendations.csv"] != first.files["recommendations.csv"]


def test_an_export_as_of_an_earlier_position_leaves_out_what_came_after(loaded: Services) -> None:
    before = loaded.projector.position()
    pid = publish_new(loaded, title="Llega después")

    ids = {r["id"] for r in csv_rows(export(loaded, until=before).files, "recommendations")}

    assert str(pid) not in ids and len(ids) == 12


def test_a_position_beyond_the_head_is_refused(loaded: Services) -> None:
    with pytest.raises(DomainError) as e:
        export(loaded, until=loaded.projector.position() + 1)
    assert e.value.code == "position_beyond_head"


AWKWARD = {
    "title": '=HYPERLINK("http://example.org","clic"), con "comillas" y coma',
    "problem": "+1 para la línea uno\nlínea dos, con coma\ny \"comillas\" 🌎🧳",
    "recommendation": ("Que los gobiernos, \"sin excepción\", 🙌 garanticen:\n- regularización;\n" * 120)[:6000],
    "rationale": "@SUM(A1:A9) y 'apóstrofo'",
}
RESPONSE = "-5 % de tasas\r\nlínea nueva, \"citada\" 👍"


def test_awkward_text_survives_a_round_trip_through_csv_and_xlsx(loaded: Services) -> None:
    assert len(AWKWARD["recommendation"]) == 6000
    pid = publish_new(loaded, **AWKWARD, response=RESPONSE)
    files = export(loaded).files

    from_csv = next(r for r in csv_rows(files, "recommendations") if r["id"] == str(pid))
    from_xlsx = next(r for r in xlsx_rows(files, "recommendations") if r["id"] == str(pid))
    csv_response = next(r for r in csv_rows(files, "government_responses") if r["recommendation_id"] == str(pid))
    xlsx_response = next(r for r in xlsx_rows(files, "government_responses") if r["recommendation_id"] == str(pid))

    assert {k: read_text(from_csv[k]) for k in AWKWARD} == AWKWARD
    assert {k: read_text(str(from_xlsx[k])) for k in AWKWARD} == AWKWARD
    # A carriage return is written as a line feed (docs/open-data.md, "Cells").
    assert read_text(csv_response["response"]) == read_text(str(xlsx_response["response"])) == RESPONSE.replace("\r\n", "\n")


def test_formula_like_text_is_prefixed_and_numbers_are_not(loaded: Services) -> None:
    pid = publish_new(loaded, **AWKWARD, response=RESPONSE)
    files = export(loaded).files

    row = next(r for r in csv_rows(files, "recommendations") if r["id"] == str(pid))
    sheet = next(r for r in xlsx_rows(files, "recommendations") if r["id"] == str(pid))
    decision = next(r for r in xlsx_rows(files, "adoption_decisions") if r["recommendation_id"] == str(pid))

    assert [row[k][:2] for k in ("title", "problem", "rationale")] == ["'=", "'+", "'@"]
    assert str(sheet["title"]).startswith("'=")
    assert (decision["support"], decision["version"]) == (5, 1)
    assert row["gcm_objectives"] == "2;5" and row["addressees"] == "all governments of the region;UY"


def test_a_draft_and_a_members_position_never_reach_the_export(loaded: Services) -> None:
    e = loaded.projector.engine
    author = people_views.participants(e)[0]["id"]
    secret = "Borrador confidencial 7f3a"
    drafts_before = [p for p in proposal_views.list_recommendations(e) if p["status"] != "published"]
    pid = publish_new(loaded, title="Publicada con posiciones")
    from projections import tables as table_views

    member = table_views.members(e, "RT1")[1]["participant_id"]
    loaded.app.draft_proposal(
        actor=member, table="RT1", title=secret, problem=secret, recommendation=secret, rationale=secret,
        objectives=[2], targets=["UY"], language="es",
    )
    loaded.projector.catch_up()
    text = all_text(export(loaded).files)
    positions = [p for s in session_views.list_sessions(e) for item in session_views.agenda(e, s["id"]) for p in item["positions"]]
    people = people_views.participants(e)

    assert secret not in text
    assert [d["title"] for d in drafts_before if d["title"] in text] == []
    assert [p["reason"] for p in positions if p["reason"] and p["reason"] in text] == []
    assert [p["id"] for p in people if p["id"] in text] == []
    assert [p["name"] for p in people if p["name"] in text] == []
    assert str(pid) in text and author not in text

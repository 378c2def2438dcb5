"""The open data's machinery on SQLite and PostgreSQL: an export as of a position of a
fresh log, with no draft in it, the same bytes twice, and a quarterly archive stored and
read back."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from application.bootstrap import Services
from application.open_data import build_export
from application.open_data.quarterly import latest_quarter, publish_quarter
from application.tables import chain_table
from tests.conftest import draft_sample_proposal, seed_members


def test_an_export_of_a_log_with_only_a_draft_is_empty_and_reproducible(services: Services) -> None:
    author = seed_members(services.app, 1)[0]
    draft_sample_proposal(services.app, author, title="Borrador que no se publica")
    with services.app.engine.connect() as c:
        head, chain_hash = c.execute(select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)).one()

    first = build_export(services.app.engine, services.app.recorder, services.app.mapper)
    seed_members(services.app, 1)
    again = build_export(services.app.engine, services.app.recorder, services.app.mapper, until=head)
    package = json.loads(first.files["datapackage.json"])

    assert (package["log_position"], package["chain_hash"]) == (head, chain_hash)
    assert first.files["recommendations.csv"].decode().splitlines()[1:] == []
    assert b"Borrador" not in b"".join(first.files.values())
    assert again.files == first.files


def test_a_quarterly_archive_is_stored_and_read_back(services: Services) -> None:
    seed_members(services.app, 1)

    built = publish_quarter(services)
    stored = latest_quarter(services.app.engine)

    assert stored is not None and stored.archive == built.archive
    assert (stored.quarter, stored.final, stored.as_of.isoformat()) == ("2026-Q1", False, "2026-01-05")
    with zipfile.ZipFile(io.BytesIO(stored.archive)) as z:
        assert json.loads(z.read("datapackage.json"))["effective_as_of"] == "2026-01-05"

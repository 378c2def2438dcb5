"""Witnesses (issue 16, "Witnesses"): a witness key is registered; the witness co-signs on
its own machine without the database after checking consistency with the last checkpoint it
co-signed; its cosignature is submitted and served with the checkpoint, which shows how
many co-signed it; two checkpoints of one size with different roots are refused and the
conflict is recorded."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from application.bootstrap import Services
from application.tables import witness_conflicts_table
from application.tlog.checkpoint import TreeHead
from application.tlog.keyfiles import read_signer, write_key_pair
from application.tlog.note import Note, sign
from application.tlog.signing import sign_checkpoint
from tests.integration.test_audit_tamper import build_log, make_app

ORIGIN = "127.0.0.1:5000/log"


def run(app: Flask, *args: str | Path) -> Result:
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def setup(services: Services, tmp_path: Path) -> tuple[Flask, Path]:
    build_log(services)
    write_key_pair(tmp_path / "log.key", ORIGIN)
    (tmp_path / "cp1").write_text(sign_checkpoint(services.app.engine, read_signer(tmp_path / "log.key")).note, "utf-8")
    app = make_app(services, tmp_path)
    assert run(app, "audit", "witness", "keygen", tmp_path / "w.key", "--name", "cepal.example.org/witness").exit_code == 0
    added = run(app, "audit", "witness", "add", tmp_path / "w.key.pub", "--description", "CEPAL (UN agency)")
    assert added.exit_code == 0, added.output
    return app, tmp_path


def test_a_cosignature_is_made_offline_submitted_and_served_with_the_checkpoint(services: Services, tmp_path: Path) -> None:
    app, d = setup(services, tmp_path)

    signed = run(app, "audit", "witness", "sign", d / "cp1", "--key", d / "w.key", "--log-key", d / "log.key.pub")
    (d / "cp1.cosigned").write_text(signed.stdout, "utf-8")
    submitted = run(app, "audit", "witness", "submit", d / "cp1.cosigned")
    served = app.test_client().get("/audit/checkpoint")

    assert signed.exit_code == 0, signed.output
    assert signed.stdout.count("\n— ") == 2 and "\n— cepal.example.org/witness " in signed.stdout  # the log, then the witness
    assert submitted.exit_code == 0, submitted.output
    assert "1 new cosignature(s): cepal.example.org/witness" in submitted.output
    assert served.headers["X-Cosignatures"] == "1"
    assert served.get_data(as_text=True) == signed.stdout


def test_a_larger_checkpoint_is_cosigned_only_with_a_consistency_proof(services: Services, tmp_path: Path) -> None:
    app, d = setup(services, tmp_path)
    assert run(app, "audit", "witness", "sign", d / "cp1", "--key", d / "w.key", "--log-key", d / "log.key.pub").exit_code == 0
    size = int((d / "cp1").read_text("utf-8").split("\n")[1])
    services.app.register_organisation(reference="o-2", name="Colectivo", stakeholder_group="academia", country="PE", languages=["es"])
    (d / "cp2").write_text(sign_checkpoint(services.app.engine, read_signer(d / "log.key")).note, "utf-8")

    without = run(app, "audit", "witness", "sign", d / "cp2", "--key", d / "w.key", "--log-key", d / "log.key.pub")
    (d / "proof.json").write_text(json.dumps(app.test_client().get(f"/audit/proof/consistency?old={size}&new={size + 1}").get_json()), "utf-8")
    with_proof = run(app, "audit", "witness", "sign", d / "cp2", "--key", d / "w.key", "--log-key", d / "log.key.pub", "--proof", d / "proof.json")

    assert without.exit_code == 1
    assert f"a consistency proof from size {size} to {size + 1} is needed" in without.output
    assert with_proof.exit_code == 0, with_proof.output


def test_two_checkpoints_of_one_size_are_refused_and_the_conflict_is_recorded(services: Services, tmp_path: Path) -> None:
    app, d = setup(services, tmp_path)
    assert run(app, "audit", "witness", "sign", d / "cp1", "--key", d / "w.key", "--log-key", d / "log.key.pub").exit_code == 0
    size = int((d / "cp1").read_text("utf-8").split("\n")[1])
    forged = TreeHead(ORIGIN, size, bytes(32))  # another history of the same size, signed with the log's key
    (d / "cp1b").write_text(Note(forged.body(), (sign(forged.body(), read_signer(d / "log.key")),)).to_text(), "utf-8")

    refused = run(app, "audit", "witness", "sign", d / "cp1b", "--key", d / "w.key", "--log-key", d / "log.key.pub")
    submitted = run(app, "audit", "witness", "submit", d / "cp1b.conflict.json")

    assert refused.exit_code == 3
    assert f"two trees of size {size} with different roots" in refused.output
    assert submitted.exit_code == 0, submitted.output
    with services.app.engine.connect() as c:
        rows = c.execute(select(witness_conflicts_table)).all()
    assert [(r.witness, r.tree_size) for r in rows] == [("cepal.example.org/witness", size)]


def test_a_cosignature_of_an_unregistered_witness_is_refused(services: Services, tmp_path: Path) -> None:
    app, d = setup(services, tmp_path)
    run(app, "audit", "witness", "keygen", d / "x.key", "--name", "unknown.example/witness")
    signed = run(app, "audit", "witness", "sign", d / "cp1", "--key", d / "x.key", "--log-key", d / "log.key.pub")
    (d / "x.cosigned").write_text(signed.stdout, "utf-8")

    submitted = run(app, "audit", "witness", "submit", d / "x.cosigned")

    assert submitted.exit_code == 1
    assert "No cosignature of a registered witness" in submitted.output
    assert app.test_client().get("/audit/checkpoint").headers["X-Cosignatures"] == "0"


def test_a_log_key_is_not_a_witness_key(services: Services, tmp_path: Path) -> None:
    app, d = setup(services, tmp_path)
    result = run(app, "audit", "witness", "add", d / "log.key.pub", "--description", "the log itself")
    assert result.exit_code == 1
    assert "cosignature key" in result.output

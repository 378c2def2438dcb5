"""Proofs of the transparency log (issue 16, "Proofs"): ``/audit/leaf``,
``/audit/proof/inclusion`` and ``/audit/proof/consistency`` answer JSON with base64
hashes; the CLI (``dialogue audit proof check``) and ``tools/verify_export.py`` check them
against signed checkpoints; a changed, dropped or swapped event makes exactly its own
leaves' proofs fail; a checkpoint signed before a rewrite exposes it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from application.tlog import proofs
from application.tlog.checkpoint import TreeHead, open_checkpoint
from application.tlog.keyfiles import read_signer, read_verifier, write_key_pair
from application.tlog.note import Note, sign
from application.tlog.signing import sign_checkpoint
from application.tlog.store import StoredTree
from application.tlog.tree import root_hash
from tests.integration.test_audit_tamper import (
    build_log,
    change_one_byte,
    delete_event,
    make_app,
    recompute_chain,
    recompute_tree,
    swap_events,
    verify_export,
)

ORIGIN = "127.0.0.1:5000/log"  # the default origin of the test configuration


@pytest.fixture
def signed(services: Services, tmp_path: Path) -> tuple[Flask, int, Path, Path]:
    """A small log, the log's key and a checkpoint of it, written to files."""
    head = build_log(services)
    signer = write_key_pair(tmp_path / "log.key", ORIGIN)
    cp = sign_checkpoint(services.app.engine, signer)
    (tmp_path / "cp").write_text(cp.note, "utf-8")
    return make_app(services, tmp_path), head, tmp_path / "cp", tmp_path / "log.key.pub"


def get_json(client: FlaskClient, url: str) -> Any:
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    return r.get_json()


def head_of(cp: Path, pub: Path) -> TreeHead:
    return open_checkpoint(cp.read_bytes(), read_verifier(pub))[0]


def test_a_positions_leaf_and_its_inclusion_proof_verify_against_the_checkpoint(signed: tuple[Flask, int, Path, Path], tmp_path: Path) -> None:
    app, head, cp, pub = signed
    client = app.test_client()

    leaf = get_json(client, "/audit/leaf?position=5")
    proof = get_json(client, f"/audit/proof/inclusion?index={leaf['index']}&size={head}")
    (tmp_path / "proof.json").write_text(json.dumps(proof), "utf-8")
    cli = app.test_cli_runner().invoke(args=["audit", "proof", "check", str(tmp_path / "proof.json"), "--checkpoint", str(cp), "--public-key", str(pub)])
    standalone = verify_export("--inclusion", tmp_path / "proof.json", "--checkpoint", cp, "--public-key", pub)

    assert (leaf["index"], leaf["position"], leaf["tree_size"]) == (4, 5, head)
    assert proof["leaf_hash"] == leaf["leaf_hash"] and proof["entry"] == leaf["entry"]
    assert base64.b64decode(proof["entry"]).startswith(b"dialogue-event/1\nposition: 5\n")
    assert proofs.check_inclusion(proof, head_of(cp, pub))["position"] == "5"
    assert cli.exit_code == 0, cli.output
    assert "OK: leaf 4 (position 5" in cli.output
    assert standalone.returncode == 0, standalone.stderr
    assert "leaf 4 is in the tree" in standalone.stdout


def test_a_consistency_proof_between_two_checkpoints_verifies(signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    app, head, old_cp, pub = signed
    services.app.register_organisation(reference="o-2", name="Colectivo", stakeholder_group="academia", country="PE", languages=["es"])
    (tmp_path / "new").write_text(sign_checkpoint(services.app.engine, read_signer(tmp_path / "log.key")).note, "utf-8")

    proof = get_json(app.test_client(), f"/audit/proof/consistency?old={head}&new={head + 1}")
    (tmp_path / "c.json").write_text(json.dumps(proof), "utf-8")
    args = ["--checkpoint", str(old_cp), "--checkpoint", str(tmp_path / "new"), "--public-key", str(pub)]
    cli = app.test_cli_runner().invoke(args=["audit", "proof", "check", str(tmp_path / "c.json"), *args])
    standalone = verify_export("--consistency", tmp_path / "c.json", *args)

    assert (proof["old"], proof["new"]) == (head, head + 1)
    assert cli.exit_code == 0, cli.output
    assert f"the tree of {head} leaves is a prefix of the tree of {head + 1} leaves" in cli.output
    assert standalone.returncode == 0, standalone.stderr


@pytest.mark.parametrize(("url", "status"), [
    ("/audit/leaf?position=x", 400), ("/audit/leaf", 400), ("/audit/leaf?position=999999", 404),
    ("/audit/proof/inclusion?index=-1", 400), ("/audit/proof/inclusion?index=999", 404), ("/audit/proof/inclusion?index=0&size=999", 404),
    ("/audit/proof/consistency?old=5&new=3", 400), ("/audit/proof/consistency?new=3", 400), ("/audit/proof/consistency?old=1&new=99999", 404),
])
def test_bad_arguments_are_refused_in_json(url: str, status: int, signed: tuple[Flask, int, Path, Path]) -> None:
    app, *_ = signed
    r = app.test_client().get(url)
    assert r.status_code == status
    assert r.get_json()["status"] == status


def failing_leaves(engine: Any, head: TreeHead) -> list[int]:
    """The leaves whose inclusion proof, served now, does not verify against ``head``."""
    failed = []
    for index in range(head.size):
        try:
            proofs.check_inclusion(proofs.inclusion(engine, index, head.size), head)
        except (proofs.ProofFailed, proofs.MalformedProof, Exception):  # noqa: BLE001 - a proof the server cannot give fails too
            failed.append(index)
    return failed


@pytest.mark.parametrize(("kind", "bad"), [("changed", [2]), ("dropped", [3]), ("swapped", [1, 5])])
def test_tampering_makes_exactly_the_tampered_leaves_fail(kind: str, bad: list[int], signed: tuple[Flask, int, Path, Path], services: Services) -> None:
    _, _, cp, pub = signed
    engine = services.app.engine
    {"changed": lambda: change_one_byte(engine, 3), "dropped": lambda: delete_event(engine, 4), "swapped": lambda: swap_events(engine, 2, 6)}[kind]()

    assert failing_leaves(engine, head_of(cp, pub)) == bad


def test_a_checkpoint_signed_before_a_rewrite_exposes_it_through_a_consistency_proof(signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    app, head, old_cp, pub = signed
    engine = services.app.engine
    change_one_byte(engine, 3)
    recompute_chain(engine)
    recompute_tree(engine)
    services.app.register_organisation(reference="o-2", name="Colectivo", stakeholder_group="academia", country="PE", languages=["es"])
    # The administrator who rewrote the log signs a fresh checkpoint of it (with the log's key,
    # bypassing the service's refusal) and serves a consistency proof from the rewritten tree.
    tree = StoredTree(engine)
    forged = TreeHead(ORIGIN, head + 1, root_hash(head + 1, tree.read))
    (tmp_path / "new").write_text(Note(forged.body(), (sign(forged.body(), read_signer(tmp_path / "log.key")),)).to_text(), "utf-8")
    proof = get_json(app.test_client(), f"/audit/proof/consistency?old={head}&new={head + 1}")
    (tmp_path / "c.json").write_text(json.dumps(proof), "utf-8")
    args = ["--checkpoint", str(old_cp), "--checkpoint", str(tmp_path / "new"), "--public-key", str(pub)]

    cli = app.test_cli_runner().invoke(args=["audit", "proof", "check", str(tmp_path / "c.json"), *args])
    standalone = verify_export("--consistency", tmp_path / "c.json", *args)

    assert cli.exit_code == 1
    assert "is not a prefix" in cli.output
    assert standalone.returncode == 1
    assert "the log was rewritten" in standalone.stderr

"""Signed checkpoints of the transparency log: ``dialogue audit keygen`` and ``checkpoint``,
``/audit/checkpoint`` and ``/audit/key`` (issue 16, "Checkpoints"), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from application.audit import events_table
from application.bootstrap import Services
from application.tables import tree_leaves, tree_nodes
from application.tlog.checkpoint import open_checkpoint
from application.tlog.keyfiles import read_signer, write_key_pair
from application.tlog.note import Verifier
from application.tlog.signing import latest_checkpoint, sign_checkpoint
from application.tlog.store import StoredTree
from application.tlog.tree import root_hash
from domain.errors import InvalidInputError
from tests.integration.test_audit_tamper import build_log, make_app, recompute_chain, recompute_tree
from web import create_app

ORIGIN = "dialogue.example.org/gcm-lac"


def app_of(services: Services, origin: str = ORIGIN) -> Flask:
    cfg = services.config
    return create_app({
        "DIALOGUE_DATABASE_URL": cfg.database_url, "DIALOGUE_MASTER_KEY": cfg.master_key or "", "DIALOGUE_LOG_ORIGIN": origin,
        "DIALOGUE_CLOCK": "2026-01-05", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })


def test_keygen_writes_a_private_key_file_0600_and_prints_the_verifier_key(services: Services, tmp_path: Path) -> None:
    app = app_of(services)

    result = app.test_cli_runner().invoke(args=["audit", "keygen", str(tmp_path / "log.key")])

    vkey = (tmp_path / "log.key.pub").read_text("ascii").strip()
    assert result.exit_code == 0, result.output
    assert vkey in result.stdout
    assert Verifier.parse(vkey).name == "dialogue.example.org/gcm-lac"
    assert (tmp_path / "log.key").read_text("ascii").startswith("PRIVATE+KEY+dialogue.example.org/gcm-lac+")
    assert (tmp_path / "log.key").stat().st_mode & 0o777 == 0o600


def test_a_checkpoint_states_origin_tree_size_and_root_and_verifies_with_the_published_key(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    app = app_of(services)
    runner = app.test_cli_runner()
    runner.invoke(args=["audit", "keygen", str(tmp_path / "log.key")])

    result = runner.invoke(args=["audit", "checkpoint", "--key", str(tmp_path / "log.key")])
    client = app.test_client()
    served, key = client.get("/audit/checkpoint"), client.get("/audit/key")

    tree = StoredTree(services.app.engine)
    expected_root = base64.b64encode(root_hash(head, tree.read)).decode()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"dialogue.example.org/gcm-lac\n{head}\n{expected_root}\n\n— dialogue.example.org/gcm-lac ")
    assert served.status_code == 200 and served.mimetype == "text/plain"
    assert served.get_data(as_text=True) == result.stdout
    assert key.get_data(as_text=True) == (tmp_path / "log.key.pub").read_text("ascii")
    checked, _ = open_checkpoint(served.get_data(), Verifier.parse(key.get_data(as_text=True)))
    assert checked.size == head


def test_before_any_checkpoint_the_endpoints_answer_404(services: Services, tmp_path: Path) -> None:
    client = make_app(services, tmp_path).test_client()
    assert client.get("/audit/checkpoint").status_code == 404
    assert client.get("/audit/key").status_code == 404


def test_a_key_named_after_another_origin_is_refused(services: Services, tmp_path: Path) -> None:
    build_log(services)
    runner = app_of(services).test_cli_runner()
    runner.invoke(args=["audit", "keygen", str(tmp_path / "log.key"), "--name", "other.example/log"])

    result = runner.invoke(args=["audit", "checkpoint", "--key", str(tmp_path / "log.key")])

    assert result.exit_code == 1
    assert "the log's origin is 'dialogue.example.org/gcm-lac'" in result.output
    assert latest_checkpoint(services.app.engine) is None


def test_a_rewritten_log_is_never_signed_again(services: Services, tmp_path: Path) -> None:
    build_log(services)
    signer = write_key_pair(tmp_path / "log.key", "o.example/log")
    sign_checkpoint(services.app.engine, signer)
    with services.app.engine.begin() as c:
        c.execute(update(events_table).where(events_table.c.id == 3).values(topic="domain.x:X.Y"))
    recompute_chain(services.app.engine)
    recompute_tree(services.app.engine)

    with pytest.raises(InvalidInputError) as refused:
        sign_checkpoint(services.app.engine, read_signer(tmp_path / "log.key"))

    assert refused.value.code == "checkpoint_inconsistent"


def test_a_tree_that_differs_from_the_events_is_never_signed(services: Services, tmp_path: Path) -> None:
    build_log(services)
    signer = write_key_pair(tmp_path / "log.key", "o.example/log")
    with services.app.engine.begin() as c:
        c.execute(update(tree_nodes).where(tree_nodes.c.level == 0, tree_nodes.c.idx == 2).values(hash="00" * 32))

    with pytest.raises(InvalidInputError) as refused:
        sign_checkpoint(services.app.engine, signer)

    assert refused.value.code == "tree_broken"
    assert latest_checkpoint(services.app.engine) is None


def test_a_grown_log_gets_a_larger_checkpoint(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    signer = write_key_pair(tmp_path / "log.key", "o.example/log")
    first = sign_checkpoint(services.app.engine, signer)
    services.app.register_organisation(reference="o-2", name="Colectivo", stakeholder_group="academia", country="PE", languages=["es"])

    second = sign_checkpoint(services.app.engine, signer)

    assert (first.head.size, second.head.size) == (head, head + 1)
    assert latest_checkpoint(services.app.engine) == second
    with services.app.engine.connect() as c:
        assert c.execute(tree_leaves.select()).all()[-1].leaf_index == head

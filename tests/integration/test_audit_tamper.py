"""Tampering with the stored log is detected and located (issue 5, "Done when").

Each way of tampering (one byte of a state changed, an event deleted, two events swapped,
the tail truncated, an event inserted) is applied once with the chain and the transparency
log's tree left as they were, and once by an attacker who also recomputes the chain and the
tree (then only a checkpoint signed before the tampering catches it). Both ``dialogue audit
verify`` and the standalone ``tools/verify_export.py`` must fail and name the first bad
position (issue 16: "a checkpoint signed before a rewrite exposes the rewrite").
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from click.testing import Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from sqlalchemy import Engine, delete, insert, select, update

from application.audit import Checkpoint, events_table, verify_log
from application.bootstrap import Services
from application.chain import GENESIS, link
from application.persistence import chain_table
from application.tables import tree_leaves, tree_nodes
from application.tlog.store import build_tree
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
VERIFY_EXPORT = ROOT / "tools" / "verify_export.py"


# ---------------------------------------------------------------------------- helpers
def build_log(services: Services) -> int:
    """A small log: four working tables, the settings, an organisation and three people
    (with encrypted personal data). Returns the last position."""
    app = services.app
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings()
    org = app.register_organisation(reference="o-1", name="Red Migrante", stakeholder_group="migrant_organisation", country="EC", languages=["es"])
    for i, name in enumerate(("Ana Pérez", "João Silva", "Marie Joseph"), start=1):
        app.register_participant(reference=f"p-{i}", display_name=name, organisation_id=org, gender="woman", preferred_language="es")
    return int(app.recorder.max_notification_id() or 0)


def make_app(services: Services, tmp_path: Path) -> Flask:
    cfg = services.config
    return create_app({
        "DIALOGUE_DATABASE_URL": cfg.database_url, "DIALOGUE_MASTER_KEY": cfg.master_key or "",
        "DIALOGUE_CLOCK": "2026-01-05", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })


def cli(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def verify_export(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # -I -S: isolated and without site-packages, so the script runs on the standard library only.
    return subprocess.run([sys.executable, "-I", "-S", str(VERIFY_EXPORT), *map(str, args)], capture_output=True, text=True, check=False)


def rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as c:
        return [dict(r) for r in c.execute(select(events_table).order_by(events_table.c.id)).mappings()]


def recompute_chain(engine: Engine) -> None:
    """What an attacker with database access does after editing events."""
    with engine.begin() as c:
        c.execute(delete(chain_table))
        previous = GENESIS
        for r in c.execute(select(events_table).order_by(events_table.c.id)).mappings().all():
            previous = link(previous, r["id"], str(r["originator_id"]), r["originator_version"], r["topic"], bytes(r["state"]))
            c.execute(insert(chain_table).values(position=r["id"], hash=previous.hex()))


def recompute_tree(engine: Engine) -> None:
    """... and the transparency log's tree."""
    with engine.begin() as c:
        c.execute(delete(tree_nodes))
        c.execute(delete(tree_leaves))
    build_tree(engine)


def change_one_byte(engine: Engine, position: int) -> None:
    with engine.begin() as c:
        state = bytes(c.execute(select(events_table.c.state).where(events_table.c.id == position)).scalar_one())
        assert b"secretariat" in state
        c.execute(update(events_table).where(events_table.c.id == position).values(state=state.replace(b"secretariat", b"secretariaT", 1)))


def delete_event(engine: Engine, position: int) -> None:
    with engine.begin() as c:
        c.execute(delete(events_table).where(events_table.c.id == position))


def swap_events(engine: Engine, a: int, b: int) -> None:
    with engine.begin() as c:
        c.execute(update(events_table).where(events_table.c.id == a).values(id=-1))
        c.execute(update(events_table).where(events_table.c.id == b).values(id=a))
        c.execute(update(events_table).where(events_table.c.id == -1).values(id=b))


def truncate_from(engine: Engine, position: int) -> None:
    with engine.begin() as c:
        c.execute(delete(events_table).where(events_table.c.id >= position))


def insert_event(engine: Engine, position: int) -> None:
    """Shift every event from ``position`` on by one and put a forged event there."""
    with engine.begin() as c:
        model = c.execute(select(events_table).where(events_table.c.id == position)).mappings().one()
        c.execute(update(events_table).where(events_table.c.id >= position).values(id=events_table.c.id + 1_000_000))
        c.execute(update(events_table).where(events_table.c.id >= 1_000_000).values(id=events_table.c.id - 999_999))
        c.execute(insert(events_table).values(id=position, originator_id=uuid4(), originator_version=1, topic=model["topic"], state=bytes(model["state"])))


# (tampering, first bad position with the chain left as it was, in the database / in an export)
def tamper(kind: str, engine: Engine, head: int) -> tuple[int, int]:
    if kind == "one_byte_changed":
        change_one_byte(engine, 3)
        return 3, 3
    if kind == "event_deleted":
        delete_event(engine, 4)
        return 4, 4
    if kind == "events_swapped":
        swap_events(engine, 2, 6)
        return 2, 2
    if kind == "tail_truncated":
        truncate_from(engine, head - 2)
        return head - 2, head - 2
    if kind == "event_inserted":
        insert_event(engine, 5)
        return 5, 5
    raise AssertionError(kind)


KINDS = ["one_byte_changed", "event_deleted", "events_swapped", "tail_truncated", "event_inserted"]


@pytest.fixture
def signed(services: Services, tmp_path: Path) -> tuple[Flask, int, Path, Path]:
    """A small log, a signing key and a checkpoint signed over it (before any tampering)."""
    head = build_log(services)
    app = make_app(services, tmp_path)
    key = tmp_path / "audit.key"
    assert cli(app, "audit", "keygen", str(key)).exit_code == 0
    cp = tmp_path / "checkpoint.txt"
    result = cli(app, "audit", "checkpoint", "--key", str(key), "--out", str(cp))
    assert result.exit_code == 0, result.output
    return app, head, cp, tmp_path / "audit.key.pub"


# ---------------------------------------------------------------------------- tests
def test_untouched_log_verifies_in_the_database_and_in_an_export(signed: tuple[Flask, int, Path, Path], tmp_path: Path) -> None:
    app, head, cp, pub = signed
    result = cli(app, "audit", "verify", "--checkpoint", str(cp), "--public-key", str(pub))
    export = tmp_path / "log.jsonl"
    exported = cli(app, "audit", "export", str(export))
    standalone = verify_export(export, "--checkpoint", cp, "--public-key", pub)

    assert result.exit_code == 0, result.output
    assert f"{head} events, head position {head}" in result.output
    assert "OK: the chain and the tree verify and every event is covered by a signed checkpoint" in result.output
    assert exported.exit_code == 0
    assert standalone.returncode == 0, standalone.stderr
    assert f"{head} events, head position {head}" in standalone.stdout


@pytest.mark.parametrize("kind", KINDS)
def test_tampering_with_events_only_is_located_by_the_chain_and_the_tree(kind: str, signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    app, head, _, _ = signed
    in_database, in_export = tamper(kind, services.app.engine, head)

    result = cli(app, "audit", "verify")
    export = tmp_path / "log.jsonl"
    exported = cli(app, "audit", "export", str(export))
    standalone = verify_export(export)

    assert result.exit_code == 1
    assert f"TAMPERED: first bad position {in_database}" in result.output
    assert exported.exit_code == 1  # the export is written as stored and says it does not verify
    assert standalone.returncode == 1
    assert f"TAMPERED: first bad position {in_export}" in standalone.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_tampering_with_the_chain_recomputed_is_located_by_the_tree(kind: str, signed: tuple[Flask, int, Path, Path], services: Services) -> None:
    app, head, _, _ = signed
    in_database, _ = tamper(kind, services.app.engine, head)
    recompute_chain(services.app.engine)

    result = cli(app, "audit", "verify")

    assert result.exit_code == 1
    assert f"TAMPERED: first bad position {in_database}" in result.output
    assert "leaf" in result.output


# What a checkpoint of the whole log names once events, chain and tree were all rewritten:
# its last leaf's position when the log still reaches its size, else that events are missing.
REWRITTEN = {"one_byte_changed": "first bad position {head}", "event_deleted": "a checkpoint is not valid",
             "events_swapped": "first bad position {head}", "tail_truncated": "a checkpoint is not valid",
             "event_inserted": "first bad position {head}"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_rewrite_of_events_chain_and_tree_is_exposed_by_a_checkpoint_signed_before(kind: str, signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    app, head, cp, pub = signed
    tamper(kind, services.app.engine, head)
    recompute_chain(services.app.engine)
    recompute_tree(services.app.engine)

    unanchored = cli(app, "audit", "verify")
    result = cli(app, "audit", "verify", "--checkpoint", str(cp), "--public-key", str(pub))
    export = tmp_path / "log.jsonl"
    exported = cli(app, "audit", "export", str(export))
    standalone = verify_export(export, "--checkpoint", cp, "--public-key", pub)

    assert unanchored.exit_code == 3  # self-consistent: only a checkpoint held outside can tell
    assert result.exit_code == 1
    assert "TAMPERED: " + REWRITTEN[kind].format(head=head) in result.output
    assert "checkpoint.txt" in result.output
    assert exported.exit_code == 0
    assert standalone.returncode == 1
    assert "TAMPERED" in standalone.stderr and "checkpoint.txt" in standalone.stderr


def test_a_checkpoint_signed_by_another_key_is_refused(signed: tuple[Flask, int, Path, Path], tmp_path: Path) -> None:
    app, _, cp, _ = signed
    assert cli(app, "audit", "keygen", str(tmp_path / "other.key")).exit_code == 0

    result = cli(app, "audit", "verify", "--checkpoint", str(cp), "--public-key", str(tmp_path / "other.key.pub"))
    standalone_export = tmp_path / "log.jsonl"
    cli(app, "audit", "export", str(standalone_export))
    standalone = verify_export(standalone_export, "--checkpoint", cp, "--public-key", tmp_path / "other.key.pub")

    assert result.exit_code == 1
    assert "the signature does not verify" in result.output
    assert standalone.returncode == 1
    assert "the signature does not verify" in standalone.stderr


def test_events_after_the_last_checkpoint_are_reported_as_an_unanchored_tail(signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    app, head, cp, pub = signed
    services.app.register_organisation(reference="o-2", name="Colectivo", stakeholder_group="academia", country="PE", languages=["es"])

    result = cli(app, "audit", "verify", "--checkpoint", str(cp), "--public-key", str(pub))
    export = tmp_path / "log.jsonl"
    cli(app, "audit", "export", str(export))
    standalone = verify_export(export, "--checkpoint", cp, "--public-key", pub)

    assert result.exit_code == 3
    assert f"UNANCHORED: the chain verifies, but 1 event(s) from position {head + 1} on are after the last signed checkpoint" in result.output
    assert standalone.returncode == 3
    assert f"1 event(s) from position {head + 1} on" in standalone.stderr


def test_an_edited_checkpoint_is_refused(signed: tuple[Flask, int, Path, Path], tmp_path: Path) -> None:
    app, head, cp, pub = signed
    forged = tmp_path / "forged.txt"
    forged.write_text(cp.read_text("utf-8").replace(f"\n{head}\n", f"\n{head - 1}\n", 1), "utf-8")

    result = cli(app, "audit", "verify", "--checkpoint", str(forged), "--public-key", str(pub))
    standalone = verify_export(tmp_path / "missing.jsonl", "--checkpoint", forged, "--public-key", pub)

    assert result.exit_code == 1
    assert "checkpoint forged.txt: no given key" in result.output
    assert "the signature does not verify" in result.output
    assert standalone.returncode == 2


def test_a_chain_checkpoint_of_an_earlier_release_still_verifies(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    app = make_app(services, tmp_path)
    key = Ed25519PrivateKey.generate()
    report = verify_log(services.app.engine)
    old = Checkpoint.sign(key, count=report.count, head_position=report.head_position, head_hash=report.head_hash, time=datetime(2026, 1, 5, tzinfo=UTC))
    (tmp_path / "old.txt").write_text(old.to_text(), "utf-8")
    (tmp_path / "old.pub").write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    export = tmp_path / "log.jsonl"
    cli(app, "audit", "export", str(export))

    result = cli(app, "audit", "verify", "--checkpoint", str(tmp_path / "old.txt"), "--public-key", str(tmp_path / "old.pub"))
    standalone = verify_export(export, "--checkpoint", tmp_path / "old.txt", "--public-key", tmp_path / "old.pub")

    assert result.exit_code == 0, result.output
    assert f"(position {head}, count {head}" in result.output
    assert standalone.returncode == 0, standalone.stderr


def change_node(engine: Engine, level: int, idx: int) -> None:
    with engine.begin() as c:
        c.execute(update(tree_nodes).where(tree_nodes.c.level == level, tree_nodes.c.idx == idx).values(hash="00" * 31 + "aa"))


def test_a_changed_interior_node_of_the_tree_is_named_and_no_checkpoint_is_signed_over_it(signed: tuple[Flask, int, Path, Path], services: Services, tmp_path: Path) -> None:
    # Level 1, index 1 (leaves 2 and 3) is on no root's path of the whole tree (9 leaves):
    # only the inclusion proofs of leaves 0 and 1 go through it.
    app, _, cp, pub = signed
    change_node(services.app.engine, 1, 1)

    result = cli(app, "audit", "verify", "--checkpoint", str(cp), "--public-key", str(pub))
    signing = cli(app, "audit", "checkpoint", "--key", str(tmp_path / "audit.key"))

    assert result.exit_code == 1
    assert "TAMPERED: leaf 2: the stored node at level 1, index 1 (leaves 2 to 3) is not the hash of its children" in result.output
    assert signing.exit_code == 1 and "no checkpoint signed" in signing.output

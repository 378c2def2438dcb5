"""Refusals of the audit commands: nothing is signed, overwritten or imported by mistake."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from application.audit import events_table
from application.bootstrap import Services
from tests.integration.test_audit_tamper import build_log, cli, make_app, recompute_chain


def test_a_broken_chain_is_never_signed(services: Services, tmp_path: Path) -> None:
    build_log(services)
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))
    with services.app.engine.begin() as c:
        c.execute(update(events_table).where(events_table.c.id == 2).values(topic="domain.x:X.Y"))

    result = app.test_cli_runner().invoke(args=["audit", "checkpoint", "--key", str(tmp_path / "k"), "--out", str(tmp_path / "cp")])

    assert result.exit_code == 1
    assert "no checkpoint signed" in result.output
    assert not (tmp_path / "cp").exists()


def test_checkpoint_reads_the_key_file_from_the_environment(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))

    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"], env={"DIALOGUE_AUDIT_KEY_FILE": str(tmp_path / "k")})

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"127.0.0.1:5000/log\n{head}\n")


def test_checkpoint_without_a_key_says_how_to_get_one(services: Services, tmp_path: Path) -> None:
    build_log(services)
    result = make_app(services, tmp_path).test_cli_runner().invoke(args=["audit", "checkpoint"], env={"DIALOGUE_AUDIT_KEY_FILE": ""})
    assert result.exit_code == 2
    assert "dialogue audit keygen FILE" in result.output


def test_a_checkpoint_file_is_never_overwritten(services: Services, tmp_path: Path) -> None:
    build_log(services)
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))
    (tmp_path / "cp").write_text("kept", "utf-8")

    result = app.test_cli_runner().invoke(args=["audit", "checkpoint", "--key", str(tmp_path / "k"), "--out", str(tmp_path / "cp")])

    assert result.exit_code == 1
    assert (tmp_path / "cp").read_text("utf-8") == "kept"


def test_a_signing_key_is_never_overwritten(services: Services, tmp_path: Path) -> None:
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))
    before = (tmp_path / "k").read_bytes()

    result = app.test_cli_runner().invoke(args=["audit", "keygen", str(tmp_path / "k")])

    assert result.exit_code == 1
    assert (tmp_path / "k").read_bytes() == before
    assert oct((tmp_path / "k").stat().st_mode & 0o777) == "0o600"


def test_a_checkpoint_without_a_public_key_is_a_usage_error(services: Services, tmp_path: Path) -> None:
    build_log(services)
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))
    cli(app, "audit", "checkpoint", "--key", str(tmp_path / "k"), "--out", str(tmp_path / "cp"))

    result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(tmp_path / "cp")])

    assert result.exit_code == 2
    assert "--public-key" in result.output


def test_import_refuses_an_export_that_contradicts_a_checkpoint(services: Services, tmp_path: Path, master_key: str) -> None:
    build_log(services)
    app = make_app(services, tmp_path)
    cli(app, "audit", "keygen", str(tmp_path / "k"))
    cli(app, "audit", "checkpoint", "--key", str(tmp_path / "k"), "--out", str(tmp_path / "cp"))
    with services.app.engine.begin() as c:
        c.execute(update(events_table).where(events_table.c.id == 3).values(topic="domain.x:X.Y"))
    recompute_chain(services.app.engine)
    assert cli(app, "audit", "export", str(tmp_path / "log.jsonl")).exit_code == 0
    from web import create_app

    target = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'target.sqlite'}", "DIALOGUE_MASTER_KEY": master_key, "SECRET_KEY": "test-secret-key-0123456789abcdef"})

    result = target.test_cli_runner().invoke(args=["import", str(tmp_path / "log.jsonl"), "--checkpoint", str(tmp_path / "cp"), "--public-key", str(tmp_path / "k.pub")])
    plain = target.test_cli_runner().invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "does not match the signed checkpoint cp" in result.output
    assert "0 events" in plain.output


def test_verify_on_a_database_without_an_event_log_says_so(tmp_path: Path, master_key: str) -> None:
    from web import create_app

    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "DIALOGUE_MASTER_KEY": master_key, "SECRET_KEY": "test-secret-key-0123456789abcdef"})

    result = app.test_cli_runner().invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "dialogue db init" in result.output

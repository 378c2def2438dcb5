"""The CloudEvents export: parses with the cloudevents SDK, holds the exact stored bytes,
carries no decrypted personal data (issue 5, "Verification")."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

from cloudevents.core.formats.json import JSONFormat

from application.bootstrap import Services
from tests.integration.test_audit_tamper import build_log, cli, make_app, rows


def export(services: Services, tmp_path: Path) -> list[str]:
    path = tmp_path / "log.jsonl"
    result = cli(make_app(services, tmp_path), "audit", "export", str(path))
    assert result.exit_code == 0, result.output
    return path.read_text("utf-8").splitlines()


def test_every_line_parses_with_the_cloudevents_sdk(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    lines = export(services, tmp_path)

    events = [JSONFormat().read(None, line) for line in lines]

    assert len(events) == head
    assert {e.get_specversion() for e in events} == {"1.0"}
    assert [e.get_extension("position") for e in events] == list(range(1, head + 1))
    assert events[0].get_type() == "dialogue.WorkingTable.Registered"
    assert events[0].get_extension("topic") == "domain.working_table:WorkingTable.Registered"
    assert events[0].get_subject() == events[0].get_extension("originatorid")
    recorded = events[0].get_time()
    assert recorded is not None and recorded.utcoffset() == timedelta(0)
    assert all(len(e.get_extension("chainhash")) == 64 for e in events)


def test_data_is_the_exact_stored_bytes(services: Services, tmp_path: Path) -> None:
    build_log(services)
    lines = export(services, tmp_path)

    stored = {r["id"]: bytes(r["state"]) for r in rows(services.app.engine)}
    exported = {json.loads(line)["position"]: base64.b64decode(json.loads(line)["data_base64"]) for line in lines}
    sdk = {JSONFormat().read(None, line).get_extension("position"): JSONFormat().read(None, line).get_data() for line in lines}

    assert exported == stored
    assert sdk == stored


def test_the_export_carries_no_decrypted_personal_data(services: Services, tmp_path: Path) -> None:
    build_log(services)
    lines = export(services, tmp_path)

    text = "\n".join(lines)
    decoded = b"\n".join(base64.b64decode(json.loads(line)["data_base64"]) for line in lines).decode("utf-8")

    for name in ("Ana Pérez", "João Silva", "Marie Joseph"):
        assert name not in text
        assert name not in decoded
        assert json.dumps(name)[1:-1] not in decoded  # nor JSON-escaped
    assert '"personal":' in decoded  # the encrypted field, as stored


def test_export_to_standard_output(services: Services, tmp_path: Path) -> None:
    head = build_log(services)
    result = make_app(services, tmp_path).test_cli_runner().invoke(args=["audit", "export", "-"])
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert result.exit_code == 0
    assert len(lines) == head

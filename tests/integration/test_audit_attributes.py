"""What auditors read is checked (issue 11, item 3): every exported attribute is re-derived
from the hashed data by the standalone verifier, an empty export or log is refused, and the
exit statuses say which case it is (0 verified and anchored, 1 tampered, 2 usage, 3
unanchored tail, 4 empty)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from application.bootstrap import Services
from tests.integration.test_audit_tamper import build_log, cli, make_app, verify_export
from web import create_app


def exported(services: Services, tmp_path: Path) -> list[dict[str, object]]:
    build_log(services)
    path = tmp_path / "log.jsonl"
    assert cli(make_app(services, tmp_path), "audit", "export", str(path)).exit_code == 0
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    return path


@pytest.mark.parametrize(("attribute", "value"), [
    ("type", "dialogue.Proposal.Rejected"), ("time", "2020-01-01T00:00:00Z"), ("subject", "00000000-0000-0000-0000-000000000000"),
    ("id", "00000000-0000-0000-0000-000000000000/1"), ("source", "urn:elsewhere"), ("datacontenttype", "text/plain"),
])
def test_an_exported_attribute_that_the_hashed_data_contradicts_is_tampering(attribute: str, value: str, services: Services, tmp_path: Path) -> None:
    lines = exported(services, tmp_path)
    lines[2][attribute] = value

    result = verify_export(write(tmp_path, lines))

    assert result.returncode == 1
    assert f"TAMPERED: first bad position {lines[2]['position']}" in result.stderr
    assert f"the exported {attribute} is {value!r}" in result.stderr


def test_a_forged_data_attribute_beside_data_base64_is_tampering(services: Services, tmp_path: Path) -> None:
    lines = exported(services, tmp_path)
    lines[2]["data"] = {"forged": "yes"}  # CloudEvents forbids data beside data_base64

    result = verify_export(write(tmp_path, lines))

    assert result.returncode == 1
    assert f"TAMPERED: first bad position {lines[2]['position']}" in result.stderr
    assert "the attribute 'data' is not one the export writes" in result.stderr


def test_a_key_given_twice_in_a_line_is_tampering_even_when_the_last_value_is_true(services: Services, tmp_path: Path) -> None:
    lines = exported(services, tmp_path)
    path = write(tmp_path, lines)
    text = path.read_text("utf-8").splitlines(keepends=True)
    text[2] = text[2].replace('"data_base64": ', '"data_base64": "eyJ4IjoxfQ==", "data_base64": ', 1)  # a forged first value, Python keeps the last
    path.write_text("".join(text), "utf-8")

    result = verify_export(path)

    assert result.returncode == 1
    assert f"TAMPERED: first bad position {lines[2]['position']}" in result.stderr
    assert "the attribute 'data_base64' appears more than once" in result.stderr


def test_an_untouched_export_without_a_checkpoint_is_an_unanchored_tail(services: Services, tmp_path: Path) -> None:
    lines = exported(services, tmp_path)

    result = verify_export(write(tmp_path, lines))

    assert result.returncode == 3
    assert f"UNANCHORED: the chain verifies, but {len(lines)} event(s) from position 1 on" in result.stderr


def test_an_empty_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("", "utf-8")
    result = verify_export(tmp_path / "empty.jsonl")
    assert result.returncode == 4
    assert "EMPTY" in result.stderr


def test_an_empty_log_is_refused(services: Services, tmp_path: Path) -> None:
    result = cli(make_app(services, tmp_path), "audit", "verify")
    assert result.exit_code == 4
    assert "EMPTY: the log holds no event" in result.output


def test_bad_arguments_are_a_usage_error(tmp_path: Path) -> None:
    assert verify_export().returncode == 2
    assert verify_export(tmp_path / "nothing.jsonl").returncode == 2


def test_import_refuses_an_export_whose_attributes_the_hashed_data_contradicts(services: Services, tmp_path: Path, master_key: str) -> None:
    lines = exported(services, tmp_path)
    lines[1]["type"] = "dialogue.Proposal.Adopted"
    target = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'target.sqlite'}", "DIALOGUE_MASTER_KEY": master_key, "SECRET_KEY": "test-secret-key-0123456789abcdef"})

    result = target.test_cli_runner().invoke(args=["import", str(write(tmp_path, lines))])

    assert result.exit_code == 1
    assert f"position {lines[1]['position']}): the exported type is 'dialogue.Proposal.Adopted'" in result.output

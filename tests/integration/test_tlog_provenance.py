"""A published recommendation's page and its PDF carry its leaf index in the transparency
log, the signed checkpoint that includes it and the address of its inclusion proof, and
that proof verifies against the checkpoint (issue 16, "Proofs"; the provenance seam of
``docs/open-data.md``)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from application.bootstrap import Services
from application.open_data.document import provenance
from application.tlog import proofs
from application.tlog.checkpoint import open_checkpoint
from application.tlog.keyfiles import write_key_pair
from application.tlog.signing import sign_checkpoint
from projections import proposals as proposal_views
from tests.e2e.web_support import make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def published(loaded: Services) -> str:
    return str(next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == "prop-rt1-01")["id"])


def test_before_any_checkpoint_the_page_gives_the_leaf_and_a_proof_in_the_whole_tree(app: Flask, loaded: Services) -> None:
    pid = published(loaded)
    where = provenance(loaded.app.engine, pid)
    assert where is not None and where["leaf_index"] is not None

    page = app.test_client().get(f"/proposals/{pid}?lang=en").get_data(as_text=True)

    assert where["checkpoint"] is None
    assert f"<dt>Leaf index</dt><dd>{where['leaf_index']}</dd>" in page
    assert "not yet in a signed checkpoint" in page
    assert f"/audit/proof/inclusion?index={where['leaf_index']}&amp;size=" in page


def test_the_page_and_the_pdf_carry_the_checkpoint_and_a_proof_that_verifies(app: Flask, loaded: Services, tmp_path: Path) -> None:
    pid = published(loaded)
    signer = write_key_pair(tmp_path / "log.key", "127.0.0.1:5000/log")
    cp = sign_checkpoint(loaded.app.engine, signer)
    where = provenance(loaded.app.engine, pid)
    assert where is not None
    client = app.test_client()

    page = client.get(f"/proposals/{pid}?lang=en").get_data(as_text=True)
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(f"/recommendations/{pid}.pdf?lang=en").data)).pages)
    proof = client.get(str(where["proof_url"])).get_json()

    assert where["checkpoint"]["size"] == cp.head.size
    assert f"tree size {cp.head.size}" in page and f"tree size {cp.head.size}" in pdf
    assert "Leaf index" in pdf and str(where["leaf_index"]) in pdf
    assert f"inclusion?index={where['leaf_index']}&size={cp.head.size}" in re.sub(r"\s+", "", pdf)
    head, _ = open_checkpoint(client.get("/audit/checkpoint").get_data(), signer.verifier)
    fields = proofs.check_inclusion(proof, head)
    assert fields["position"] == str(where["position"])
    assert fields["topic"].endswith(":Proposal.PublishedToGovernments")


def _root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162, 2.1.3.2, with hashlib only (what an outsider's script does)."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


def test_the_public_proves_a_recommendations_text_with_the_documented_steps(app: Flask, loaded: Services, tmp_path: Path) -> None:
    # docs/audit.md, 3c: the checkpoint, the inclusion proof of the Drafted event's leaf, then
    # step 6: the stored bytes from /audit/log.json hash to the entry's data-sha256.
    pid = published(loaded)
    sign_checkpoint(loaded.app.engine, write_key_pair(tmp_path / "log.key", "127.0.0.1:5000/log"))
    client = app.test_client()  # no one signed in: the public
    cp = client.get("/audit/checkpoint").get_data(as_text=True).split("\n")
    size, root = int(cp[1]), base64.b64decode(cp[2])
    drafted = client.get(f"/audit/aggregates/{pid}.json").get_json()["history"]["events"][0]
    leaf = client.get(f"/audit/leaf?position={drafted['position']}").get_json()
    proof = client.get(f"/audit/proof/inclusion?index={leaf['index']}&size={size}").get_json()
    entry = base64.b64decode(proof["entry"])
    leaf_hash = hashlib.sha256(b"\x00" + entry).digest()
    assert leaf_hash == base64.b64decode(proof["leaf_hash"])
    assert _root_from_path(leaf_hash, proof["index"], size, [base64.b64decode(h) for h in proof["proof"]]) == root

    page = client.get(f"/audit/log.json?after={drafted['position'] - 1}&limit=1").get_json()
    stored = base64.b64decode(page["entries"][0]["stored"])

    data_sha256 = entry.decode().splitlines()[-1].removeprefix("data-sha256: ")
    assert drafted["type"] == "Drafted" and hashlib.sha256(stored).hexdigest() == data_sha256
    assert json.loads(stored)["recommendation"] == drafted["data"]["recommendation"]


def test_the_public_gets_no_stored_bytes_of_an_event_with_personal_data(app: Flask) -> None:
    entries = app.test_client().get("/audit/log.json?limit=500").get_json()["entries"]

    registered = [e for e in entries if e["type"] == "Participant.Registered"]
    positions = [e for e in entries if e["type"] == "TableDeliberation.PositionRecorded"]
    assert registered and positions
    assert all("stored" not in e for e in registered + positions)

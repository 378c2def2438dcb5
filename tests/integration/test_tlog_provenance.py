"""A published recommendation's page and its PDF carry its leaf index in the transparency
log, the signed checkpoint that includes it and the address of its inclusion proof, and
that proof verifies against the checkpoint (issue 16, "Proofs"; the provenance seam of
``docs/open-data.md``)."""

from __future__ import annotations

import io
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

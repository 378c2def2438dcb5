"""Auditors replay history (issue 5; docs/design.md, "Auditors replay history").

- :mod:`application.audit.log`: the log as stored (events joined with chain rows);
- :mod:`application.audit.verify`: the chain recomputed, signed checkpoints;
- :mod:`application.audit.incremental`: the web's verification, from the last verified head;
- :mod:`application.audit.history`: aggregate histories, state at a point, text diffs;
- :mod:`application.export`: the CloudEvents export and the restore (``dialogue import``).

``docs/audit.md`` documents the chain, the checkpoint format and the threat model.
"""

from __future__ import annotations

from application.audit.history import AuditReader, word_diff
from application.audit.incremental import IncrementalVerifier
from application.audit.log import LogRecord, events_table, has_log, last_position_at, read_log
from application.audit.verify import (
    ChainVerifier,
    Checkpoint,
    CheckpointError,
    VerificationReport,
    generate_signing_key,
    load_public_key,
    load_signing_key,
    make_checkpoint,
    verify_log,
)

__all__ = [
    "AuditReader", "ChainVerifier", "IncrementalVerifier", "Checkpoint", "CheckpointError", "LogRecord", "VerificationReport",
    "events_table", "generate_signing_key", "has_log", "last_position_at", "load_public_key",
    "load_signing_key", "make_checkpoint", "read_log", "verify_log", "word_diff",
]

"""The web's chain verification (``/audit/verify``): incremental and cached by head.

Recomputing the whole chain on every request costs a read of the whole log. Instead, each
process remembers the last head it verified (position, hash, count) per database and, on
the next request, recomputes the chain only from there: the stored chain must continue
from that verified hash. A report is cached by the stored head it was made for (position
and hash): while nothing is written, a request reads one row. A head that does not verify
is never remembered, so the next request checks again from the last good one.

What this does not redo is the check of events before the remembered head: a change to an
old event (with its chain row left alone) shows in ``dialogue audit verify``, which
recomputes everything, and against signed checkpoints.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Engine, select

from application.audit.log import read_log
from application.audit.verify import ChainVerifier, VerificationReport
from application.tables import chain_table


@dataclass(frozen=True)
class VerifiedHead:
    """A chain head this process recomputed and found equal to the stored chain."""

    position: int
    hash: str
    count: int


class IncrementalVerifier:
    """Per process: the last verified head and the last report, for each database URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._verified: dict[str, VerifiedHead] = {}
        self._reports: dict[str, tuple[tuple[int, str], VerificationReport]] = {}

    @staticmethod
    def stored_head(engine: Engine) -> tuple[int, str]:
        """The stored chain's last ``(position, hash)``; ``(0, "")`` for an empty chain."""
        with engine.connect() as c:
            row = c.execute(select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)).first()
        return (int(row[0]), str(row[1])) if row else (0, "")

    def verify(self, engine: Engine) -> VerificationReport:
        """The chain verified from the last verified head (from the start the first time)."""
        key = engine.url.render_as_string(hide_password=True)
        head = self.stored_head(engine)
        with self._lock:
            cached = self._reports.get(key)
            if cached is not None and cached[0] == head:
                return cached[1]
            start = self._verified.get(key)
        verifier = ChainVerifier()
        if start is not None:
            verifier.previous, verifier.count, verifier.last_position = bytes.fromhex(start.hash), start.count, start.position
        for record in read_log(engine, after=start.position if start else 0):
            verifier.add(record)
        report = verifier.finish()
        with self._lock:
            if report.ok:
                self._verified[key] = VerifiedHead(report.head_position, report.head_hash, report.count)
                self._reports[key] = (head, report)
        return report

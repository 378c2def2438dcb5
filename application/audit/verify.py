"""The hash chain recomputed from the stored events, and signed checkpoints of its head.

:func:`verify_log` recomputes the chain (:mod:`application.chain`) from ``dialogue_events``
in position order (gaps allowed) and compares it with the stored ``dialogue_chain`` rows
and with signed :class:`Checkpoint` s. The chain alone catches a change made to the
events only; a checkpoint held outside the database is what catches a database
administrator who rewrote both the events and the chain (``docs/audit.md``).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine

from application.audit.log import LogRecord, read_log
from application.chain import GENESIS, link
from application.files import write_private
from domain.errors import InvalidInputError

CHECKPOINT_FORMAT = "dialogue-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint file or key file that cannot be read (format, not tampering)."""


def _utc_text(t: datetime) -> str:
    return t.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement of the chain's head: (count, head position, head hash, UTC time).

    The signed message is exactly the UTF-8 bytes of the five lines returned by
    :meth:`message` (``docs/audit.md``, "Checkpoints"). ``public_key`` (raw 32 bytes,
    base64) names the signer; trust comes from the public key files given to verify.
    """

    count: int
    head_position: int
    head_hash: str
    time: datetime
    public_key: str = ""
    signature: str = ""

    def message(self) -> bytes:
        return (
            f"{CHECKPOINT_FORMAT}\ncount: {self.count}\nhead-position: {self.head_position}\n"
            f"head-hash: {self.head_hash}\ntime: {_utc_text(self.time)}\n"
        ).encode()

    def to_text(self) -> str:
        return (
            "# Checkpoint of the dialogue service's event log (see docs/audit.md).\n"
            + self.message().decode("utf-8")
            + f"public-key: {self.public_key}\nsignature: {self.signature}\n"
        )

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint file.

        Raises:
            CheckpointError: not a checkpoint of this format.
        """
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if not lines or lines[0] != CHECKPOINT_FORMAT:
            raise CheckpointError(f"not a checkpoint: the first line must be {CHECKPOINT_FORMAT!r}")
        fields: dict[str, str] = {}
        for ln in lines[1:]:
            name, sep, value = ln.partition(":")
            if not sep:
                raise CheckpointError(f"not a checkpoint line: {ln!r}")
            fields[name.strip()] = value.strip()
        missing = [f for f in ("count", "head-position", "head-hash", "time", "signature") if f not in fields]
        if missing:
            raise CheckpointError(f"checkpoint lacks {', '.join(missing)}")
        try:
            t = datetime.fromisoformat(fields["time"].replace("Z", "+00:00"))
            cp = cls(
                count=int(fields["count"]), head_position=int(fields["head-position"]),
                head_hash=fields["head-hash"].lower(), time=t if t.tzinfo else t.replace(tzinfo=UTC),
                public_key=fields.get("public-key", ""), signature=fields["signature"],
            )
        except ValueError as e:
            raise CheckpointError(f"checkpoint has a malformed value: {e}") from e
        if not re.fullmatch(r"[0-9a-f]{64}", cp.head_hash):
            raise CheckpointError("checkpoint head-hash is not 64 hex digits")
        return cp

    @classmethod
    def sign(cls, key: Ed25519PrivateKey, *, count: int, head_position: int, head_hash: str, time: datetime) -> Checkpoint:
        unsigned = cls(count=count, head_position=head_position, head_hash=head_hash, time=time.astimezone(UTC).replace(microsecond=0))
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        signature = key.sign(unsigned.message())
        return cls(
            count=count, head_position=head_position, head_hash=head_hash, time=unsigned.time,
            public_key=base64.b64encode(raw).decode(), signature=base64.b64encode(signature).decode(),
        )

    def signed_by(self, public_keys: Sequence[bytes]) -> bool:
        """Whether the signature verifies under one of ``public_keys`` (raw 32 bytes each)."""
        try:
            signature = base64.b64decode(self.signature, validate=True)
        except ValueError:
            return False
        for raw in public_keys:
            try:
                Ed25519PublicKey.from_public_bytes(raw).verify(signature, self.message())
                return True
            except (InvalidSignature, ValueError):
                continue
        return False


def generate_signing_key(path: Path) -> str:
    """Create an Ed25519 key: ``path`` (PKCS#8 PEM, mode 0600) and ``path.pub`` (PEM).

    Returns the public key as PEM text. Keep the private key outside the database host.

    Raises:
        CheckpointError: ``path`` or ``path.pub`` exists (a key is never overwritten).
    """
    pub_path = path.with_name(path.name + ".pub")
    for p in (path, pub_path):
        if p.exists():
            raise CheckpointError(f"{p.name} exists; a signing key is never overwritten")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    write_private(path, private_pem, exclusive=True)
    pub_path.write_bytes(public_pem)
    return public_pem.decode("ascii")


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """Read a private key written by :func:`generate_signing_key`.

    Raises:
        CheckpointError: unreadable or not an Ed25519 private key.
    """
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as e:
        raise CheckpointError(f"cannot read the signing key {path.name}: {e}") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path.name} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> bytes:
    """A public key file: PEM (``-----BEGIN PUBLIC KEY-----``), or the raw 32 bytes as
    one line of base64 or hex. Returns the raw 32 bytes.

    Raises:
        CheckpointError: unreadable or not an Ed25519 public key.
    """
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise CheckpointError(f"cannot read the public key {path.name}: {e}") from e
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as e:
            raise CheckpointError(f"{path.name} is not a PEM public key") from e
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointError(f"{path.name} is not an Ed25519 public key")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    raw: bytes | None = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raw = bytes.fromhex(text)
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except ValueError:
            raw = None
    if raw is None or len(raw) != 32:
        raise CheckpointError(f"{path.name} is not an Ed25519 public key (PEM, or 32 bytes in base64 or hex)")
    return raw



@dataclass(frozen=True)
class Problem:
    """One finding of a verification: the position it is about (None: not about one) and why."""

    position: int | None
    message: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.message}" if self.position is not None else self.message


@dataclass
class CheckpointResult:
    checkpoint: Checkpoint
    name: str
    ok: bool | None = None
    message: str = ""


@dataclass
class VerificationReport:
    """What :class:`ChainVerifier` found: recomputed head, problems, checkpoint results."""

    count: int
    head_position: int
    head_hash: str
    problems: list[Problem]
    checkpoints: list[CheckpointResult]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_position(self) -> int | None:
        positions = [p.position for p in self.problems if p.position is not None]
        return min(positions) if positions else None

    @property
    def unchecked_after_checkpoint(self) -> tuple[int, int]:
        """(position of the last good checkpoint's head or 0, events after it): the window
        the chain alone covers, which no signature protects yet."""
        good = [r.checkpoint for r in self.checkpoints if r.ok]
        head = max((c.head_position for c in good), default=0)
        covered = max((c.count for c in good if c.head_position == head), default=0)
        return head, self.count - covered

    def lines(self) -> list[str]:
        out = [f"{self.count} events, head position {self.head_position}, head hash {self.head_hash}"]
        for r in self.checkpoints:
            state = "ok" if r.ok else "FAILED"
            out.append(f"checkpoint {r.name} (position {r.checkpoint.head_position}, count {r.checkpoint.count}, {_utc_text(r.checkpoint.time)}): {state}{': ' + r.message if r.message else ''}")
        if self.checkpoints:
            head, n = self.unchecked_after_checkpoint
            out.append(f"{n} event(s) after position {head} are covered by the chain only (no checkpoint yet)")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "count": self.count, "head_position": self.head_position, "head_hash": self.head_hash,
            "first_bad_position": self.first_bad_position,
            "problems": [{"position": p.position, "message": p.message} for p in self.problems],
            "checkpoints": [
                {"name": r.name, "ok": bool(r.ok), "message": r.message, "count": r.checkpoint.count,
                 "head_position": r.checkpoint.head_position, "head_hash": r.checkpoint.head_hash,
                 "time": _utc_text(r.checkpoint.time)}
                for r in self.checkpoints
            ],
        }


class ChainVerifier:
    """Recomputes the chain over records fed in position order and checks checkpoints.

    Feed every :class:`LogRecord` with :meth:`add`, then call :meth:`finish`. A record
    whose stored chain hash differs from the recomputed one, an event without a chain
    row, a chain row without an event and a position out of order are problems; a
    checkpoint whose head position is missing, or whose count or head hash differs from
    the recomputed chain at that position, is a problem at its head position.
    Signatures are checked by the caller (:func:`check_signatures`).
    """

    def __init__(self, checkpoints: Sequence[CheckpointResult] = ()) -> None:
        self.previous = GENESIS
        self.count = 0
        self.last_position = 0
        self.problems: list[Problem] = []
        self.results = list(checkpoints)
        self._pending = sorted((r for r in self.results if r.ok is not False), key=lambda r: r.checkpoint.head_position)

    def _problem(self, position: int | None, message: str) -> None:
        self.problems.append(Problem(position, message))

    def _check_passed(self, upto: int | None) -> None:
        """Settle the checkpoints whose head position lies before ``upto`` (None: all)."""
        while self._pending and (upto is None or self._pending[0].checkpoint.head_position < upto):
            r = self._pending.pop(0)
            cp = r.checkpoint
            if cp.head_position == 0 and cp.count == 0 and cp.head_hash == GENESIS.hex():
                r.ok, r.message = True, "empty log"
                continue
            where = f"the log ends at position {self.last_position}" if upto is None else f"the log goes from position {self.last_position} to {upto}"
            r.ok, r.message = False, f"position {cp.head_position} is missing ({where})"
            self._problem(cp.head_position, f"the signed checkpoint {r.name} covers position {cp.head_position}, which is missing: {where}; events were removed")

    def add(self, rec: LogRecord) -> None:
        if rec.position <= self.last_position:
            self._problem(rec.position, f"out of order: after position {self.last_position}")
            return
        self._check_passed(rec.position)
        if not rec.has_event:
            self._problem(rec.position, "the chain has a row here but the event is missing (removed)")
            return
        assert rec.state is not None and rec.originator_id is not None and rec.originator_version is not None
        good = self.last_position
        self.previous = link(self.previous, rec.position, rec.originator_id, rec.originator_version, rec.topic or "", rec.state)
        self.count += 1
        self.last_position = rec.position
        if rec.chain_hash is None:
            self._problem(rec.position, "the event has no chain row (inserted outside the recorder?)")
        elif rec.chain_hash.lower() != self.previous.hex():
            self._problem(rec.position, f"the recomputed hash differs from the stored one: this event, or one before it after position {good}, was changed, inserted, removed or moved")
        while self._pending and self._pending[0].checkpoint.head_position == rec.position:
            r = self._pending.pop(0)
            cp = r.checkpoint
            if cp.count != self.count:
                r.ok, r.message = False, f"it counts {cp.count} events up to position {rec.position}; the log has {self.count}"
            elif cp.head_hash != self.previous.hex():
                r.ok, r.message = False, f"the hash at position {rec.position} is not the signed one"
            else:
                r.ok = True
            if not r.ok:
                self._problem(rec.position, f"the signed checkpoint {r.name} does not match: {r.message}; an event at or before position {rec.position} was changed, inserted, removed or moved since it was signed")

    def finish(self) -> VerificationReport:
        self._check_passed(None)
        return VerificationReport(
            count=self.count, head_position=self.last_position, head_hash=self.previous.hex(),
            problems=sorted(self.problems, key=lambda p: (p.position is None, p.position or 0)), checkpoints=self.results,
        )


def check_signatures(checkpoints: Iterable[tuple[str, Checkpoint]], public_keys: Sequence[bytes]) -> tuple[list[CheckpointResult], list[Problem]]:
    """Checkpoint results with a bad signature already failed, and a problem for each."""
    results, problems = [], []
    for name, cp in checkpoints:
        r = CheckpointResult(checkpoint=cp, name=name)
        if not cp.signed_by(public_keys):
            r.ok, r.message = False, "the signature does not verify with the given public key(s)"
            problems.append(Problem(None, f"checkpoint {name}: {r.message}"))
        results.append(r)
    return results, problems


def verify_log(engine: Engine, checkpoints: Sequence[tuple[str, Checkpoint]] = (), public_keys: Sequence[bytes] = ()) -> VerificationReport:
    """Recompute the chain from ``dialogue_events`` and compare it with ``dialogue_chain``
    and with the checkpoints (named, e.g. by file name); no key is needed but the
    public keys the checkpoints must be signed with."""
    results, bad_signatures = check_signatures(checkpoints, public_keys)
    verifier = ChainVerifier(results)
    for rec in read_log(engine):
        verifier.add(rec)
    report = verifier.finish()
    report.problems.extend(bad_signatures)
    return report


def make_checkpoint(engine: Engine, key: Ed25519PrivateKey, *, now: datetime | None = None) -> Checkpoint:
    """Verify the chain, then sign its recomputed head.

    Raises:
        InvalidInputError: ``chain_broken`` when the log does not verify (a broken chain
        is never signed: that would vouch for tampering).
    """
    report = verify_log(engine)
    if not report.ok:
        raise InvalidInputError(f"The chain does not verify ({report.problems[0]}); no checkpoint signed.", code="chain_broken")
    return Checkpoint.sign(key, count=report.count, head_position=report.head_position, head_hash=report.head_hash, time=now or datetime.now(UTC))

#!/usr/bin/env python3
"""Verify the dialogue service's event log, with the standard library only.

Usage::

    python3 verify_export.py EXPORT.jsonl [--checkpoint FILE]... [--public-key FILE]...
    python3 verify_export.py --inclusion PROOF.json --checkpoint FILE --public-key FILE
    python3 verify_export.py --consistency PROOF.json --checkpoint OLD --checkpoint NEW --public-key FILE

An export (JSON Lines of CloudEvents 1.0, the stored state bytes in ``data_base64``):
recomputes the hash chain and compares it with each line's ``chainhash``; re-derives every
exported attribute (``id``, ``source``, ``type``, ``time``, ``subject``,
``datacontenttype``) from the hashed data and refuses any that differs, any attribute the
export does not write (``data`` beside ``data_base64``) and any key given twice in a line; recomputes the
transparency log's Merkle tree (RFC 9162) and checks each signed checkpoint against it:
C2SP ``tlog-checkpoint`` notes signed with a verifier key ``<name>+<key id>+<key>``, or the
``dialogue-checkpoint/1`` files of earlier releases with their Ed25519 public keys.

A proof (the JSON of ``/audit/proof/inclusion`` or ``/audit/proof/consistency``): checks it
against the signed checkpoint(s), and for an inclusion proof that its leaf hash is the hash
of the entry it carries.

Exit status: 0 verified (and, for an export, every event covered by a signed checkpoint);
1 tampered (the first bad position is named) or a proof that fails; 2 unusable input; 3
verified, but events after the last signed checkpoint are covered by the chain only (the
unanchored tail); 4 an empty export.

The formats are documented in the project's docs/audit.md.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# ---------------------------------------------------------------------------- Ed25519 (RFC 8032, 5.1.7)
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(p: Point, q: Point) -> Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, p: Point) -> Point:
    q: Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _same(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _decompress(s: bytes) -> Point | None:
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 verification: ``[S]B == R + [SHA-512(R || A || M)]A``."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _same(_mul(s, _G), _add(r, _mul(h, a)))


# ---------------------------------------------------------------------------- chain
GENESIS = bytes(32)


def _lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def link(previous: bytes, position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    h = hashlib.sha256(previous)
    h.update(struct.pack(">Q", position))
    h.update(_lp(originator_id.encode("utf-8")))
    h.update(_lp(str(version).encode("ascii")))
    h.update(_lp(topic.encode("utf-8")))
    h.update(_lp(state))
    return h.digest()


# ---------------------------------------------------------------------------- the tree (RFC 9162, 2.1)
def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The root of a growing tree from the complete subtrees on its right edge."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[bytes] = []

    def append(self, h: bytes) -> None:
        n = self.size
        while n & 1:
            h = node_hash(self.stack.pop(), h)
            n >>= 1
        self.stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return hashlib.sha256(b"").digest()
        h = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            h = node_hash(left, h)
        return h


def root_from_inclusion(index: int, size: int, h: bytes, proof: list[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            h = node_hash(p, h)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            h = node_hash(h, p)
        fn, sn = fn >> 1, sn >> 1
    return h if sn == 0 else None


def consistent(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = ([old_root] if old_size & (old_size - 1) == 0 else []) + proof
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


def event_entry(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The leaf entry of one event (docs/audit.md, "The transparency log")."""
    return (
        f"dialogue-event/1\nposition: {position}\naggregate: {originator_id}\nversion: {version}\n"
        f"topic: {topic}\ndata-sha256: {hashlib.sha256(state).hexdigest()}\n"
    ).encode()


# ---------------------------------------------------------------------------- keys and checkpoints
class UnusableInput(Exception):
    """An input that cannot be checked at all (exit status 2)."""


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as e:
        raise UnusableInput(f"{what} is not base64") from e


@dataclass
class VerifierKey:
    name: str
    key_id: int
    public_key: bytes


def parse_verifier_key(text: str) -> VerifierKey | None:
    """``<name>+<key id>+<base64(0x01 ‖ key)>``, or None when the text is not one."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]) or not parts[0] or any(c.isspace() for c in parts[0]):
        return None
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(raw) != 33 or raw[0] != 0x01:
        return None
    kid = int.from_bytes(hashlib.sha256(parts[0].encode() + b"\n" + raw[:1] + raw[1:]).digest()[:4], "big")
    return VerifierKey(parts[0], kid, raw[1:]) if kid == int(parts[1], 16) else None


_SPKI_ED25519 = bytes.fromhex("302a300506032b6570032100")


def read_key(path: str) -> VerifierKey | bytes:
    """A verifier key text, or (for chain checkpoints) a PEM public key or the raw 32 bytes
    as one line of base64 or hex."""
    try:
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
    except (OSError, UnicodeDecodeError) as e:
        raise UnusableInput(f"cannot read public key {path}: {e}") from e
    vkey = parse_verifier_key(text)
    if vkey is not None:
        return vkey
    try:
        if text.startswith("-----BEGIN PUBLIC KEY-----"):
            der = base64.b64decode("".join(ln for ln in text.splitlines() if not ln.startswith("-----")), validate=True)
            if len(der) != 44 or not der.startswith(_SPKI_ED25519):
                raise ValueError("not an Ed25519 public key")
            return der[12:]
        raw = bytes.fromhex(text) if re.fullmatch(r"[0-9a-fA-F]{64}", text) else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as e:
        raise UnusableInput(f"{path} is not a public key: {e}") from e
    if len(raw) != 32:
        raise UnusableInput(f"{path} is not an Ed25519 public key (32 bytes)")
    return raw


@dataclass
class TreeCheckpoint:
    """A C2SP checkpoint: origin, tree size, root hash, and whether a given key signs it."""

    name: str
    origin: str
    size: int
    root: bytes
    signed: bool


@dataclass
class ChainCheckpoint:
    """A ``dialogue-checkpoint/1`` file of earlier releases (the chain's head)."""

    name: str
    count: int
    head_position: int
    head_hash: str
    time: str
    signature: bytes

    def message(self) -> bytes:
        return (
            f"dialogue-checkpoint/1\ncount: {self.count}\nhead-position: {self.head_position}\n"
            f"head-hash: {self.head_hash}\ntime: {self.time}\n"
        ).encode()


def _note_checkpoint(path: str, text: str, keys: list[VerifierKey]) -> TreeCheckpoint:
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise UnusableInput(f"{path} is not a signed note")
    body, sig_lines = text[:split + 1], text[split + 2:].split("\n")[:-1]
    lines = body.split("\n")[:-1]
    if len(lines) < 3 or not all(lines) or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise UnusableInput(f"{path} is not a checkpoint (origin, tree size, root hash)")
    root = _b64(lines[2], f"{path}'s root hash")
    if len(root) != 32:
        raise UnusableInput(f"{path}'s root hash is not 32 bytes")
    signed, bad = False, False
    for line in sig_lines:
        if not line.startswith("\u2014 "):
            raise UnusableInput(f"{path} has a malformed signature line")
        name, _, b64 = line[2:].partition(" ")
        raw = _b64(b64, f"a signature of {path}")
        for k in keys:
            if k.name == name == lines[0] and len(raw) > 4 and int.from_bytes(raw[:4], "big") == k.key_id:
                ok = ed25519_verify(k.public_key, body.encode(), raw[4:])
                signed, bad = signed or ok, bad or not ok
    return TreeCheckpoint(path, lines[0], int(lines[1]), root, signed and not bad)


def read_checkpoint(path: str, keys: list[VerifierKey]) -> TreeCheckpoint | ChainCheckpoint:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise UnusableInput(f"cannot read checkpoint {path}: {e}") from e
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines or lines[0] != "dialogue-checkpoint/1":
        return _note_checkpoint(path, text, keys)
    fields = {}
    for ln in lines[1:]:
        name, _, value = ln.partition(":")
        fields[name.strip()] = value.strip()
    try:
        return ChainCheckpoint(
            name=path, count=int(fields["count"]), head_position=int(fields["head-position"]),
            head_hash=fields["head-hash"].lower(), time=fields["time"],
            signature=base64.b64decode(fields["signature"], validate=True),
        )
    except (KeyError, ValueError, binascii.Error) as e:
        raise UnusableInput(f"{path} is not a well-formed checkpoint: {e}") from e


# ---------------------------------------------------------------------------- an export
MISSING_EVENT_TYPE = "dialogue.audit.MissingEvent"
SOURCE = "urn:dialogue-service:event-log"


@dataclass
class Event:
    line: int
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes | None  # None: a chain row exported without its event (removed)
    chain_hash: str | None
    attributes: dict[str, Any] = field(default_factory=dict)


# The attributes an export writes (docs/audit.md, section 4), of an event and of a chain row
# whose event is missing. Any other is refused: a line carrying, say, a forged ``data`` beside
# ``data_base64`` (which CloudEvents forbids) would show a reader something never hashed.
EVENT_ATTRIBUTES = frozenset({
    "specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data_base64",
    "position", "originatorid", "originatorversion", "topic", "chainhash",
})
MISSING_EVENT_ATTRIBUTES = frozenset({"specversion", "id", "source", "type", "position", "chainhash"})


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the keys it held more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    out.duplicates = []
    for key, value in pairs:
        if key in out and key not in out.duplicates:
            out.duplicates.append(key)
        out[key] = value
    return out


def refusals(ce: dict[str, Any]) -> list[str]:
    """What makes an export line ambiguous or foreign: a key given twice (JSON readers
    disagree on which value counts: Python keeps the last), an attribute the export does
    not write (``data`` beside ``data_base64``)."""
    out = [f"the attribute {k!r} appears more than once (which value counts is ambiguous)" for k in getattr(ce, "duplicates", [])]
    allowed = MISSING_EVENT_ATTRIBUTES if ce.get("type") == MISSING_EVENT_TYPE else EVENT_ATTRIBUTES
    for k in ce:
        if k not in allowed:
            why = " (CloudEvents forbids data beside data_base64)" if k == "data" else ""
            out.append(f"the attribute {k!r} is not one the export writes{why}")
    return out


def read_events(lines: Iterable[str]) -> Iterator[Event]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            ce: Any = json.loads(text, object_pairs_hook=_object)
            if not isinstance(ce, dict) or ce.get("specversion") != "1.0":
                raise ValueError("not a CloudEvents 1.0 object")
            if ce.get("type") == MISSING_EVENT_TYPE:
                if not isinstance(ce.get("position"), int):
                    raise ValueError("position must be an integer")
                yield Event(line=number, position=ce["position"], originator_id="", version=0, topic="", state=None, chain_hash=ce.get("chainhash"), attributes=ce)
                continue
            position, version = ce["position"], ce["originatorversion"]
            if not isinstance(position, int) or not isinstance(version, int):
                raise ValueError("position and originatorversion must be integers")
            yield Event(
                line=number, position=position, originator_id=str(ce["originatorid"]), version=version,
                topic=str(ce["topic"]), state=base64.b64decode(ce["data_base64"], validate=True),
                chain_hash=str(ce["chainhash"]).lower() if "chainhash" in ce else None, attributes=ce,
            )
        except (ValueError, KeyError, binascii.Error) as e:
            raise UnusableInput(f"line {number} is not an event of a dialogue export: {e}") from e


def recorded_time(state: bytes) -> str | None:
    """The recorded time kept in the stored state, as the export writes it (RFC 3339, UTC)."""
    try:
        raw = json.loads(state).get("timestamp")
        t = datetime.fromisoformat(str(raw.get("_data_") if isinstance(raw, dict) else raw))
    except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
        return None
    t = t if t.tzinfo else t.replace(tzinfo=timezone.utc)  # noqa: UP017 - the script runs on Python 3.10
    return t.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")  # noqa: UP017


def derived_attributes(ev: Event) -> dict[str, Any]:
    """What the export's attributes must be, derived from the hashed data alone."""
    assert ev.state is not None
    qualname = ev.topic.partition(":")[2]
    cls, _, name = qualname.rpartition(".")
    out: dict[str, Any] = {
        "id": f"{ev.originator_id}/{ev.version}", "source": SOURCE, "type": f"dialogue.{cls or qualname}.{name}",
        "subject": ev.originator_id, "datacontenttype": "application/json", "time": recorded_time(ev.state),
    }
    return out


@dataclass
class Result:
    count: int
    head_position: int
    head_hash: str
    root: bytes
    problems: list[tuple[int | None, str]]
    unanchored: int = 0
    first_unanchored: int | None = None


def verify(lines: Iterable[str], checkpoints: list[TreeCheckpoint | ChainCheckpoint], chain_keys: list[bytes]) -> Result:
    problems: list[tuple[int | None, str]] = []
    pending: list[ChainCheckpoint] = []
    trees: dict[int, list[TreeCheckpoint]] = {}
    for cp in checkpoints:
        if isinstance(cp, TreeCheckpoint):
            if cp.signed:
                trees.setdefault(cp.size, []).append(cp)
            else:
                problems.append((None, f"checkpoint {cp.name}: no given key of {cp.origin!r} signs it (the signature does not verify)"))
        elif any(ed25519_verify(k, cp.message(), cp.signature) for k in chain_keys):
            pending.append(cp)
        else:
            problems.append((None, f"checkpoint {cp.name}: the signature does not verify with the given public key(s)"))
    pending.sort(key=lambda c: c.head_position)
    previous, count, last = GENESIS, 0, 0
    good: list[int] = []  # event counts covered by matching checkpoints
    frontier = Frontier()
    for tc in trees.pop(0, []):
        if tc.root == frontier.root():
            good.append(0)
        else:
            problems.append((None, f"checkpoint {tc.name}: the root of the empty tree is not the signed one"))
    positions: list[int] = []

    def settle_missing(upto: int | None) -> None:
        while pending and (upto is None or pending[0].head_position < upto):
            cp = pending.pop(0)
            if cp.head_position == 0 and cp.count == 0 and cp.head_hash == GENESIS.hex():
                continue
            where = f"the export ends at position {last}" if upto is None else f"it goes from position {last} to {upto}"
            problems.append((cp.head_position, f"checkpoint {cp.name} covers position {cp.head_position}, which is missing: {where}"))

    for ev in read_events(lines):
        if ev.position <= last:
            problems.append((ev.position, f"line {ev.line}: out of order after position {last}"))
            continue
        settle_missing(ev.position)
        for refusal in refusals(ev.attributes):
            problems.append((ev.position, f"line {ev.line}: {refusal}"))
        if ev.state is None:
            problems.append((ev.position, f"line {ev.line}: the chain has a row here but the event is missing (removed)"))
            continue
        for name, value in derived_attributes(ev).items():
            if ev.attributes.get(name) != value:
                problems.append((ev.position, f"line {ev.line}: the exported {name} is {ev.attributes.get(name)!r}, the hashed data says {value!r}"))
        before = last
        previous = link(previous, ev.position, ev.originator_id, ev.version, ev.topic, ev.state)
        count, last = count + 1, ev.position
        positions.append(ev.position)
        frontier.append(leaf_hash(event_entry(ev.position, ev.originator_id, ev.version, ev.topic, ev.state)))
        if ev.chain_hash is None:
            problems.append((ev.position, f"line {ev.line}: no chainhash"))
        elif ev.chain_hash != previous.hex():
            problems.append((ev.position, f"line {ev.line}: the recomputed hash differs from chainhash: this event, or one removed, inserted or moved after position {before}, was changed"))
        for tc in trees.pop(frontier.size, []):
            if tc.root == frontier.root():
                good.append(tc.size)
            else:
                problems.append((ev.position, f"checkpoint {tc.name}: the root of the first {tc.size} events (up to position {ev.position}) is not the signed one; an event at or before it was changed, inserted, removed or moved"))
        while pending and pending[0].head_position == ev.position:
            cp = pending.pop(0)
            if cp.count != count:
                problems.append((ev.position, f"checkpoint {cp.name} counts {cp.count} events up to position {ev.position}; the export has {count}"))
            elif cp.head_hash != previous.hex():
                problems.append((ev.position, f"checkpoint {cp.name}: the hash at position {ev.position} is not the signed one; an event at or before it was changed, inserted, removed or moved"))
            else:
                good.append(cp.count)
    settle_missing(None)
    for size, cps in trees.items():
        for tc in cps:
            problems.append((None, f"checkpoint {tc.name} covers {size} events; the export has only {count}: events were removed"))
    anchored = max(good, default=0)
    result = Result(count=count, head_position=last, head_hash=previous.hex(), root=frontier.root(), problems=problems)
    result.unanchored = count - anchored
    result.first_unanchored = positions[anchored] if result.unanchored else None
    return result


# ---------------------------------------------------------------------------- proofs
def _hashes(value: Any, what: str) -> list[bytes]:
    if not isinstance(value, list):
        raise UnusableInput(f"{what} is a list of base64 hashes")
    out = [_b64(str(h), what) for h in value]
    if any(len(h) != 32 for h in out):
        raise UnusableInput(f"{what} holds 32-byte hashes")
    return out


def _int(proof: dict[str, Any], name: str) -> int:
    value = proof.get(name)
    if not isinstance(value, int) or value < 0:
        raise UnusableInput(f"the proof's {name} is a whole number")
    return value


def _signed(checkpoints: list[TreeCheckpoint | ChainCheckpoint]) -> list[TreeCheckpoint]:
    out = []
    for cp in checkpoints:
        if not isinstance(cp, TreeCheckpoint):
            raise UnusableInput(f"{cp.name} is a chain checkpoint; proofs are checked against tree checkpoints")
        if not cp.signed:
            raise UnusableInput(f"checkpoint {cp.name}: no given key of {cp.origin!r} signs it")
        out.append(cp)
    return out


def check_inclusion(proof: dict[str, Any], checkpoints: list[TreeCheckpoint | ChainCheckpoint]) -> str:
    """Returns what was proven; raises UnusableInput, or ValueError when the proof fails."""
    cps = _signed(checkpoints)
    if len(cps) != 1:
        raise UnusableInput("an inclusion proof is checked against one checkpoint")
    cp = cps[0]
    index, size = _int(proof, "index"), _int(proof, "size")
    entry = _b64(str(proof.get("entry", "")), "the proof's entry")
    h = _b64(str(proof.get("leaf_hash", "")), "the proof's leaf_hash")
    if leaf_hash(entry) != h:
        raise ValueError("the leaf hash is not the hash of the entry")
    if size != cp.size:
        raise ValueError(f"the proof is for a tree of {size} leaves, the checkpoint for {cp.size}")
    if root_from_inclusion(index, size, h, _hashes(proof.get("proof"), "the proof's audit path")) != cp.root:
        raise ValueError(f"leaf {index} is not in the checkpoint's tree with this path")
    return f"leaf {index} is in the tree of {size} leaves signed by {cp.origin}:\n{entry.decode('utf-8', 'replace')}"


def check_consistency(proof: dict[str, Any], checkpoints: list[TreeCheckpoint | ChainCheckpoint]) -> str:
    cps = sorted(_signed(checkpoints), key=lambda c: c.size)
    if len(cps) != 2:
        raise UnusableInput("a consistency proof is checked against two checkpoints (old and new)")
    old, new = cps
    if (_int(proof, "old"), _int(proof, "new")) != (old.size, new.size):
        raise ValueError(f"the proof is from size {proof.get('old')} to {proof.get('new')}, the checkpoints are of {old.size} and {new.size}")
    if not consistent(old.size, new.size, old.root, new.root, _hashes(proof.get("proof"), "the consistency proof")):
        raise ValueError(f"the tree of {old.size} leaves is not a prefix of the tree of {new.size} leaves: the log was rewritten")
    return f"the tree of {old.size} leaves is a prefix of the tree of {new.size} leaves"


# ---------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a dialogue event log export, or a proof, against signed checkpoints.")
    parser.add_argument("export", nargs="?", help="the export file (JSON Lines of CloudEvents), or - for standard input")
    parser.add_argument("--inclusion", metavar="PROOF", help="an inclusion proof (JSON of /audit/proof/inclusion)")
    parser.add_argument("--consistency", metavar="PROOF", help="a consistency proof (JSON of /audit/proof/consistency)")
    parser.add_argument("--checkpoint", action="append", default=[], help="a signed checkpoint file (repeatable)")
    parser.add_argument("--public-key", action="append", default=[], help="a trusted verifier key file (repeatable)")
    args = parser.parse_args(argv)
    try:
        if sum(x is not None for x in (args.export, args.inclusion, args.consistency)) != 1:
            raise UnusableInput("give an export file, or one of --inclusion and --consistency")
        if args.checkpoint and not args.public_key:
            raise UnusableInput("a checkpoint needs --public-key")
        keys = [read_key(p) for p in args.public_key]
        vkeys = [k for k in keys if isinstance(k, VerifierKey)]
        raw = [k if isinstance(k, bytes) else k.public_key for k in keys]
        checkpoints = [read_checkpoint(p, vkeys) for p in args.checkpoint]
        if args.export is None:
            try:
                with open(args.inclusion or args.consistency, encoding="utf-8") as f:
                    proof = json.load(f)
            except (OSError, ValueError) as e:
                raise UnusableInput(f"cannot read the proof: {e}") from e
            if not isinstance(proof, dict):
                raise UnusableInput("a proof is a JSON object")
            try:
                print("OK: " + (check_inclusion if args.inclusion else check_consistency)(proof, checkpoints))
            except ValueError as e:
                print(f"FAILED: {e}", file=sys.stderr)
                return 1
            return 0
        if args.export == "-":
            result = verify(sys.stdin, checkpoints, raw)
        else:
            with open(args.export, encoding="utf-8") as f:
                result = verify(f, checkpoints, raw)
    except (UnusableInput, OSError, UnicodeDecodeError) as e:
        print(f"verify_export: {e}", file=sys.stderr)
        return 2
    print(f"{result.count} events, head position {result.head_position}, head hash {result.head_hash}")
    print(f"tree: {result.count} leaves, root {base64.b64encode(result.root).decode()}")
    if result.problems:
        positions = [p for p, _ in result.problems if p is not None]
        first = min(positions) if positions else None
        for position, message in sorted(result.problems, key=lambda p: (p[0] is None, p[0] or 0)):
            print(f"position {position}: {message}" if position is not None else message, file=sys.stderr)
        print(f"TAMPERED: first bad position {first}" if first is not None else "TAMPERED", file=sys.stderr)
        return 1
    if result.count == 0:
        print("EMPTY: the export holds no event", file=sys.stderr)
        return 4
    if result.unanchored:
        print(f"UNANCHORED: the chain verifies, but {result.unanchored} event(s) from position {result.first_unanchored} on are after the last signed checkpoint", file=sys.stderr)
        return 3
    print("OK: the chain verifies and every event is covered by a signed checkpoint")
    return 0


if __name__ == "__main__":
    sys.exit(main())

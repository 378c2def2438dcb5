#!/usr/bin/env python3
"""Verify an export of the dialogue service's event log, with the standard library only.

Usage::

    python3 verify_export.py EXPORT.jsonl [--checkpoint FILE --public-key FILE]...

Recomputes the hash chain over the export's events (JSON Lines of CloudEvents 1.0, the
stored state bytes in ``data_base64``), compares it with each line's ``chainhash`` and
checks each signed checkpoint (Ed25519, RFC 8032, verified here in pure Python) against
the recomputed chain. Exit status: 0 verified; 1 tampering found (the first bad position
is named); 2 unusable input (unreadable file, bad arguments, malformed checkpoint or key).

The chain (``docs/audit.md``)::

    h(0) = 32 zero bytes
    h(n) = SHA-256(h(prev) || position as 8-byte big-endian
                   || len || originator id (UTF-8 text) || len || version (ASCII digits)
                   || len || topic (UTF-8) || len || stored state bytes)

each ``len`` a 4-byte big-endian length. Positions increase and may have gaps.
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
from dataclasses import dataclass
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


class UnusableInput(Exception):
    """An input that cannot be checked at all (exit status 2)."""


@dataclass
class Checkpoint:
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


def read_checkpoint(path: str) -> Checkpoint:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise UnusableInput(f"cannot read checkpoint {path}: {e}") from e
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines or lines[0] != "dialogue-checkpoint/1":
        raise UnusableInput(f"{path} is not a checkpoint (first line 'dialogue-checkpoint/1')")
    fields = {}
    for ln in lines[1:]:
        name, _, value = ln.partition(":")
        fields[name.strip()] = value.strip()
    try:
        return Checkpoint(
            name=path, count=int(fields["count"]), head_position=int(fields["head-position"]),
            head_hash=fields["head-hash"].lower(), time=fields["time"],
            signature=base64.b64decode(fields["signature"], validate=True),
        )
    except (KeyError, ValueError, binascii.Error) as e:
        raise UnusableInput(f"{path} is not a well-formed checkpoint: {e}") from e


_SPKI_ED25519 = bytes.fromhex("302a300506032b6570032100")


def read_public_key(path: str) -> bytes:
    """A PEM public key, or the raw 32 bytes as one line of base64 or hex."""
    try:
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
    except (OSError, UnicodeDecodeError) as e:
        raise UnusableInput(f"cannot read public key {path}: {e}") from e
    try:
        if text.startswith("-----BEGIN PUBLIC KEY-----"):
            body = "".join(ln for ln in text.splitlines() if not ln.startswith("-----"))
            der = base64.b64decode(body, validate=True)
            if len(der) != 44 or not der.startswith(_SPKI_ED25519):
                raise ValueError("not an Ed25519 public key")
            return der[12:]
        raw = bytes.fromhex(text) if re.fullmatch(r"[0-9a-fA-F]{64}", text) else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as e:
        raise UnusableInput(f"{path} is not an Ed25519 public key: {e}") from e
    if len(raw) != 32:
        raise UnusableInput(f"{path} is not an Ed25519 public key (32 bytes)")
    return raw


# ---------------------------------------------------------------------------- verification
MISSING_EVENT_TYPE = "dialogue.audit.MissingEvent"


@dataclass
class Event:
    line: int
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes | None  # None: a chain row exported without its event (removed)
    chain_hash: str | None


def read_events(lines: Iterable[str]) -> Iterator[Event]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            ce: Any = json.loads(text)
            if not isinstance(ce, dict) or ce.get("specversion") != "1.0":
                raise ValueError("not a CloudEvents 1.0 object")
            if ce.get("type") == MISSING_EVENT_TYPE:
                if not isinstance(ce.get("position"), int):
                    raise ValueError("position must be an integer")
                yield Event(line=number, position=ce["position"], originator_id="", version=0, topic="", state=None, chain_hash=ce.get("chainhash"))
                continue
            position, version = ce["position"], ce["originatorversion"]
            if not isinstance(position, int) or not isinstance(version, int):
                raise ValueError("position and originatorversion must be integers")
            yield Event(
                line=number, position=position, originator_id=str(ce["originatorid"]), version=version,
                topic=str(ce["topic"]), state=base64.b64decode(ce["data_base64"], validate=True),
                chain_hash=str(ce["chainhash"]).lower() if "chainhash" in ce else None,
            )
        except (ValueError, KeyError, binascii.Error) as e:
            raise UnusableInput(f"line {number} is not an event of a dialogue export: {e}") from e


@dataclass
class Result:
    count: int
    head_position: int
    head_hash: str
    problems: list[tuple[int | None, str]]
    notes: list[str]


def verify(lines: Iterable[str], checkpoints: list[Checkpoint], public_keys: list[bytes]) -> Result:
    problems: list[tuple[int | None, str]] = []
    notes: list[str] = []
    pending = []
    for cp in checkpoints:
        if any(ed25519_verify(k, cp.message(), cp.signature) for k in public_keys):
            pending.append(cp)
        else:
            problems.append((None, f"checkpoint {cp.name}: the signature does not verify with the given public key(s)"))
    pending.sort(key=lambda c: c.head_position)
    previous, count, last = GENESIS, 0, 0
    good: list[Checkpoint] = []

    def settle_missing(upto: int | None) -> None:
        while pending and (upto is None or pending[0].head_position < upto):
            cp = pending.pop(0)
            if cp.head_position == 0 and cp.count == 0 and cp.head_hash == GENESIS.hex():
                good.append(cp)
                continue
            where = f"the export ends at position {last}" if upto is None else f"it goes from position {last} to {upto}"
            problems.append((cp.head_position, f"checkpoint {cp.name} covers position {cp.head_position}, which is missing: {where}"))

    for ev in read_events(lines):
        if ev.position <= last:
            problems.append((ev.position, f"line {ev.line}: out of order after position {last}"))
            continue
        settle_missing(ev.position)
        if ev.state is None:
            problems.append((ev.position, f"line {ev.line}: the chain has a row here but the event is missing (removed)"))
            continue
        before = last
        previous = link(previous, ev.position, ev.originator_id, ev.version, ev.topic, ev.state)
        count, last = count + 1, ev.position
        if ev.chain_hash is None:
            problems.append((ev.position, f"line {ev.line}: no chainhash"))
        elif ev.chain_hash != previous.hex():
            problems.append((ev.position, f"line {ev.line}: the recomputed hash differs from chainhash: this event, or one removed, inserted or moved after position {before}, was changed"))
        while pending and pending[0].head_position == ev.position:
            cp = pending.pop(0)
            if cp.count != count:
                problems.append((ev.position, f"checkpoint {cp.name} counts {cp.count} events up to position {ev.position}; the export has {count}"))
            elif cp.head_hash != previous.hex():
                problems.append((ev.position, f"checkpoint {cp.name}: the hash at position {ev.position} is not the signed one; an event at or before it was changed, inserted, removed or moved"))
            else:
                good.append(cp)
    settle_missing(None)
    if checkpoints:
        covered = max(good, key=lambda c: c.head_position, default=None)
        head, n = (covered.head_position, count - covered.count) if covered else (0, count)
        notes.append(f"{n} event(s) after position {head} are covered by the chain only (no checkpoint)")
    return Result(count=count, head_position=last, head_hash=previous.hex(), problems=problems, notes=notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a dialogue event log export (and signed checkpoints).")
    parser.add_argument("export", help="the export file (JSON Lines of CloudEvents), or - for standard input")
    parser.add_argument("--checkpoint", action="append", default=[], help="a signed checkpoint file (repeatable)")
    parser.add_argument("--public-key", action="append", default=[], help="a trusted public key file (repeatable)")
    args = parser.parse_args(argv)
    try:
        if args.checkpoint and not args.public_key:
            raise UnusableInput("a checkpoint needs --public-key")
        checkpoints = [read_checkpoint(p) for p in args.checkpoint]
        keys = [read_public_key(p) for p in args.public_key]
        if args.export == "-":
            result = verify(sys.stdin, checkpoints, keys)
        else:
            with open(args.export, encoding="utf-8") as f:
                result = verify(f, checkpoints, keys)
    except (UnusableInput, OSError, UnicodeDecodeError) as e:
        print(f"verify_export: {e}", file=sys.stderr)
        return 2
    print(f"{result.count} events, head position {result.head_position}, head hash {result.head_hash}")
    for note in result.notes:
        print(note)
    if result.problems:
        positions = [p for p, _ in result.problems if p is not None]
        first = min(positions) if positions else None
        for position, message in sorted(result.problems, key=lambda p: (p[0] is None, p[0] or 0)):
            print(f"position {position}: {message}" if position is not None else message, file=sys.stderr)
        print(f"TAMPERED: first bad position {first}" if first is not None else "TAMPERED", file=sys.stderr)
        return 1
    print("OK: the chain verifies" + (" and every checkpoint matches" if checkpoints else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

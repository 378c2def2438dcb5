"""The standalone verifier's pure-Python Ed25519 (RFC 8032) agrees with ``cryptography``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", ROOT / "tools" / "verify_export.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_export"] = module
    spec.loader.exec_module(module)
    return module


verify_export = _load()


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_rfc8032_test_vector_1_verifies() -> None:
    # RFC 8032, section 7.1, TEST 1 (empty message).
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert verify_export.ed25519_verify(public, b"", signature) is True


def test_rfc8032_test_vector_2_verifies() -> None:
    # RFC 8032, section 7.1, TEST 2 (one byte 0x72).
    public = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
    signature = bytes.fromhex(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    )
    assert verify_export.ed25519_verify(public, b"\x72", signature) is True


@settings(max_examples=25, deadline=None)
@given(message=st.binary(max_size=300))
def test_signatures_made_by_cryptography_verify(message: bytes) -> None:
    key = Ed25519PrivateKey.generate()
    assert verify_export.ed25519_verify(raw_public(key), message, key.sign(message)) is True


@settings(max_examples=25, deadline=None)
@given(message=st.binary(min_size=1, max_size=300), bit=st.integers(min_value=0, max_value=511))
def test_a_flipped_signature_bit_is_refused_as_cryptography_refuses_it(message: bytes, bit: int) -> None:
    key = Ed25519PrivateKey.generate()
    signature = bytearray(key.sign(message))
    signature[bit // 8] ^= 1 << (bit % 8)
    try:
        key.public_key().verify(bytes(signature), message)
        expected = True
    except Exception:  # noqa: BLE001 - cryptography's InvalidSignature
        expected = False
    assert verify_export.ed25519_verify(raw_public(key), message, bytes(signature)) is expected


def test_another_message_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    assert verify_export.ed25519_verify(raw_public(key), b"count: 11", key.sign(b"count: 12")) is False


def test_another_key_is_refused() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert verify_export.ed25519_verify(raw_public(other), b"m", key.sign(b"m")) is False


@pytest.mark.parametrize("public, signature", [(b"\x00" * 31, b"\x00" * 64), (b"\x00" * 32, b"\x00" * 63)])
def test_wrong_lengths_are_refused(public: bytes, signature: bytes) -> None:
    assert verify_export.ed25519_verify(public, b"m", signature) is False


def test_a_pem_public_key_file_reads_as_the_raw_key(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "k.pub"
    path.write_bytes(pem)
    assert verify_export.read_key(str(path)) == raw_public(key)

"""Signed notes and verifier keys (``application/tlog/note.py``, C2SP ``signed-note``).

Known answers from the tests of Go's ``golang.org/x/mod/sumdb/note`` (``note_test.go``,
``example_test.go``): the keys of "PeterNeumann" and "EnochRoot" and their signatures.
"""

from __future__ import annotations

import pytest

from application.tlog.note import (
    ED25519,
    Note,
    NoteError,
    Signer,
    Verifier,
    parse_note,
    sign,
    verify,
)

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"


def test_verifier_key_reads_back_as_written() -> None:
    v = Verifier.parse(PETER_VKEY)
    assert (v.name, v.kind, v.id) == ("PeterNeumann", ED25519, 0xC74F20A3)
    assert v.text() == PETER_VKEY


def test_signer_key_gives_the_verifier_key() -> None:
    s = Signer.parse(PETER_SKEY)
    assert s.verifier.text() == PETER_VKEY
    assert s.text() == PETER_SKEY


def test_signing_gives_gos_signature() -> None:
    note = Note(TEXT, (sign(TEXT, Signer.parse(PETER_SKEY)),))
    assert note.to_text() == TEXT + "\n" + PETER_SIG


def test_a_note_signed_by_two_verifies_with_each_key() -> None:
    note = parse_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG)
    assert note.text == TEXT
    assert verify(note, Verifier.parse(PETER_VKEY))
    assert verify(note, Verifier.parse(ENOCH_VKEY))


def test_a_changed_signature_or_text_does_not_verify() -> None:
    bad_sig = parse_note(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:])
    bad_text = parse_note(TEXT.replace("answer", "Answer") + "\n" + PETER_SIG)
    assert not verify(bad_sig, Verifier.parse(PETER_VKEY))
    assert not verify(bad_text, Verifier.parse(PETER_VKEY))


def test_signatures_of_other_keys_are_ignored() -> None:
    note = parse_note(TEXT + "\n" + ENOCH_SIG)
    assert not verify(note, Verifier.parse(PETER_VKEY))
    renamed = parse_note(TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "CarmenSandiego"))
    assert not verify(renamed, Verifier.parse(PETER_VKEY))


def test_every_mangled_verifier_key_is_refused() -> None:
    bad = [PETER_VKEY[i:j] for i in range(len(PETER_VKEY)) for j in range(i + 1, len(PETER_VKEY) + 1) if (i, j) != (0, len(PETER_VKEY))]
    bad += [PETER_VKEY[:i] + chr(ord(PETER_VKEY[i]) + 1) + PETER_VKEY[i + 1:] for i in range(len(PETER_VKEY))]
    bad += ["PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"]
    accepted = []
    for key in bad:
        try:
            Verifier.parse(key)
            accepted.append(key)
        except NoteError:
            pass
    assert accepted == []


@pytest.mark.parametrize("msg", [
    TEXT, TEXT + "\n", TEXT + "\n" + PETER_SIG[:-1], "\x01" + TEXT + "\n" + PETER_SIG,
    TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
    TEXT + "\n" + PETER_SIG + "Unexpected line.\n", TEXT + "\n" + PETER_SIG * 101,
])
def test_malformed_notes_are_refused(msg: str) -> None:
    with pytest.raises(NoteError):
        parse_note(msg)


def test_a_new_key_signs_what_its_verifier_key_checks() -> None:
    s = Signer.generate("dialogue.example.org/gcm-lac")
    v = Verifier.parse(s.verifier.text())
    text = "dialogue.example.org/gcm-lac\n3\nAAAA\n"
    assert verify(Note(text, (sign(text, Signer.parse(s.text())),)), v)

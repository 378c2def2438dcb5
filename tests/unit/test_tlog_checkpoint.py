"""Checkpoint note texts (``application/tlog/checkpoint.py``, C2SP ``tlog-checkpoint``)."""

from __future__ import annotations

import base64

import pytest

from application.tlog.checkpoint import CheckpointFormatError, TreeHead, open_checkpoint
from application.tlog.note import Note, NoteError, Signer, parse_note, sign

# The example of the C2SP tlog-checkpoint specification.
C2SP_EXAMPLE = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)


def test_the_c2sp_example_reads_as_origin_size_and_root() -> None:
    note = parse_note(C2SP_EXAMPLE)
    head = TreeHead.parse(note.text)
    assert head == TreeHead("example.com/behind-the-sofa", 20852163, base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="))
    assert head.body() == note.text
    assert note.signatures[0].name == "example.com/behind-the-sofa"


@pytest.mark.parametrize("text", [
    "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "origin\n12\nnot base64\n",
    "origin\n12\nAAAA\n",
    "origin\n12\n",
    "origin\n\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
])
def test_other_texts_are_not_checkpoints(text: str) -> None:
    with pytest.raises(CheckpointFormatError):
        TreeHead.parse(text)


def test_extension_lines_are_allowed() -> None:
    head = TreeHead.parse("o.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextra\n")
    assert head.size == 0


def test_a_checkpoint_opens_only_with_its_origins_key() -> None:
    log = Signer.generate("dialogue.example.org/gcm-lac")
    other = Signer.generate("dialogue.example.org/other")
    head = TreeHead("dialogue.example.org/gcm-lac", 3, bytes(32))

    text = Note(head.body(), (sign(head.body(), log),)).to_text()
    wrong_origin = Note(TreeHead(other.name, 3, bytes(32)).body(), ()).text
    assert open_checkpoint(text, log.verifier)[0] == head
    with pytest.raises(NoteError):
        open_checkpoint(text, other.verifier)
    with pytest.raises(NoteError):
        open_checkpoint(Note(wrong_origin, (sign(wrong_origin, log),)).to_text(), log.verifier)

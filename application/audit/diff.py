"""Word-level differences between two versions of a text field (the auditors' diff view)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any


@dataclass
class FieldDiff:
    """The word-level diff of one text field between two versions."""

    field: str
    old: str
    new: str
    ops: list[tuple[str, str]]
    unified: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "changed": self.changed, "ops": [list(o) for o in self.ops], "unified": self.unified}


_TOKENS = re.compile(r"\s+|\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff as ``(op, text)`` with op ``equal | delete | insert``; joining the
    ``equal`` and ``delete`` texts gives ``old``, the ``equal`` and ``insert`` texts ``new``.
    Whitespace between two changes is folded into the change, so a rewritten phrase reads
    as one deletion and one insertion."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    out: list[tuple[str, str]] = []
    pending_del, pending_ins = "", ""

    def flush() -> None:
        nonlocal pending_del, pending_ins
        if pending_del:
            out.append(("delete", pending_del))
        if pending_ins:
            out.append(("insert", pending_ins))
        pending_del, pending_ins = "", ""

    for i, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = "".join(a[i1:i2])
            between_changes = 0 < i < len(opcodes) - 1 and (pending_del or pending_ins) and not text.strip()
            if between_changes:
                pending_del += text
                pending_ins += text
                continue
            flush()
            out.append(("equal", text))
        else:
            pending_del += "".join(a[i1:i2])
            pending_ins += "".join(b[j1:j2])
    flush()
    return out


def unified_word_diff(old: str, new: str, from_label: str, to_label: str, context: int = 3) -> str:
    """A unified diff with one word per line (``difflib.unified_diff``; whitespace-only
    changes show in :func:`word_diff` only). Empty when the words are the same."""
    lines = difflib.unified_diff(old.split(), new.split(), from_label, to_label, n=context, lineterm="")
    return "".join(line + "\n" for line in lines)

"""The stored tree checked against the stored events, and signed checkpoints against both.

:func:`verify_tree` recomputes every leaf from the event now stored at its position and
compares it with the leaf the recorder stored when the event was written: a changed,
removed or moved event fails at its own leaf index (and position). It recomputes the root
at each checkpoint's size and compares it with the signed root: a log rewritten together
with its chain and its tree still fails there, at the checkpoint's last leaf.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from application.audit.log import read_log
from application.audit.verify import CHECKPOINT_FORMAT, Checkpoint, CheckpointError, load_public_key
from application.tables import tree_leaves, tree_nodes
from application.tlog.checkpoint import TreeHead
from application.tlog.entry import event_entry
from application.tlog.note import NoteError, Verifier, parse_note, verify
from application.tlog.store import StoredTree
from application.tlog.tree import Frontier, leaf_hash, node_hash, root_hash


@dataclass(frozen=True)
class TreeProblem:
    """One finding: the event position it is about (None: not about one), the leaf index
    (None: not about one) and why."""

    position: int | None
    leaf: int | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(x for x in (f"position {self.position}" if self.position is not None else "",
                                       f"leaf {self.leaf}" if self.leaf is not None else "") if x)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class CheckpointCheck:
    name: str
    head: TreeHead
    ok: bool | None = None
    message: str = ""
    last_position: int | None = None  # the position of its last leaf, when the log has it


@dataclass
class TreeReport:
    size: int
    root: bytes
    problems: list[TreeProblem] = field(default_factory=list)
    checkpoints: list[CheckpointCheck] = field(default_factory=list)
    positions: list[int] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def anchored(self) -> int:
        """How many leaves a matching checkpoint covers (0: none)."""
        return max((c.head.size for c in self.checkpoints if c.ok), default=0)

    @property
    def unanchored(self) -> int:
        """Events after the last matching checkpoint: covered by the chain only."""
        return self.size - self.anchored


def _stored_leaves(engine: Engine, batch: int = 5000) -> Iterator[tuple[int, int, bytes]]:
    after = -1
    while True:
        with engine.connect() as c:
            rows = c.execute(
                select(tree_leaves.c.leaf_index, tree_leaves.c.position, tree_nodes.c.hash)
                .join(tree_nodes, (tree_nodes.c.level == 0) & (tree_nodes.c.idx == tree_leaves.c.leaf_index), isouter=True)
                .where(tree_leaves.c.leaf_index > after).order_by(tree_leaves.c.leaf_index).limit(batch)
            ).all()
        if not rows:
            return
        for r in rows:
            yield int(r.leaf_index), int(r.position), bytes.fromhex(r.hash) if r.hash else b""
        after = int(rows[-1].leaf_index)


def _first_wrong_node(engine: Engine, leaves: list[bytes]) -> TreeProblem | None:
    """The first stored interior node (level by level, then by index) that is not the hash
    of its children recomputed from ``leaves`` (the leaf hashes of the events, already
    compared with level 0), or that is missing or has no complete subtree under it. One
    query per level: a wrong node anywhere breaks the inclusion proofs that go through it."""
    level, below = 0, leaves
    with engine.connect() as c:
        top = c.execute(select(func.max(tree_nodes.c.level))).scalar()
        while len(below) > 1 or (top is not None and level < int(top)):
            level += 1
            expected = [node_hash(below[2 * i], below[2 * i + 1]) for i in range(len(below) // 2)]
            seen = 0
            for idx, stored in c.execute(select(tree_nodes.c.idx, tree_nodes.c.hash).where(tree_nodes.c.level == level).order_by(tree_nodes.c.idx)):
                idx = int(idx)
                width = 1 << level
                where = f"the stored node at level {level}, index {idx} (leaves {idx * width} to {(idx + 1) * width - 1})"
                if idx != seen and seen < len(expected):
                    return TreeProblem(None, seen * width, f"the stored node at level {level}, index {seen} is missing")
                if idx >= len(expected):
                    return TreeProblem(None, idx * width, f"{where} covers leaves the log does not have (a node was added)")
                if stored.lower() != expected[idx].hex():
                    return TreeProblem(None, idx * width, f"{where} is not the hash of its children recomputed from the events (a node was changed): the inclusion proofs through it fail")
                seen += 1
            if seen < len(expected):
                return TreeProblem(None, seen * (1 << level), f"the stored node at level {level}, index {seen} is missing")
            below = expected
    return None


def verify_tree(engine: Engine, checkpoints: Sequence[tuple[str, TreeHead]] = ()) -> TreeReport:
    """Compare the stored tree with the events, and the signed checkpoints with both."""
    frontier = Frontier()
    checks = [CheckpointCheck(name, head) for name, head in checkpoints]
    by_size: dict[int, list[CheckpointCheck]] = {}
    for c in checks:
        by_size.setdefault(c.head.size, []).append(c)
    problems: list[TreeProblem] = []
    for c in by_size.get(0, []):
        c.ok = c.head.root == frontier.root()
        if not c.ok:
            c.message = "the root of the empty tree is not the signed one"
            problems.append(TreeProblem(None, None, f"the signed checkpoint {c.name}: {c.message}"))
    stored = _stored_leaves(engine)
    positions: list[int] = []
    leaves: list[bytes] = []
    for rec in read_log(engine):
        if rec.state is None or rec.originator_id is None or rec.originator_version is None:
            continue
        index = frontier.size
        h = leaf_hash(event_entry(rec.position, rec.originator_id, rec.originator_version, rec.topic or "", rec.state))
        frontier.append(h)
        leaves.append(h)
        positions.append(rec.position)
        leaf = next(stored, None)
        if leaf is None:
            problems.append(TreeProblem(rec.position, index, "the event has no leaf in the stored tree (inserted outside the recorder?)"))
        elif leaf[1] != rec.position:
            problems.append(TreeProblem(min(leaf[1], rec.position), index, f"the tree's leaf is the event at position {leaf[1]}, the log's event here is at position {rec.position}: an event was removed, inserted or moved"))
        elif leaf[2] != h:
            problems.append(TreeProblem(rec.position, index, "the event differs from the one the tree recorded (changed or swapped)"))
        for c in by_size.get(frontier.size, []):
            c.last_position = rec.position
            c.ok = c.head.root == frontier.root()
            if not c.ok:
                c.message = f"the root of the first {c.head.size} events is not the signed one"
                problems.append(TreeProblem(rec.position, index, f"the signed checkpoint {c.name} does not match: an event at or before position {rec.position} (leaf {index}) was changed, inserted, removed or moved since it was signed"))
    for leaf in stored:
        problems.append(TreeProblem(leaf[1], leaf[0], "the tree has a leaf here but the event is missing (removed)"))
    for c in checks:
        if c.ok is None:
            c.ok, c.message = False, f"it covers {c.head.size} events; the log has {frontier.size}"
            problems.append(TreeProblem(None, None, f"the signed checkpoint {c.name} covers {c.head.size} events, the log has only {frontier.size}: events were removed"))
    if not problems:
        wrong = _first_wrong_node(engine, leaves)
        if wrong is not None:
            problems.append(wrong)
    tree = StoredTree(engine)
    if not problems and (tree.size() != frontier.size or root_hash(frontier.size, tree.read) != frontier.root()):
        problems.append(TreeProblem(None, None, "the stored tree's nodes do not give the root of the events (a node was changed)"))
    problems.sort(key=lambda p: (p.position is None, p.position or 0))
    return TreeReport(size=frontier.size, root=frontier.root(), problems=problems, checkpoints=checks, positions=positions)


@dataclass
class CheckpointFiles:
    """Checkpoint files and trusted keys as given to a verification: the checkpoints of the
    tree (C2SP notes) signed by a trusted key, those of the chain (``dialogue-checkpoint/1``,
    earlier releases) with their raw keys, and the problems found reading them."""

    heads: list[tuple[str, TreeHead]] = field(default_factory=list)
    chain: list[tuple[str, Checkpoint]] = field(default_factory=list)
    chain_keys: list[bytes] = field(default_factory=list)
    problems: list[TreeProblem] = field(default_factory=list)


def read_checkpoint_files(files: Sequence[Path], key_files: Sequence[Path]) -> CheckpointFiles:
    """Read checkpoint and key files (a verifier key text, or for chain checkpoints a PEM,
    base64 or hex Ed25519 public key). A checkpoint no given key signs is a problem.

    Raises:
        CheckpointError: a file that cannot be read or is neither kind of checkpoint or key.
    """
    out = CheckpointFiles()
    verifiers: list[Verifier] = []
    for k in key_files:
        try:
            verifiers.append(Verifier.parse(k.read_text("ascii")))
        except (NoteError, UnicodeDecodeError):
            out.chain_keys.append(load_public_key(k))
        except OSError as e:
            raise CheckpointError(f"cannot read {k.name}: {e.strerror}") from e
        else:
            out.chain_keys.append(verifiers[-1].public_key)
    for f in files:
        try:
            text = f.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CheckpointError(f"cannot read {f.name}: {e}") from e
        first = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
        if first == CHECKPOINT_FORMAT:
            out.chain.append((f.name, Checkpoint.parse(text)))
            continue
        try:
            note = parse_note(text)
            head = TreeHead.parse(note.text)
        except NoteError as e:
            raise CheckpointError(f"{f.name} is not a checkpoint: {e}") from e
        if any(verify(note, v) and v.name == head.origin for v in verifiers):
            out.heads.append((f.name, head))
        else:
            out.problems.append(TreeProblem(None, None, f"checkpoint {f.name}: no given key of {head.origin!r} signs it (the signature does not verify)"))
    return out

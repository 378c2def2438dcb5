"""The transparency log's Merkle tree (issue 16; ``docs/audit.md``): one leaf per stored
event (leaf index → position) and the hashes of every complete subtree. ``dialogue db
upgrade`` then builds the tree of an existing log (``application.tlog.store.build_tree``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_tree_leaves",
        sa.Column("leaf_index", BigInt, primary_key=True, autoincrement=False),
        sa.Column("position", BigInt, nullable=False),
    )
    op.create_index("ix_dialogue_tree_leaves_position", "dialogue_tree_leaves", ["position"], unique=True)
    op.create_table(
        "dialogue_tree_nodes",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", BigInt, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_tree_nodes")
    op.drop_index("ix_dialogue_tree_leaves_position", table_name="dialogue_tree_leaves")
    op.drop_table("dialogue_tree_leaves")

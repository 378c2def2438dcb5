"""One indicator per reference, kept by the database (``dialogue_indicator_references``,
migration 0013): its reference key becomes unique.

The reference check of a new definition reads the table before the save; two definitions
of one reference at the same moment could both pass it and both be saved. With a unique key
the second save fails in its transaction and its command checks again, and refuses as a
definition made after the first would be (``already_registered``).

A log written before may hold such a pair: of the rows of one key, the first definition's
(the lowest position) is kept, the later ones are deleted, so the key can be made unique; the
events stay in the log as they are. The reference check only asks whether a key is taken,
so it answers as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "dialogue_indicator_references"
INDEX = "ix_dialogue_indicator_references_key"


def upgrade() -> None:
    t = sa.table(TABLE, sa.column("position"), sa.column("reference_key"))
    first = sa.select(sa.func.min(t.c.position)).group_by(t.c.reference_key)
    op.get_bind().execute(sa.delete(t).where(t.c.position.not_in(first)))
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["reference_key"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["reference_key"])

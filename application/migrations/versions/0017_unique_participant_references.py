"""One participant per reference, kept by the database (``dialogue_participant_references``,
migration 0011): its reference key becomes unique.

The reference check of a registration reads the table before the save; two registrations of
one reference at the same moment could both pass it and both be saved. With a unique key the
second save fails in its transaction and its command checks again, and refuses as a
registration made after the first would be (``already_registered``).

A log written before may hold such a pair: of the rows of one key, the first registration's
(the lowest position) is kept, the later ones are deleted, so the key can be made unique. The
events stay in the log as they are, so every participant loads as before; the later ones
only no longer hold the reference in the check. The upgrade says which references it found
twice (``dialogue db upgrade`` prints it, and every process that runs the upgrade logs it as a
warning), so the secretariat knows whose registrations share one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from application.schema import NOTES

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "dialogue_participant_references"
INDEX = "ix_dialogue_participant_references_key"


def upgrade() -> None:
    bind = op.get_bind()
    t = sa.table(TABLE, sa.column("position"), sa.column("reference_key"))
    first = sa.select(sa.func.min(t.c.position)).group_by(t.c.reference_key)
    later = bind.execute(sa.select(t.c.position, t.c.reference_key).where(t.c.position.not_in(first)).order_by(t.c.position)).all()
    if later:
        bind.execute(sa.delete(t).where(t.c.position.not_in(first)))
        counts: dict[str, int] = {}
        for _, key in later:
            counts[str(key)] = counts.get(str(key), 0) + 1
        named = ", ".join(f"{key!r} ({n} later registration{'s' if n > 1 else ''} at position{'s' if n > 1 else ''} "
                          f"{', '.join(str(p) for p, k in later if k == key)})" for key, n in counts.items())
        context.config.attributes.setdefault(NOTES, []).append(
            f"participant references registered more than once before they were unique: {named}; the first registration "
            "keeps each, the later ones stay in the log and load as before but are no longer found by that reference",
        )
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["reference_key"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["reference_key"])

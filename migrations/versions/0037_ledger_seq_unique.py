"""ledger seq unique: the chain's uniqueness rests on seq; the unique indexes on hash and prev_hash go

Every event's hash covers its seq, so two events can share a hash only if they share a seq,
which UNIQUE(seq) refuses. Two events chained onto one predecessor need two seqs claiming the
same previous hash: the later one's link is then broken, which ``jobmatch ledger verify``
names (tests/test_ledger.py). No query looks an event up by either hash. The two unique
indexes only cost: each event lands at a random place in both (64-character keys), which at
20 million events is two indexes of 1.8 GB each read and written at random (issue 19: half of
a roster import into the province was the ledger's COPY).

Revision ID: 0037_ledger_seq_unique
Revises: 0036_household_marks
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0037_ledger_seq_unique'
down_revision = '0036_household_marks'
branch_labels = None
depends_on = None

_CONSTRAINTS = (("uq_ledger_events_hash", "hash"), ("uq_ledger_events_prev_hash", "prev_hash"))


def upgrade() -> None:
    with _triggers_kept_on_sqlite(), op.batch_alter_table('ledger_events', schema=None) as batch_op:
        for name, _column in _CONSTRAINTS:
            batch_op.drop_constraint(name, type_='unique')


def downgrade() -> None:
    with _triggers_kept_on_sqlite(), op.batch_alter_table('ledger_events', schema=None) as batch_op:
        for name, column in _CONSTRAINTS:
            batch_op.create_unique_constraint(name, [column])


class _triggers_kept_on_sqlite:
    """SQLite's batch mode rebuilds the table, which drops its triggers (the append-only guard):
    the ones in force are read before and made again after."""

    def __enter__(self):
        bind = op.get_bind()
        self.triggers = [] if bind.dialect.name != "sqlite" else list(bind.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_events'")))
        for name, _sql in self.triggers:
            op.execute(f"DROP TRIGGER {name}")
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            for _name, sql in self.triggers:
                op.execute(sql)

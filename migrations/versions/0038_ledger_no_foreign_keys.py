"""ledger without foreign keys: an event's household and person are checked by verify, not per insert

Each event inserted ran two foreign-key checks, each locking the household's and the person's
row (FOR KEY SHARE): about 90,000 events of a 50,000-person roster import took a fifth of
PostgreSQL's share of it (issue 19). No household or person is ever deleted, the events are
written by the code that has just read or written the rows they name, and the hash chain keeps
the ids from changing afterwards. ``jobmatch ledger verify`` now also checks that every event
it walks names a household and a person that are recorded.

Revision ID: 0038_ledger_no_foreign_keys
Revises: 0037_ledger_seq_unique
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0038_ledger_no_foreign_keys'
down_revision = '0037_ledger_seq_unique'
branch_labels = None
depends_on = None

_FOREIGN_KEYS = (("fk_ledger_events_household_id_households", "household_id", "households"),
                 ("fk_ledger_events_person_id_persons", "person_id", "persons"))


def upgrade() -> None:
    with _triggers_kept_on_sqlite(), op.batch_alter_table('ledger_events', schema=None) as batch_op:
        for name, _column, _table in _FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')


def downgrade() -> None:
    with _triggers_kept_on_sqlite(), op.batch_alter_table('ledger_events', schema=None) as batch_op:
        for name, column, table in _FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'])


class _triggers_kept_on_sqlite:
    """SQLite's batch mode rebuilds the table, which drops its triggers (the append-only guard):
    the ones in force are read before and made again after (as in 0037: migrations stay frozen)."""

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

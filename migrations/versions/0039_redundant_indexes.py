"""redundant indexes: three indexes whose column leads another index on the same table go

ix_persons_household_id is the first column of ix_persons_household_id_members (which also
carries id, name and relation), ix_households_county_id of uq_households_county_id, and
ix_households_settlement_id of ix_households_settlement_id_last_follow_up_at: every lookup
they served, the longer index serves. Each cost a write per person or household inserted and,
the household counters being in an index, per household updated (issue 19: a roster import
into the province writes 20,000 persons and updates 5,000 households twice).

Revision ID: 0039_redundant_indexes
Revises: 0038_ledger_no_foreign_keys
Create Date: 2026-12-01
"""
from alembic import op

revision = '0039_redundant_indexes'
down_revision = '0038_ledger_no_foreign_keys'
branch_labels = None
depends_on = None

_INDEXES = (("persons", "ix_persons_household_id", "household_id"),
            ("households", "ix_households_county_id", "county_id"),
            ("households", "ix_households_settlement_id", "settlement_id"))


def upgrade() -> None:
    for table, name, _column in _INDEXES:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, column in _INDEXES:
        op.create_index(name, table, [column], unique=False)

"""three threes: imported households' follow-up clock starts at their listing (rule 6)

Revision ID: 0015_three_threes
Revises: 0014_nobody_falls_through
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0015_three_threes'
down_revision = '0013_welfare_policy'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime

# A household already imported was listed when the ledger recorded its creation.
_BACKFILL_LISTED_AT = """
UPDATE households SET listed_at = (
    SELECT MIN(e.occurred_at) FROM ledger_events e
    WHERE e.household_id = households.id AND e.kind = 'household_created')
"""


def upgrade() -> None:
    with op.batch_alter_table('households') as batch_op:
        batch_op.add_column(sa.Column('listed_at', UTC(timezone=True), nullable=True))
    op.execute(_BACKFILL_LISTED_AT)


def downgrade() -> None:
    op.drop_column('households', 'listed_at')

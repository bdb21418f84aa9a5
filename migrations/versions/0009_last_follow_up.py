"""households.last_follow_up_at: each household's latest follow-up stored with its status; dashboard indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('households', sa.Column('last_follow_up_at', jobmatch.models.types.UTCDateTime(timezone=True),
                                          nullable=True))
    # Backfill in SQL: the same text on both backends (SQLite's max keeps the stored format).
    op.execute("UPDATE households SET last_follow_up_at = "
               "(SELECT max(f.contacted_at) FROM follow_ups f WHERE f.household_id = households.id)")
    op.create_index('ix_households_zero_employment_listed', 'households',
                    ['settlement_id', 'zero_employment_since', 'id'], unique=False,
                    postgresql_where=sa.text('zero_employment'), sqlite_where=sa.text('zero_employment'))
    op.create_index('ix_households_settlement_id_last_follow_up_at', 'households',
                    ['settlement_id', 'last_follow_up_at'], unique=False,
                    postgresql_include=['labourers', 'employed', 'zero_employment', 'household_no'])


def downgrade() -> None:
    op.drop_index('ix_households_settlement_id_last_follow_up_at', table_name='households')
    op.drop_index('ix_households_zero_employment_listed', table_name='households')
    # A plain ALTER (SQLite >= 3.35): a batch copy of households would break the foreign keys to it.
    op.drop_column('households', 'last_follow_up_at')

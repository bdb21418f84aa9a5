"""web indexes: each household's latest follow-up read from an index (the staff dashboard)

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26
"""
from alembic import op

revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_follow_ups_household_id_contacted_at', 'follow_ups', ['household_id', 'contacted_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_follow_ups_household_id_contacted_at', table_name='follow_ups')

"""SMS transport: each message's template variables; message kinds stopped by a template problem

Revision ID: 0011_sms_transport
Revises: 0009 (to be re-chained onto 0010_session_generation when merged)
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0011_sms_transport'
down_revision = "0010_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('template_variables', sa.JSON(), nullable=True))
    op.create_table(
        'sms_kind_stops',
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('stopped_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind'),
    )


def downgrade() -> None:
    op.drop_table('sms_kind_stops')
    op.drop_column('messages', 'template_variables')

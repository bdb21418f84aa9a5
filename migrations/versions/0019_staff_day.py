"""staff day: roster uploads kept between their preview and the staff member's confirmation

Revision ID: 0019_staff_day
Revises: 0021_api_writes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0019_staff_day'
down_revision = '0021_api_writes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roster_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.Column('preview_digest', sa.String(length=64), nullable=False),
        sa.Column('partial', sa.Boolean(), nullable=False),
        sa.Column('created_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
    )
    op.create_index(op.f('ix_roster_uploads_user_id'), 'roster_uploads', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_roster_uploads_user_id'), table_name='roster_uploads')
    op.drop_table('roster_uploads')

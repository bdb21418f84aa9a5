"""wechat: openids bound to persons, and notices sent by WeChat in place of SMS

Revision ID: 0022_wechat
Revises: 0020_worker_day
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0022_wechat'
down_revision = '0020_worker_day'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'wechat_bindings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('openid', sa.String(length=64), nullable=False),
        sa.Column('bound_at', UTC(timezone=True), nullable=False),
        sa.Column('following', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('openid'),
        sa.UniqueConstraint('person_id'),
    )
    op.create_table(
        'wechat_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('open_code', sa.String(length=32), nullable=False),
        sa.Column('errcode', sa.String(length=12), nullable=False),
        sa.Column('sent_at', UTC(timezone=True), nullable=False),
        sa.Column('opened_at', UTC(timezone=True), nullable=True),
        sa.Column('fallback_at', UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id'),
        sa.UniqueConstraint('open_code'),
    )
    op.create_index('ix_wechat_notices_person_id', 'wechat_notices', ['person_id'])
    op.create_index('ix_wechat_notices_status_fallback_at', 'wechat_notices', ['status', 'fallback_at'])


def downgrade() -> None:
    op.drop_table('wechat_notices')
    op.drop_table('wechat_bindings')

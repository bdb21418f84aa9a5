"""SMS content: short links, each settlement's contact phone, each county's SMS signature

Revision ID: 0012_sms_content
Revises: 0011_sms_transport
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0012_sms_content'
down_revision = '0011_sms_transport'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'short_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('created_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_index('ix_short_links_person_id', 'short_links', ['person_id'], unique=False)
    op.add_column('settlements', sa.Column('contact_phone', sa.String(length=20), nullable=True))
    op.add_column('counties', sa.Column('sms_signature', sa.String(length=12), nullable=True))


def downgrade() -> None:
    # Plain ALTERs (SQLite >= 3.35): a batch copy would break the foreign keys to these tables.
    op.drop_column('counties', 'sms_signature')
    op.drop_column('settlements', 'contact_phone')
    op.drop_index('ix_short_links_person_id', table_name='short_links')
    op.drop_table('short_links')

"""sms speed: a fair's short link is shared by its invitations, so the broadcast is one text

Revision ID: 0023_sms_speed
Revises: 0022_wechat
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_sms_speed'
down_revision = '0022_wechat'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('short_links') as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM short_links WHERE person_id IS NULL")
    with op.batch_alter_table('short_links') as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)

"""worker day: a hire tells the worker where to go, whom to call and what to bring; a fair's start time (issue 17)

Revision ID: 0020_worker_day
Revises: 0015_three_threes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_worker_day'
down_revision = "0015_three_threes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fairs') as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=False, server_default='09:00:00'))
    with op.batch_alter_table('employment_spells') as batch_op:
        batch_op.add_column(sa.Column('work_place', sa.String(120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact', sa.String(60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('bring', sa.String(200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('fairs') as batch_op:
        batch_op.drop_column('starts_at')
    with op.batch_alter_table('employment_spells') as batch_op:
        batch_op.drop_column('bring')
        batch_op.drop_column('contact')
        batch_op.drop_column('work_place')

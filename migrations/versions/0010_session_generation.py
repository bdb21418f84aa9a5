"""users.session_generation: bumped to end every session of a user (sign-out, new password, new phone)

Revision ID: 0010_session_generation
Revises: 0009
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_session_generation'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    # A plain ALTER (SQLite >= 3.35), as in 0009: a batch copy of users would break the foreign keys to it.
    op.drop_column('users', 'session_generation')

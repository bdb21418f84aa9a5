"""ledger checkpoints: signed (seq, hash) points up to which the chain was verified

Revision ID: 0027_ledger_checkpoints
Revises: 0025_gigs
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0027_ledger_checkpoints'
down_revision = '0025_gigs'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'ledger_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('signed_at', UTC(timezone=True), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoints')),
        sa.UniqueConstraint('seq', name=op.f('uq_ledger_checkpoints_seq')),
    )


def downgrade() -> None:
    op.drop_table('ledger_checkpoints')

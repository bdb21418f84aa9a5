"""round batches: all counties in one night, then a province-pool round

Revision ID: 0024_round_batches
Revises: 0015_three_threes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0024_round_batches'
down_revision = '0015_three_threes'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('match_rounds') as batch_op:
        batch_op.alter_column('county_id', existing_type=sa.Integer(), nullable=True)
    op.create_table(
        'round_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.Column('pool_status', sa.String(length=10), nullable=False),
        sa.Column('pool_round_id', sa.Integer(), nullable=True),
        sa.Column('pool_error', sa.Text(), nullable=True),
        sa.Column('finished_at', UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['pool_round_id'], ['match_rounds.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'round_batch_counties',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('started_at', UTC(timezone=True), nullable=True),
        sa.Column('finished_at', UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['round_batches.id']),
        sa.ForeignKeyConstraint(['county_id'], ['counties.id']),
        sa.ForeignKeyConstraint(['round_id'], ['match_rounds.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('batch_id', 'county_id'),
    )
    op.create_index('ix_round_batch_counties_batch_id', 'round_batch_counties', ['batch_id'])


def downgrade() -> None:
    op.drop_index('ix_round_batch_counties_batch_id', table_name='round_batch_counties')
    op.drop_table('round_batch_counties')
    op.drop_table('round_batches')
    with op.batch_alter_table('match_rounds') as batch_op:
        batch_op.alter_column('county_id', existing_type=sa.Integer(), nullable=False)

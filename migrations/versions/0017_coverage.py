"""coverage: special employment actions, site employment baselines, staff phones, texts to staff (rules 3, 8, seed 003)

Revision ID: 0017_coverage
Revises: 0024_round_batches
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0017_coverage'
down_revision = '0024_round_batches'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table('special_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_special_actions_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['users.id'], name=op.f('fk_special_actions_recorded_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_actions')),
    sa.UniqueConstraint('settlement_id', 'held_on', 'title', name=op.f('uq_special_actions_settlement_id'))
    )
    with op.batch_alter_table('special_actions') as batch_op:
        batch_op.create_index(batch_op.f('ix_special_actions_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_actions_held_on'), ['held_on'], unique=False)
    op.create_table('employment_baselines',
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('employed', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_employment_baselines_settlement_id_settlements')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['users.id'], name=op.f('fk_employment_baselines_recorded_by_user_id_users')),
    sa.PrimaryKeyConstraint('settlement_id', name=op.f('pk_employment_baselines'))
    )
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
    with op.batch_alter_table('messages') as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_messages_user_id_users'), 'users', ['user_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_messages_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages') as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_user_id'))
        batch_op.drop_constraint(batch_op.f('fk_messages_user_id_users'), type_='foreignkey')
        batch_op.drop_column('user_id')
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('phone')
    op.drop_table('employment_baselines')
    op.drop_table('special_actions')

"""web: API tokens and worker sign-in codes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('sign_in_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sign_in_codes_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_codes'))
    )
    op.create_index(op.f('ix_sign_in_codes_phone'), 'sign_in_codes', ['phone'], unique=False)
    op.create_index(op.f('ix_sign_in_codes_person_id'), 'sign_in_codes', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sign_in_codes_person_id'), table_name='sign_in_codes')
    op.drop_index(op.f('ix_sign_in_codes_phone'), table_name='sign_in_codes')
    op.drop_table('sign_in_codes')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')

"""messages: the SMS outbox and the inbound texts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('to_phone', sa.String(length=20), nullable=True),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('expects_reply', sa.Boolean(), nullable=False),
    sa.Column('answered_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('in_doubt', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('provider_message_id', sa.String(length=64), nullable=True),
    sa.Column('idempotency_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_messages_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_messages_idempotency_key'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_messages_person_id_created_at', ['person_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_to_phone'), ['to_phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_provider_message_id'), ['provider_message_id'], unique=False)

    op.create_table('inbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=False),
    sa.Column('from_phone', sa.String(length=20), nullable=False),
    sa.Column('to_phone', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('unread', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_inbound_messages_message_id_messages')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_inbound_messages_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    sa.UniqueConstraint('provider_sid', name=op.f('uq_inbound_messages_provider_sid'))
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_messages_from_phone'), ['from_phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_messages_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_messages_unread'), ['unread'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_messages_unread'))
        batch_op.drop_index(batch_op.f('ix_inbound_messages_person_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_messages_from_phone'))
    op.drop_table('inbound_messages')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_provider_message_id'))
        batch_op.drop_index(batch_op.f('ix_messages_subject'))
        batch_op.drop_index(batch_op.f('ix_messages_to_phone'))
        batch_op.drop_index('ix_messages_person_id_created_at')
        batch_op.drop_index('ix_messages_status_due_at')
    op.drop_table('messages')

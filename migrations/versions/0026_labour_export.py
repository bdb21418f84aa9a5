"""labour export: groups, their members, the county's transport subsidy (issue 18, rule 12)

Revision ID: 0026_labour_export
Revises: 0023_sms_speed
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0026_labour_export'
down_revision = '0023_sms_speed'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table('export_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('destination_province', sa.String(length=30), nullable=False),
    sa.Column('destination_city', sa.String(length=30), nullable=False),
    sa.Column('jobs', sa.String(length=120), nullable=False),
    sa.Column('monthly_wage', sa.Integer(), nullable=False),
    sa.Column('dormitory', sa.Boolean(), nullable=False),
    sa.Column('meals', sa.Boolean(), nullable=False),
    sa.Column('contract_months', sa.Integer(), nullable=False),
    sa.Column('departs_at', UTC(timezone=True), nullable=False),
    sa.Column('gathering_point', sa.String(length=60), nullable=False),
    sa.Column('transport', sa.String(length=16), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('leader_user_id', sa.Integer(), nullable=True),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_export_groups_county_id_counties')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_export_groups_employer_id_employers')),
    sa.ForeignKeyConstraint(['leader_user_id'], ['users.id'], name=op.f('fk_export_groups_leader_user_id_users')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['employers.id'], name=op.f('fk_export_groups_cooperative_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_groups'))
    )
    with op.batch_alter_table('export_groups') as batch_op:
        batch_op.create_index(batch_op.f('ix_export_groups_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_groups_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_groups_departs_at'), ['departs_at'], unique=False)
    op.create_table('export_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('invited_at', UTC(timezone=True), nullable=True),
    sa.Column('answered_at', UTC(timezone=True), nullable=True),
    sa.Column('answered_via', sa.String(length=8), nullable=False),
    sa.Column('reminder_queued_at', UTC(timezone=True), nullable=True),
    sa.Column('checked_in_at', UTC(timezone=True), nullable=True),
    sa.Column('check_in_method', sa.String(length=10), nullable=False),
    sa.Column('arrival_asked_at', UTC(timezone=True), nullable=True),
    sa.Column('arrived_on', sa.Date(), nullable=True),
    sa.Column('arrival_confirmed_by', sa.String(length=40), nullable=False),
    sa.Column('spell_id', sa.Integer(), nullable=True),
    sa.Column('transport_subsidy_yuan', sa.Integer(), nullable=True),
    sa.Column('stayed_1m', sa.Boolean(), nullable=True),
    sa.Column('stayed_3m', sa.Boolean(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('return_reason', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['export_groups.id'], name=op.f('fk_export_members_group_id_export_groups'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_export_members_person_id_persons')),
    sa.ForeignKeyConstraint(['spell_id'], ['employment_spells.id'],
                            name=op.f('fk_export_members_spell_id_employment_spells')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_members')),
    sa.UniqueConstraint('group_id', 'person_id', name=op.f('uq_export_members_group_id'))
    )
    with op.batch_alter_table('export_members') as batch_op:
        batch_op.create_index(batch_op.f('ix_export_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_members_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_members_status'), ['status'], unique=False)
    # A plain ALTER (SQLite >= 3.35), as in 0009: a batch copy of counties would break the foreign keys to it.
    op.add_column('counties', sa.Column('transport_subsidy_yuan', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('counties', 'transport_subsidy_yuan')
    op.drop_table('export_members')
    op.drop_table('export_groups')

"""gigs: the odd-job market (零工市场): gigs, availability, placements with work and pay

Revision ID: 0025_gigs
Revises: 0026_labour_export
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0025_gigs'
down_revision = '0026_labour_export'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    op.create_table('gigs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=80), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('work_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('end_time', sa.String(length=5), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('physical_demand', sa.String(length=8), nullable=False),
    sa.Column('pay_basis', sa.String(length=5), nullable=False),
    sa.Column('pay_yuan', sa.Integer(), nullable=False),
    sa.Column('pay_timing', sa.String(length=12), nullable=False),
    sa.Column('pay_method', sa.String(length=8), nullable=False),
    sa.Column('meals', sa.Boolean(), nullable=False),
    sa.Column('transport', sa.Boolean(), nullable=False),
    sa.Column('accident_insurance', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('posted_by', sa.String(length=40), nullable=False),
    sa.Column('posted_at', UTC(timezone=True), nullable=False),
    sa.Column('pay_overdue_checked_at', UTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_gigs_employer_id_employers')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_gigs_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gigs'))
    )
    op.create_index(op.f('ix_gigs_employer_id'), 'gigs', ['employer_id'], unique=False)
    op.create_index('ix_gigs_settlement_id_work_date', 'gigs', ['settlement_id', 'work_date'], unique=False)
    op.create_index(op.f('ix_gigs_status'), 'gigs', ['status'], unique=False)
    op.create_index(op.f('ix_gigs_work_date'), 'gigs', ['work_date'], unique=False)
    op.create_table('gig_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('recorded_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_gig_availability_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gig_availability')),
    sa.UniqueConstraint('person_id', 'day', name=op.f('uq_gig_availability_person_id'))
    )
    op.create_index(op.f('ix_gig_availability_day'), 'gig_availability', ['day'], unique=False)
    op.create_index(op.f('ix_gig_availability_person_id'), 'gig_availability', ['person_id'], unique=False)
    op.create_table('gig_placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gig_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('needs_call', sa.Boolean(), nullable=False),
    sa.Column('offered_at', UTC(timezone=True), nullable=False),
    sa.Column('expires_at', UTC(timezone=True), nullable=True),
    sa.Column('answered_at', UTC(timezone=True), nullable=True),
    sa.Column('pay_status', sa.String(length=18), nullable=False),
    sa.Column('worked_days', sa.Float(), nullable=True),
    sa.Column('worked_hours', sa.Float(), nullable=True),
    sa.Column('pay_total_yuan', sa.Integer(), nullable=True),
    sa.Column('work_confirmed_at', UTC(timezone=True), nullable=True),
    sa.Column('pay_answered_at', UTC(timezone=True), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['gig_id'], ['gigs.id'], name=op.f('fk_gig_placements_gig_id_gigs')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_gig_placements_person_id_persons')),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_gig_placements_problem_id_problems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gig_placements')),
    sa.UniqueConstraint('gig_id', 'person_id', name=op.f('uq_gig_placements_gig_id'))
    )
    op.create_index(op.f('ix_gig_placements_expires_at'), 'gig_placements', ['expires_at'], unique=False)
    op.create_index(op.f('ix_gig_placements_gig_id'), 'gig_placements', ['gig_id'], unique=False)
    op.create_index(op.f('ix_gig_placements_pay_status'), 'gig_placements', ['pay_status'], unique=False)
    op.create_index(op.f('ix_gig_placements_person_id'), 'gig_placements', ['person_id'], unique=False)
    op.create_index(op.f('ix_gig_placements_status'), 'gig_placements', ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('gig_placements')
    op.drop_table('gig_availability')
    op.drop_table('gigs')

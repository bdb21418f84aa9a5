"""workflows: door visits, fair attendees and outcomes, training, problems, welfare spells

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def _fk(table: str, column: str, target: str, **kwargs) -> sa.ForeignKeyConstraint:
    name = target.split('.')[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f'fk_{table}_{column}_{name}'), **kwargs)


def upgrade() -> None:
    op.create_table('door_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('visited_at', UTC(timezone=True), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    _fk('door_visits', 'household_id', 'households.id'),
    _fk('door_visits', 'staff_user_id', 'users.id'),
    _fk('door_visits', 'vacancy_id', 'vacancies.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_visits'))
    )
    _index('door_visits', 'household_id', 'visited_at')

    op.create_table('fair_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', UTC(timezone=True), nullable=True),
    sa.Column('registered_at', UTC(timezone=True), nullable=True),
    sa.Column('registered_via', sa.String(length=8), nullable=False),
    sa.Column('declined_at', UTC(timezone=True), nullable=True),
    sa.Column('reminder_queued_at', UTC(timezone=True), nullable=True),
    sa.Column('checked_in_at', UTC(timezone=True), nullable=True),
    sa.Column('check_in_method', sa.String(length=10), nullable=False),
    sa.Column('visitor_name', sa.String(length=40), nullable=False),
    sa.Column('visitor_phone', sa.String(length=20), nullable=True),
    sa.Column('visitor_id_number', sa.String(length=18), nullable=True),
    _fk('fair_attendees', 'fair_id', 'fairs.id', ondelete='CASCADE'),
    _fk('fair_attendees', 'person_id', 'persons.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_attendees')),
    sa.UniqueConstraint('fair_id', 'person_id', name=op.f('uq_fair_attendees_fair_id'))
    )
    _index('fair_attendees', 'fair_id', 'person_id')

    op.create_table('fair_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', UTC(timezone=True), nullable=False),
    _fk('fair_outcomes', 'fair_id', 'fairs.id', ondelete='CASCADE'),
    _fk('fair_outcomes', 'employer_id', 'employers.id'),
    _fk('fair_outcomes', 'person_id', 'persons.id'),
    _fk('fair_outcomes', 'vacancy_id', 'vacancies.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_outcomes')),
    sa.UniqueConstraint('fair_id', 'employer_id', 'person_id', 'stage', name=op.f('uq_fair_outcomes_fair_id'))
    )
    _index('fair_outcomes', 'employer_id', 'fair_id', 'person_id')

    op.create_table('training_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('skill_text', sa.String(length=80), nullable=False),
    sa.Column('occupation_code', sa.String(length=20), nullable=False),
    sa.Column('requested_at', UTC(timezone=True), nullable=False),
    _fk('training_requests', 'person_id', 'persons.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_requests'))
    )
    _index('training_requests', 'person_id')

    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('occupation_code', sa.String(length=20), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    _fk('training_courses', 'county_id', 'counties.id'),
    _fk('training_courses', 'settlement_id', 'settlements.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses'))
    )
    _index('training_courses', 'county_id', 'occupation_code')

    op.create_table('training_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', UTC(timezone=True), nullable=False),
    sa.Column('completed_at', UTC(timezone=True), nullable=True),
    sa.Column('certificate', sa.String(length=80), nullable=False),
    _fk('training_enrolments', 'course_id', 'training_courses.id'),
    _fk('training_enrolments', 'person_id', 'persons.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enrolments')),
    sa.UniqueConstraint('course_id', 'person_id', name=op.f('uq_training_enrolments_course_id'))
    )
    _index('training_enrolments', 'course_id', 'person_id')

    op.create_table('problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reported_at', UTC(timezone=True), nullable=False),
    sa.Column('acknowledged_at', UTC(timezone=True), nullable=True),
    sa.Column('on_site_at', UTC(timezone=True), nullable=True),
    sa.Column('resolved_at', UTC(timezone=True), nullable=True),
    sa.Column('handled_by_user_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    _fk('problems', 'household_id', 'households.id'),
    _fk('problems', 'person_id', 'persons.id'),
    _fk('problems', 'follow_up_id', 'follow_ups.id'),
    _fk('problems', 'handled_by_user_id', 'users.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problems'))
    )
    _index('problems', 'household_id', 'person_id', 'reported_at', 'resolved_at')

    with op.batch_alter_table('welfare_appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spell_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_welfare_appointments_spell_id_employment_spells'),
                                    'employment_spells', ['spell_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('welfare_appointments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_welfare_appointments_spell_id_employment_spells'), type_='foreignkey')
        batch_op.drop_column('spell_id')
    for table in ('problems', 'training_enrolments', 'training_courses', 'training_requests',
                  'fair_outcomes', 'fair_attendees', 'door_visits'):
        op.drop_table(table)

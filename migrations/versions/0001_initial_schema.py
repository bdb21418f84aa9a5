"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('province', sa.String(length=30), nullable=False),
    sa.Column('adcode', sa.String(length=12), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counties')),
    sa.UniqueConstraint('name', name=op.f('uq_counties_name'))
    )
    op.create_table('employers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=40), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_employers_county_id_counties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers')),
    sa.UniqueConstraint('name', name=op.f('uq_employers_name'))
    )
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employers_county_id'), ['county_id'], unique=False)

    op.create_table('settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('location_source', sa.String(length=12), nullable=False),
    sa.Column('relocated_people', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_settlements_county_id_counties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlements')),
    sa.UniqueConstraint('county_id', 'name', name=op.f('uq_settlements_county_id'))
    )
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlements_county_id'), ['county_id'], unique=False)

    op.create_table('fairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_fairs_county_id_counties')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_fairs_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fairs'))
    )
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fairs_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('household_no', sa.String(length=40), nullable=False),
    sa.Column('labourers', sa.Integer(), nullable=False),
    sa.Column('employed', sa.Integer(), nullable=False),
    sa.Column('zero_employment', sa.Boolean(), nullable=False),
    sa.Column('zero_employment_since', jobmatch.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_households_county_id_counties')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_households_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('county_id', 'household_no', name=op.f('uq_households_county_id'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_zero_employment'), ['zero_employment'], unique=False)

    op.create_table('vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('openings', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('physical_demand', sa.String(length=8), nullable=False),
    sa.Column('wage_min', sa.Integer(), nullable=True),
    sa.Column('wage_max', sa.Integer(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('dormitory', sa.Boolean(), nullable=False),
    sa.Column('hours', sa.String(length=14), nullable=False),
    sa.Column('government_funded', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('posted_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_vacancies_county_id_counties')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_vacancies_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies'))
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_status'), ['status'], unique=False)

    op.create_table('welfare_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('monthly_subsidy', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_welfare_posts_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_posts'))
    )
    with op.batch_alter_table('welfare_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welfare_posts_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('fair_vacancies',
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_fair_vacancies_fair_id_fairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_fair_vacancies_vacancy_id_vacancies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fair_id', 'vacancy_id', name=op.f('pk_fair_vacancies'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('gender', sa.String(length=6), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('relation', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('phone_invalid', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.String(length=8), nullable=False),
    sa.Column('wants_work', sa.Boolean(), nullable=True),
    sa.Column('mobility', sa.String(length=10), nullable=True),
    sa.Column('max_commute_km', sa.Float(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('certificates', sa.JSON(), nullable=False),
    sa.Column('training_wishes', sa.JSON(), nullable=False),
    sa.Column('wage_expectation', sa.Integer(), nullable=True),
    sa.Column('disability', sa.String(length=6), nullable=False),
    sa.Column('monitoring', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('sms_opt_out', sa.Boolean(), nullable=False),
    sa.Column('cannot_leave_site', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_persons_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('id_number', name=op.f('uq_persons_id_number'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_phone'), ['phone'], unique=False)

    op.create_table('employment_spells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('employer_name', sa.String(length=120), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=120), nullable=False),
    sa.Column('monthly_income', sa.Integer(), nullable=True),
    sa.Column('contract_months', sa.Integer(), nullable=True),
    sa.Column('social_insurance', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_employment_spells_employer_id_employers')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_employment_spells_person_id_persons')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_employment_spells_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment_spells'))
    )
    with op.batch_alter_table('employment_spells', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_spells_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_spells_ended_on'), ['ended_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_spells_person_id'), ['person_id'], unique=False)

    op.create_table('ledger_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('data_digest', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_ledger_events_household_id_households')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_ledger_events_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_ledger_events_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_ledger_events_prev_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_ledger_events_seq'))
    )
    with op.batch_alter_table('ledger_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_events_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_events_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_ledger_events_subject', ['subject'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_users_county_id_counties')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_users_employer_id_employers')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_users_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('person_id', name=op.f('uq_users_person_id')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('welfare_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('term_ends_on', sa.Date(), nullable=False),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_welfare_appointments_person_id_persons')),
    sa.ForeignKeyConstraint(['post_id'], ['welfare_posts.id'], name=op.f('fk_welfare_appointments_post_id_welfare_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_appointments'))
    )
    with op.batch_alter_table('welfare_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welfare_appointments_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_welfare_appointments_post_id'), ['post_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('contacted_at', jobmatch.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_follow_ups_household_id_households')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_follow_ups_staff_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_contacted_at'), ['contacted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_household_id'), ['household_id'], unique=False)

    op.create_table('staff_settlements',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_staff_settlements_settlement_id_settlements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_settlements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'settlement_id', name=op.f('pk_staff_settlements'))
    )

    _create_append_only_triggers()


# The ledger is append-only: the database itself refuses UPDATE and DELETE on events.
PG_TRIGGER = """
CREATE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_events_no_update BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only();
"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (DELETE refused)'); END""",
]


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update ON ledger_events")
        op.execute("DROP FUNCTION IF EXISTS ledger_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_delete")


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table('staff_settlements')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_household_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_contacted_at'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('welfare_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_welfare_appointments_post_id'))
        batch_op.drop_index(batch_op.f('ix_welfare_appointments_person_id'))

    op.drop_table('welfare_appointments')
    op.drop_table('users')
    with op.batch_alter_table('ledger_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_events_subject')
        batch_op.drop_index(batch_op.f('ix_ledger_events_person_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_events_kind'))
        batch_op.drop_index(batch_op.f('ix_ledger_events_household_id'))

    op.drop_table('ledger_events')
    with op.batch_alter_table('employment_spells', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_spells_person_id'))
        batch_op.drop_index(batch_op.f('ix_employment_spells_ended_on'))
        batch_op.drop_index(batch_op.f('ix_employment_spells_employer_id'))

    op.drop_table('employment_spells')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_phone'))
        batch_op.drop_index(batch_op.f('ix_persons_household_id'))

    op.drop_table('persons')
    op.drop_table('fair_vacancies')
    with op.batch_alter_table('welfare_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_welfare_posts_settlement_id'))

    op.drop_table('welfare_posts')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_status'))
        batch_op.drop_index(batch_op.f('ix_vacancies_employer_id'))
        batch_op.drop_index(batch_op.f('ix_vacancies_county_id'))

    op.drop_table('vacancies')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_zero_employment'))
        batch_op.drop_index(batch_op.f('ix_households_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_households_county_id'))

    op.drop_table('households')
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fairs_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_fairs_held_on'))
        batch_op.drop_index(batch_op.f('ix_fairs_county_id'))

    op.drop_table('fairs')
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlements_county_id'))

    op.drop_table('settlements')
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employers_county_id'))

    op.drop_table('employers')
    op.drop_table('counties')

"""offers: matching rounds, their vacancies, and the offers they make

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime(timezone=True)
ONE_SENT_PER_PERSON = sa.text("status = 'sent'")


def upgrade() -> None:
    op.create_table('match_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('approved_at', UTC, nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_match_rounds_county_id_counties')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'],
                            name=op.f('fk_match_rounds_settlement_id_settlements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_rounds'))
    )
    with op.batch_alter_table('match_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_rounds_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_rounds_settlement_id'), ['settlement_id'], unique=False)

    op.create_table('match_round_vacancies',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['match_rounds.id'], ondelete='CASCADE',
                            name=op.f('fk_match_round_vacancies_round_id_match_rounds')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], ondelete='CASCADE',
                            name=op.f('fk_match_round_vacancies_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('round_id', 'vacancy_id', name=op.f('pk_match_round_vacancies'))
    )

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=True),
    sa.Column('channel', sa.String(length=6), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('skip_reason', sa.String(length=60), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('sent_at', UTC, nullable=True),
    sa.Column('expires_at', UTC, nullable=True),
    sa.Column('responded_at', UTC, nullable=True),
    sa.Column('responded_via', sa.String(length=10), nullable=False),
    sa.Column('interview_on', sa.Date(), nullable=True),
    sa.Column('interview_note', sa.Text(), nullable=False),
    sa.Column('decided_at', UTC, nullable=True),
    sa.Column('outcome_note', sa.String(length=200), nullable=False),
    sa.Column('spell_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['match_rounds.id'], ondelete='CASCADE',
                            name=op.f('fk_offers_round_id_match_rounds')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_offers_vacancy_id_vacancies')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_offers_person_id_persons')),
    sa.ForeignKeyConstraint(['spell_id'], ['employment_spells.id'],
                            name=op.f('fk_offers_spell_id_employment_spells')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
    sa.UniqueConstraint('round_id', 'vacancy_id', 'person_id', name=op.f('uq_offers_round_id'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_vacancy_id'), ['vacancy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('uq_offers_one_sent_per_person', ['person_id'], unique=True,
                              sqlite_where=ONE_SENT_PER_PERSON, postgresql_where=ONE_SENT_PER_PERSON)


def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('uq_offers_one_sent_per_person')
        batch_op.drop_index(batch_op.f('ix_offers_expires_at'))
        batch_op.drop_index(batch_op.f('ix_offers_status'))
        batch_op.drop_index(batch_op.f('ix_offers_person_id'))
        batch_op.drop_index(batch_op.f('ix_offers_vacancy_id'))
        batch_op.drop_index(batch_op.f('ix_offers_round_id'))
    op.drop_table('offers')
    op.drop_table('match_round_vacancies')
    with op.batch_alter_table('match_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_rounds_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_match_rounds_county_id'))
    op.drop_table('match_rounds')

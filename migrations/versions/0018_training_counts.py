"""training counts: the assessment recorded on completion, training and certification subsidies (rule 5)

Revision ID: 0018_training_counts
Revises: 0019_staff_day
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0018_training_counts'
down_revision = '0019_staff_day'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('training_enrolments') as batch_op:
        batch_op.add_column(sa.Column('assessment', sa.String(length=20), nullable=False,
                                      server_default='not_assessed'))
    op.create_table(
        'training_subsidies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('recorded_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['training_courses.id']),
        sa.ForeignKeyConstraint(['enrolment_id'], ['training_enrolments.id']),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('enrolment_id', 'kind'),
    )
    with op.batch_alter_table('training_subsidies') as batch_op:
        batch_op.create_index('ix_training_subsidies_course_id', ['course_id'])
        batch_op.create_index('ix_training_subsidies_enrolment_id', ['enrolment_id'])
        batch_op.create_index('ix_training_subsidies_month', ['month'])
        batch_op.create_index('ix_training_subsidies_person_id', ['person_id'])


def downgrade() -> None:
    op.drop_table('training_subsidies')
    with op.batch_alter_table('training_enrolments') as batch_op:
        batch_op.drop_column('assessment')

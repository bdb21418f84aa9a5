"""worker day: a hire tells the worker where to go, whom to call and what to bring; a fair's start time; places staff know (issue 17)

Revision ID: 0020_worker_day
Revises: 0018_training_counts
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_worker_day'
down_revision = '0018_training_counts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'places',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(60), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['counties.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('county_id', 'name'),
    )
    op.create_index('ix_places_county_id', 'places', ['county_id'])
    with op.batch_alter_table('fairs') as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=False, server_default='09:00:00'))
    with op.batch_alter_table('employment_spells') as batch_op:
        batch_op.add_column(sa.Column('work_place', sa.String(120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact', sa.String(60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('bring', sa.String(200), nullable=False, server_default=''))


def downgrade() -> None:
    op.drop_index('ix_places_county_id', table_name='places')
    op.drop_table('places')
    with op.batch_alter_table('fairs') as batch_op:
        batch_op.drop_column('starts_at')
    with op.batch_alter_table('employment_spells') as batch_op:
        batch_op.drop_column('bring')
        batch_op.drop_column('contact')
        batch_op.drop_column('work_place')

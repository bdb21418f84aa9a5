"""nobody falls through: household monitoring flag, monitoring alerts, what a monitored household's follow-up records

Revision ID: 0014_nobody_falls_through
Revises: 0009 (to become 0013_welfare_policy when that branch is merged)
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0014_nobody_falls_through'
down_revision = '0012_sms_content'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime

# A household carries its members' roster flag; when members differ, the most urgent one.
_BACKFILL_MONITORING = """
UPDATE households SET monitoring = COALESCE((
    SELECT p.monitoring FROM persons p WHERE p.household_id = households.id AND p.monitoring <> 'none'
    ORDER BY CASE p.monitoring WHEN 'hardship' THEN 0 WHEN 'unstable' THEN 1 ELSE 2 END LIMIT 1), 'none')
"""


def upgrade() -> None:
    with op.batch_alter_table('households') as batch_op:
        batch_op.add_column(sa.Column('monitoring', sa.String(length=10), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('monitoring_since', UTC(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_households_monitoring'), ['monitoring'], unique=False)
    op.execute(_BACKFILL_MONITORING)
    with op.batch_alter_table('follow_ups') as batch_op:
        batch_op.add_column(sa.Column('employment_state', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('needs', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('training_wish', sa.Text(), nullable=False, server_default=''))
    op.create_table('monitoring_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', UTC(timezone=True), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('closed_at', UTC(timezone=True), nullable=True),
    sa.Column('closed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_monitoring_alerts_household_id_households')),
    sa.ForeignKeyConstraint(['closed_by_user_id'], ['users.id'], name=op.f('fk_monitoring_alerts_closed_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alerts'))
    )
    with op.batch_alter_table('monitoring_alerts') as batch_op:
        for column in ('household_id', 'raised_at', 'closed_at'):
            batch_op.create_index(batch_op.f(f'ix_monitoring_alerts_{column}'), [column], unique=False)


def downgrade() -> None:
    op.drop_table('monitoring_alerts')
    for column in ('training_wish', 'needs', 'employment_state'):
        op.drop_column('follow_ups', column)
    op.drop_index('ix_households_monitoring', table_name='households')
    op.drop_column('households', 'monitoring_since')
    op.drop_column('households', 'monitoring')

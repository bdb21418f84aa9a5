"""gig places: a gig may name a known place (places); a text in a worker's own words opens a problem

Revision ID: 0034_gig_places
Revises: 0029_site_figures
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0034_gig_places'
down_revision = "0029_site_figures"
branch_labels = None
depends_on = None

# (table, column, referred table): nullable references added with plain ALTERs (no batch copy of
# tables other tables point at).
_REFERENCES = (('gigs', 'place_id', 'places'), ('inbound_messages', 'problem_id', 'problems'))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, referred in _REFERENCES:
        name = f'fk_{table}_{column}_{referred}'
        if sqlite:  # SQLite takes a reference only inline
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {referred} (id)')
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), table, referred, [column], ['id'])
    op.create_index(op.f('ix_inbound_messages_problem_id'), 'inbound_messages', ['problem_id'], unique=False)
    op.add_column('problems', sa.Column('not_a_problem', sa.String(length=10), server_default='', nullable=False))


def downgrade() -> None:
    op.drop_column('problems', 'not_a_problem')
    op.drop_index(op.f('ix_inbound_messages_problem_id'), table_name='inbound_messages')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, referred in _REFERENCES:
        if sqlite:
            with op.batch_alter_table(table) as batch_op:
                batch_op.drop_column(column)
        else:
            op.drop_constraint(op.f(f'fk_{table}_{column}_{referred}'), table, type_='foreignkey')
            op.drop_column(table, column)

"""page indexes: a site's members read from an index alone (issue 19, pages at province size)

Revision ID: 0031_page_indexes
Revises: 0034_gig_places
Create Date: 2026-12-01
"""
from alembic import op

revision = '0031_page_indexes'
down_revision = "0034_gig_places"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_persons_household_id_members', 'persons', ['household_id'], unique=False,
                    postgresql_include=['id', 'name', 'relation'])


def downgrade() -> None:
    op.drop_index('ix_persons_household_id_members', table_name='persons')

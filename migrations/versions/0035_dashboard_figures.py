"""dashboard figures: each site's waiting offers kept in site_figures, marked changed by triggers on offers

The staff dashboard reads its tiles from site_figures (jobmatch.services.households.day_figures);
the offers waiting for an answer are one of them: how many (waiting_offers) and which come first
in the dashboard's order (waiting_first, offer ids). A sent offer, one that stops being sent or
changes channel or answer-by time, and a worker moving to another household mark the sites
concerned in site_figure_changes, in the same transaction, as migration 0029_site_figures does
for households, problems and alerts.

Revision ID: 0035_dashboard_figures
Revises: 0028_ledger_seal
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0035_dashboard_figures'
down_revision = "0028_ledger_seal"
branch_labels = None
depends_on = None

# the site of a person: (person id expression) -> SELECT of its settlement_id
_SITE_OF = ("SELECT h.settlement_id FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE p.id = {person}")

PG_TRIGGERS = f"""
CREATE FUNCTION site_figures_mark_offer() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'sent' THEN
        INSERT INTO site_figure_changes (settlement_id) {_SITE_OF.format(person="OLD.person_id")};
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'sent' THEN
        INSERT INTO site_figure_changes (settlement_id) {_SITE_OF.format(person="NEW.person_id")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER offers_mark_site AFTER INSERT OR DELETE OR UPDATE OF status, person_id, channel, expires_at
    ON offers FOR EACH ROW EXECUTE FUNCTION site_figures_mark_offer();

CREATE FUNCTION site_figures_mark_member() RETURNS trigger AS $$
BEGIN
    INSERT INTO site_figure_changes (settlement_id)
        SELECT settlement_id FROM households WHERE id IN (OLD.household_id, NEW.household_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER persons_mark_site AFTER UPDATE OF household_id ON persons
    FOR EACH ROW WHEN (OLD.household_id IS DISTINCT FROM NEW.household_id)
    EXECUTE FUNCTION site_figures_mark_member();
"""

SQLITE_TRIGGER_NAMES = ("offers_mark_site_insert", "offers_mark_site_delete", "offers_mark_site_update",
                        "persons_mark_site_update")


def sqlite_triggers() -> list[str]:
    mark = "INSERT INTO site_figure_changes (settlement_id)"
    old_site, new_site = _SITE_OF.format(person="OLD.person_id"), _SITE_OF.format(person="NEW.person_id")
    return [
        f"CREATE TRIGGER offers_mark_site_insert AFTER INSERT ON offers WHEN NEW.status = 'sent' "
        f"BEGIN {mark} {new_site}; END",
        f"CREATE TRIGGER offers_mark_site_delete AFTER DELETE ON offers WHEN OLD.status = 'sent' "
        f"BEGIN {mark} {old_site}; END",
        f"""CREATE TRIGGER offers_mark_site_update AFTER UPDATE OF status, person_id, channel, expires_at ON offers
            WHEN OLD.status = 'sent' OR NEW.status = 'sent'
            BEGIN {mark} {old_site} UNION {new_site}; END""",
        f"""CREATE TRIGGER persons_mark_site_update AFTER UPDATE OF household_id ON persons
            WHEN OLD.household_id IS NOT NEW.household_id
            BEGIN {mark} SELECT settlement_id FROM households WHERE id IN (OLD.household_id, NEW.household_id); END""",
    ]


def upgrade() -> None:
    op.add_column('site_figures', sa.Column('waiting_offers', sa.Integer(), server_default='0', nullable=False))
    op.add_column('site_figures', sa.Column('waiting_first', sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGERS)
    else:
        for statement in sqlite_triggers():
            op.execute(statement)
    # every site counted again (its waiting offers were never counted) at the next refresh
    op.execute("INSERT INTO site_figure_changes (settlement_id) SELECT settlement_id FROM site_figures")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS offers_mark_site ON offers")
        op.execute("DROP TRIGGER IF EXISTS persons_mark_site ON persons")
        op.execute("DROP FUNCTION IF EXISTS site_figures_mark_offer()")
        op.execute("DROP FUNCTION IF EXISTS site_figures_mark_member()")
        op.drop_column('site_figures', 'waiting_first')
        op.drop_column('site_figures', 'waiting_offers')
    else:
        for trigger in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        with op.batch_alter_table('site_figures') as batch:
            batch.drop_column('waiting_first')
            batch.drop_column('waiting_offers')

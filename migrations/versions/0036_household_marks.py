"""household marks per statement: the triggers marking a site changed fire once per statement on households

Migration 0029_site_figures marked a household's site changed with a row trigger, one INSERT
into site_figure_changes per household inserted or updated. A roster import inserting and
updating tens of thousands of households paid that per row (issue 19). These statement
triggers read the rows from transition tables and mark each site once per statement; the sites
marked are the same. PostgreSQL only: SQLite keeps 0029's row triggers (it has no statement
triggers).

Revision ID: 0036_household_marks
Revises: 0035_dashboard_figures
Create Date: 2026-12-01
"""
from alembic import op

revision = '0036_household_marks'
down_revision = '0035_dashboard_figures'
branch_labels = None
depends_on = None

_CHANGED = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in (
    "labourers", "employed", "zero_employment", "monitoring", "last_follow_up_at", "settlement_id"))

UPGRADE = f"""
DROP TRIGGER households_mark_site ON households;
DROP TRIGGER households_mark_site_on_update ON households;

CREATE FUNCTION site_figures_mark_households_added() RETURNS trigger AS $$
BEGIN
    INSERT INTO site_figure_changes (settlement_id) SELECT DISTINCT settlement_id FROM new_rows;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION site_figures_mark_households_removed() RETURNS trigger AS $$
BEGIN
    INSERT INTO site_figure_changes (settlement_id) SELECT DISTINCT settlement_id FROM old_rows;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION site_figures_mark_households_changed() RETURNS trigger AS $$
BEGIN
    WITH changed AS (
        SELECT o.settlement_id AS before, n.settlement_id AS after
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE {_CHANGED})
    INSERT INTO site_figure_changes (settlement_id)
    SELECT before FROM changed UNION SELECT after FROM changed;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_mark_sites_added AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION site_figures_mark_households_added();
CREATE TRIGGER households_mark_sites_removed AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION site_figures_mark_households_removed();
CREATE TRIGGER households_mark_sites_changed AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION site_figures_mark_households_changed();
"""

_CHANGED_ROW = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in (
    "labourers", "employed", "zero_employment", "monitoring", "last_follow_up_at", "settlement_id"))

DOWNGRADE = f"""
DROP TRIGGER households_mark_sites_added ON households;
DROP TRIGGER households_mark_sites_removed ON households;
DROP TRIGGER households_mark_sites_changed ON households;
DROP FUNCTION site_figures_mark_households_added();
DROP FUNCTION site_figures_mark_households_removed();
DROP FUNCTION site_figures_mark_households_changed();
CREATE TRIGGER households_mark_site AFTER INSERT OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION site_figures_mark_household();
CREATE TRIGGER households_mark_site_on_update AFTER UPDATE ON households
    FOR EACH ROW WHEN ({_CHANGED_ROW}) EXECUTE FUNCTION site_figures_mark_household();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DOWNGRADE)

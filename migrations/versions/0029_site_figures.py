"""site figures: per-site figures for the province overview, and the triggers that mark a site changed

Every change to a household's counters, flags or follow-up time, to an open problem or
monitoring alert, and every new site adds a row to site_figure_changes in the same
transaction (jobmatch.models.figures). On SQLite a later ``batch_alter_table`` on one of these
tables recreates it without its triggers: recreate them there (tests/province checks the
figures against a recompute on both databases).

Revision ID: 0029_site_figures
Revises: 0027_ledger_checkpoints
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import jobmatch.models.types

revision = '0029_site_figures'
down_revision = '0027_ledger_checkpoints'
branch_labels = None
depends_on = None

UTC = jobmatch.models.types.UTCDateTime
HOUSEHOLD_FIGURE_COLUMNS = ("labourers", "employed", "zero_employment", "monitoring", "last_follow_up_at",
                            "settlement_id")


def upgrade() -> None:
    op.create_table(
        'site_figures',
        sa.Column('settlement_id', sa.Integer(), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.Column('labourers', sa.Integer(), nullable=False),
        sa.Column('employed', sa.Integer(), nullable=False),
        sa.Column('zero_employment', sa.Integer(), nullable=False),
        sa.Column('monitored', sa.Integer(), nullable=False),
        sa.Column('follow_ups_due', sa.Integer(), nullable=False),
        sa.Column('open_alerts', sa.Integer(), nullable=False),
        sa.Column('open_problems', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('computed_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'],
                                name=op.f('fk_site_figures_settlement_id_settlements'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('settlement_id', name=op.f('pk_site_figures')),
    )
    op.create_table(
        'site_figure_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('settlement_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_figure_changes')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGERS)
    else:
        for statement in sqlite_triggers():
            op.execute(statement)


_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in HOUSEHOLD_FIGURE_COLUMNS)

PG_TRIGGERS = f"""
CREATE FUNCTION site_figures_mark_household() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO site_figure_changes (settlement_id) VALUES (OLD.settlement_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.settlement_id IS DISTINCT FROM OLD.settlement_id) THEN
        INSERT INTO site_figure_changes (settlement_id) VALUES (NEW.settlement_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_mark_site AFTER INSERT OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION site_figures_mark_household();
CREATE TRIGGER households_mark_site_on_update AFTER UPDATE ON households
    FOR EACH ROW WHEN ({_changed}) EXECUTE FUNCTION site_figures_mark_household();

CREATE FUNCTION site_figures_mark_household_of() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO site_figure_changes (settlement_id) SELECT settlement_id FROM households WHERE id = OLD.household_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO site_figure_changes (settlement_id) SELECT settlement_id FROM households WHERE id = NEW.household_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER problems_mark_site AFTER INSERT OR DELETE OR UPDATE OF resolved_at, household_id ON problems
    FOR EACH ROW EXECUTE FUNCTION site_figures_mark_household_of();
CREATE TRIGGER monitoring_alerts_mark_site AFTER INSERT OR DELETE OR UPDATE OF closed_at, household_id
    ON monitoring_alerts FOR EACH ROW EXECUTE FUNCTION site_figures_mark_household_of();

CREATE FUNCTION site_figures_mark_settlement() RETURNS trigger AS $$
BEGIN
    INSERT INTO site_figure_changes (settlement_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER settlements_mark_site AFTER INSERT ON settlements
    FOR EACH ROW EXECUTE FUNCTION site_figures_mark_settlement();
"""

SQLITE_TRIGGER_NAMES = ("households_mark_site_insert", "households_mark_site_delete", "households_mark_site_update",
                        "problems_mark_site_insert", "problems_mark_site_delete", "problems_mark_site_update",
                        "monitoring_alerts_mark_site_insert", "monitoring_alerts_mark_site_delete",
                        "monitoring_alerts_mark_site_update", "settlements_mark_site")


def sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in HOUSEHOLD_FIGURE_COLUMNS)
    mark = "INSERT INTO site_figure_changes (settlement_id)"
    statements = [
        f"CREATE TRIGGER households_mark_site_insert AFTER INSERT ON households BEGIN {mark} VALUES (NEW.settlement_id); END",
        f"CREATE TRIGGER households_mark_site_delete AFTER DELETE ON households BEGIN {mark} VALUES (OLD.settlement_id); END",
        f"""CREATE TRIGGER households_mark_site_update AFTER UPDATE ON households WHEN {changed}
            BEGIN {mark} SELECT OLD.settlement_id UNION SELECT NEW.settlement_id; END""",
        f"CREATE TRIGGER settlements_mark_site AFTER INSERT ON settlements BEGIN {mark} VALUES (NEW.id); END",
    ]
    of_household = f"{mark} SELECT settlement_id FROM households WHERE id ="
    for table, columns in (("problems", "resolved_at, household_id"), ("monitoring_alerts", "closed_at, household_id")):
        statements += [
            f"CREATE TRIGGER {table}_mark_site_insert AFTER INSERT ON {table} BEGIN {of_household} NEW.household_id; END",
            f"CREATE TRIGGER {table}_mark_site_delete AFTER DELETE ON {table} BEGIN {of_household} OLD.household_id; END",
            f"""CREATE TRIGGER {table}_mark_site_update AFTER UPDATE OF {columns} ON {table}
                BEGIN {of_household} OLD.household_id; {of_household} NEW.household_id; END""",
        ]
    return statements


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (("households_mark_site", "households"), ("households_mark_site_on_update", "households"),
                               ("problems_mark_site", "problems"), ("monitoring_alerts_mark_site", "monitoring_alerts"),
                               ("settlements_mark_site", "settlements")):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("site_figures_mark_household", "site_figures_mark_household_of", "site_figures_mark_settlement"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for trigger in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table('site_figure_changes')
    op.drop_table('site_figures')

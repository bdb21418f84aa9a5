"""ledger seal: events are inserted unsealed and chained once, after their transaction commits

Revision ID: 0028_ledger_seal
Revises: 0031_page_indexes
Create Date: 2026-12-01

A business transaction inserts its events without seq, prev_hash and hash; the sealer
(jobmatch.ledger.seal_pending) fills them in its own short transaction (issue 19). So the
chain columns become nullable, a partial index finds the unsealed rows, and the append-only
guard allows one more UPDATE besides a redaction: setting seq, prev_hash and hash exactly
once (all three NULL before, none after), nothing else changed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0028_ledger_seal'
down_revision = "0031_page_indexes"
branch_labels = None
depends_on = None

_CHAIN_COLUMNS = (("seq", sa.BigInteger()), ("prev_hash", sa.String(length=64)), ("hash", sa.String(length=64)))

# 0005's guard (a redaction may replace the data of a sealed event) plus the one-time seal.
PG_GUARD = """
CREATE OR REPLACE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND (NEW.id, NEW.occurred_at, NEW.actor, NEW.kind, NEW.household_id, NEW.person_id,
            NEW.subject, NEW.data_digest, NEW.data::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor, OLD.kind, OLD.household_id, OLD.person_id,
            OLD.subject, OLD.data_digest, OLD.data::text)
    THEN
        RETURN NEW;  -- the seal
    END IF;
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.seq, NEW.occurred_at, NEW.actor, NEW.kind, NEW.household_id, NEW.person_id,
            NEW.subject, NEW.data_digest, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.seq, OLD.occurred_at, OLD.actor, OLD.kind, OLD.household_id, OLD.person_id,
            OLD.subject, OLD.data_digest, OLD.prev_hash, OLD.hash)
       AND jsonb_typeof(NEW.data::jsonb -> 'by') = 'number'
       AND NEW.data::jsonb = jsonb_build_object('redacted', true, 'by', NEW.data::jsonb -> 'by')
       AND (NEW.data::jsonb ->> 'by')::numeric > OLD.seq
       AND (OLD.data::jsonb -> 'redacted') IS DISTINCT FROM 'true'::jsonb
    THEN
        RETURN NEW;  -- a redaction
    END IF;
    RAISE EXCEPTION 'ledger events are append-only (% refused; only a redaction or the one-time seal may update)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

# 0005's function, restored by the downgrade.
PG_REDACTION_GUARD = """
CREATE OR REPLACE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.seq, NEW.occurred_at, NEW.actor, NEW.kind, NEW.household_id, NEW.person_id,
            NEW.subject, NEW.data_digest, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.seq, OLD.occurred_at, OLD.actor, OLD.kind, OLD.household_id, OLD.person_id,
            OLD.subject, OLD.data_digest, OLD.prev_hash, OLD.hash)
       AND jsonb_typeof(NEW.data::jsonb -> 'by') = 'number'
       AND NEW.data::jsonb = jsonb_build_object('redacted', true, 'by', NEW.data::jsonb -> 'by')
       AND (NEW.data::jsonb ->> 'by')::numeric > OLD.seq
       AND (OLD.data::jsonb -> 'redacted') IS DISTINCT FROM 'true'::jsonb
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger events are append-only (% refused; only a redaction may update)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_IS_SEAL = """
        OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
        AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
        AND NEW.id IS OLD.id AND NEW.occurred_at IS OLD.occurred_at AND NEW.actor IS OLD.actor
        AND NEW.kind IS OLD.kind AND NEW.household_id IS OLD.household_id AND NEW.person_id IS OLD.person_id
        AND NEW.subject IS OLD.subject AND NEW.data_digest IS OLD.data_digest AND NEW.data IS OLD.data
"""

SQLITE_IS_REDACTION = """
        NEW.id IS OLD.id AND NEW.seq IS OLD.seq AND NEW.occurred_at IS OLD.occurred_at
        AND NEW.actor IS OLD.actor AND NEW.kind IS OLD.kind AND NEW.household_id IS OLD.household_id
        AND NEW.person_id IS OLD.person_id AND NEW.subject IS OLD.subject
        AND NEW.data_digest IS OLD.data_digest AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
        AND json_valid(NEW.data) AND json_type(NEW.data) = 'object'
        AND (SELECT COUNT(*) FROM json_each(NEW.data)) = 2
        AND json_type(NEW.data, '$.redacted') = 'true'
        AND json_type(NEW.data, '$.by') = 'integer'
        AND OLD.seq IS NOT NULL AND json_extract(NEW.data, '$.by') > OLD.seq
        AND json_type(OLD.data, '$.redacted') IS NOT 'true'
"""  # OLD.seq IS NOT NULL: a comparison with NULL would make the WHEN NULL, letting the UPDATE through


def _sqlite_triggers(allowed: str, refused: str) -> list[str]:
    return [
        f"""CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
       WHEN NOT ({allowed})
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (UPDATE refused; {refused})'); END""",
        """CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (DELETE refused)'); END""",
    ]


def _set_chain_nullable(nullable: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":  # the table is rebuilt, which drops its triggers
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_delete")
    with op.batch_alter_table('ledger_events', schema=None) as batch_op:
        for name, type_ in _CHAIN_COLUMNS:
            batch_op.alter_column(name, existing_type=type_, nullable=nullable)


def upgrade() -> None:
    _set_chain_nullable(True)
    op.create_index('ix_ledger_events_unsealed', 'ledger_events', ['id'], unique=False,
                    postgresql_where=sa.text('seq IS NULL'), sqlite_where=sa.text('seq IS NULL'))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)  # the 0001 trigger calls this function; DELETE still raises
    else:
        for statement in _sqlite_triggers(f"({SQLITE_IS_SEAL}) OR ({SQLITE_IS_REDACTION})",
                                          "only a redaction or the one-time seal may update"):
            op.execute(statement)


def downgrade() -> None:
    # Unsealed events cannot be left behind by a downgrade: run `jobmatch ledger seal` first.
    op.drop_index('ix_ledger_events_unsealed', table_name='ledger_events')
    _set_chain_nullable(False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_REDACTION_GUARD)
    else:
        for statement in _sqlite_triggers(SQLITE_IS_REDACTION, "only a redaction may update"):
            op.execute(statement)

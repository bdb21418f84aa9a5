"""ledger redaction: the one UPDATE the ledger allows is replacing an event's data by its redacted form

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

A person who leaves the programme is anonymised (jobmatch.services.people.privacy_requests):
events about them keep their digest and hash, and their data becomes
{"redacted": true, "by": <seq of the person_anonymised event>}. The database enforces
that shape: every other UPDATE, and every DELETE, is still refused. The trigger names
stay those of 0001, so `ALTER TABLE ... DISABLE TRIGGER ledger_events_no_update` still
names the guard.
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


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

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

# SQLite: the UPDATE trigger fires (and aborts) unless the update is exactly a redaction.
SQLITE_IS_REDACTION = """
        NEW.id IS OLD.id AND NEW.seq IS OLD.seq AND NEW.occurred_at IS OLD.occurred_at
        AND NEW.actor IS OLD.actor AND NEW.kind IS OLD.kind AND NEW.household_id IS OLD.household_id
        AND NEW.person_id IS OLD.person_id AND NEW.subject IS OLD.subject
        AND NEW.data_digest IS OLD.data_digest AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
        AND json_valid(NEW.data) AND json_type(NEW.data) = 'object'
        AND (SELECT COUNT(*) FROM json_each(NEW.data)) = 2
        AND json_type(NEW.data, '$.redacted') = 'true'
        AND json_type(NEW.data, '$.by') = 'integer'
        AND json_extract(NEW.data, '$.by') > OLD.seq
        AND json_type(OLD.data, '$.redacted') IS NOT 'true'
"""

SQLITE_REDACTION_GUARD = f"""CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
       WHEN NOT ({SQLITE_IS_REDACTION})
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (UPDATE refused; only a redaction may update)'); END"""

SQLITE_APPEND_ONLY = """CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
       BEGIN SELECT RAISE(ABORT, 'ledger events are append-only (UPDATE refused)'); END"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_REDACTION_GUARD)  # the 0001 trigger calls this function; DELETE still raises
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update")
        op.execute(SQLITE_REDACTION_GUARD)  # ledger_events_no_delete from 0001 stays


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update")
        op.execute(SQLITE_APPEND_ONLY)

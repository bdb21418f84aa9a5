"""ledger subject index without person: only the events that name no person are indexed by subject

A person's events are found by person_id (ix_ledger_events_person_id); the subject index served only
the privacy export's other half, the events about a person that name no person_id. An event whose
subject is a person names that person or none (jobmatch.ledger.check_person_subject, checked here
for the events already written), so indexing the subject of only the events without a person finds
the same events. Most events name a person (a county's first roster import: 20,000 of its 35,000),
and each of them cost an entry in an index of text keys: a twentieth of that import's time (issue 19).

On PostgreSQL the new index is built CONCURRENTLY, then takes the old one's place, so appends go on.
The check reads every event once (seconds per million events).

Revision ID: 0041_ledger_subject_no_person
Revises: 0040_ledger_household_time_index
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0041_ledger_subject_no_person'
down_revision = '0040_ledger_household_time_index'
branch_labels = None
depends_on = None

_NAME, _BUILDING = "ix_ledger_events_subject", "ix_ledger_events_subject_new"
_WITHOUT_PERSON = "person_id IS NULL"


def upgrade() -> None:
    _check_events_name_their_subject()
    _replace(_WITHOUT_PERSON)


def downgrade() -> None:
    _replace(None)


def _check_events_name_their_subject() -> None:
    wrong = op.get_bind().execute(sa.text(
        "SELECT id, subject, person_id FROM ledger_events WHERE person_id IS NOT NULL AND subject LIKE 'person:%' "
        "AND subject <> 'person:' || CAST(person_id AS VARCHAR) LIMIT 1")).first()
    if wrong is not None:
        raise RuntimeError(f"ledger event {wrong.id} is about {wrong.subject} but names person {wrong.person_id}: "
                           "the subject index cannot leave out events with a person; fix the event first")


def _replace(where: str | None) -> None:
    condition = {} if where is None else {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_BUILDING}")  # left by an interrupted run
            op.create_index(_BUILDING, "ledger_events", ["subject"], postgresql_concurrently=True, **condition)
            op.drop_index(_NAME, table_name="ledger_events", postgresql_concurrently=True)
            op.execute(f"ALTER INDEX {_BUILDING} RENAME TO {_NAME}")
    else:
        op.drop_index(_NAME, table_name="ledger_events")
        op.create_index(_NAME, "ledger_events", ["subject"], **condition)

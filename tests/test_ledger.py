"""The ledger: appends chain, verify names the first altered, inserted or deleted event."""

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import LedgerCheckpoint, LedgerEvent


def _append_three(session):
    for n in range(3):
        ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": n, "note": "电话回访"})
    session.commit()


def _disable_guard(session):
    """What a tamperer with database rights would do first."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_no_update"))
    else:
        session.execute(text("DROP TRIGGER ledger_events_no_update"))
        session.execute(text("DROP TRIGGER ledger_events_no_delete"))


def test_events_chain_and_verify(session):
    _append_three(session)
    events = session.query(LedgerEvent).order_by(LedgerEvent.seq).all()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == ledger.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    result = ledger.verify(session)
    assert result.ok and result.checked == 3 and result.head_hash == events[2].hash


def test_database_refuses_update_and_delete(session):
    _append_three(session)
    for statement in ("UPDATE ledger_events SET actor = 'x' WHERE seq = 2", "DELETE FROM ledger_events WHERE seq = 2"):
        try:
            session.execute(text(statement))
            session.commit()
            raise AssertionError(f"{statement} was allowed")
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            assert "append-only" in str(exc)


def test_verify_names_altered_data(session, cli):
    _append_three(session)
    _disable_guard(session)
    session.execute(text("UPDATE ledger_events SET data = :d WHERE seq = 2"), {"d": '{"n": 99, "note": "电话回访"}'})
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == 2 and "data was altered" in result.problem
    session.rollback()  # end the read transaction before another process writes
    out = cli("ledger", "verify")
    assert out.exit_code == 1 and "event 2" in out.output


def test_verify_names_altered_header(session):
    _append_three(session)
    _disable_guard(session)
    session.execute(text("UPDATE ledger_events SET actor = 'user:2' WHERE seq = 3"))
    session.commit()
    result = ledger.verify(session)
    assert result.bad_seq == 3 and "actor" in result.problem


def test_verify_names_deleted_event(session, cli):
    _append_three(session)
    _disable_guard(session)
    session.execute(text("DELETE FROM ledger_events WHERE seq = 2"))
    session.commit()
    result = ledger.verify(session)
    assert result.bad_seq == 3 and "event 2 is missing" in result.problem
    session.rollback()
    assert cli("ledger", "verify").exit_code == 1


def test_verify_names_inserted_event(session):
    _append_three(session)
    _disable_guard(session)
    # Make room and slip a forged event in as number 2, hashed as if it belonged there.
    session.execute(text("UPDATE ledger_events SET seq = seq + 10 WHERE seq >= 2"))
    first = session.query(LedgerEvent).filter_by(seq=1).one()
    forged_data = {"n": 7}
    digest = ledger.data_digest(forged_data)
    forged_hash = ledger.chain_hash(first.hash, 2, first.occurred_at, "user:1", "follow_up_recorded", None, None, "", digest)
    session.add(LedgerEvent(seq=2, occurred_at=first.occurred_at, actor="user:1", kind="follow_up_recorded",
                            subject="", data=forged_data, data_digest=digest, prev_hash="f" * 64, hash=forged_hash))
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == 2


def test_clean_ledger_verifies_from_cli(session, cli):
    _append_three(session)
    out = cli("ledger", "verify")
    assert out.exit_code == 0 and "3 events" in out.output


def test_lock_chain_is_the_public_lock_and_appends_after_it_still_chain(session):
    ledger.lock_chain(session)
    _append_three(session)
    assert ledger.verify(session).ok and ledger.verify(session).checked == 3
    package = Path(ledger.__file__).parent
    private_use = [p.name for p in package.rglob("*.py") if p.name != "ledger.py" and "_locked_head" in p.read_text()]
    assert private_use == []


def test_an_unknown_event_kind_is_refused_and_nothing_is_written(session):
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": 0})
    with pytest.raises(ValueError, match="unknown ledger event kind 'offer_acepted'"):
        ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", "user:1"),
                                     ledger.NewEvent("offer_acepted", "user:1")])
    session.commit()
    assert [e.kind for e in session.query(LedgerEvent).order_by(LedgerEvent.seq)] == ["follow_up_recorded"]


# -- signed checkpoints and the incremental walk ---------------------------------------------

def _append(session, count, start=0):
    ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", "user:1", {"n": n, "note": "电话回访"})
                                 for n in range(start, start + count)])
    session.commit()


def test_verify_signs_a_checkpoint_and_the_next_walk_starts_there(session, cli):
    _append_three(session)
    assert cli("ledger", "verify").output.startswith("ledger ok: 3 events, head ")
    _append(session, 2)
    out = cli("ledger", "verify")
    assert out.exit_code == 0 and "ledger ok: 2 events after checkpoint 3, head " in out.output
    assert out.output.rstrip().endswith(" at event 5")
    assert "ledger ok: 0 events after checkpoint 5" in cli("ledger", "checkpoint").output  # nothing new to sign
    assert "5 events" in cli("ledger", "verify", "--full").output
    assert session.scalars(select(LedgerCheckpoint.seq).order_by(LedgerCheckpoint.seq)).all() == [3, 5]


def test_an_edit_before_a_checkpoint_is_caught_by_the_full_walk(session, cli):
    _append_three(session)
    cli("ledger", "checkpoint")
    _append(session, 1)
    _disable_guard(session)
    session.execute(text("UPDATE ledger_events SET data = :d WHERE seq = 2"), {"d": '{"n": 99, "note": "电话回访"}'})
    session.commit()
    assert cli("ledger", "verify").exit_code == 0  # walks only event 4, as documented
    out = cli("ledger", "verify", "--full")
    assert out.exit_code == 1 and "event 2 (follow_up_recorded" in out.output and "data was altered" in out.output


def test_a_rewritten_chain_that_walks_clean_is_caught_by_the_checkpoint(session, cli):
    _append_three(session)
    cli("ledger", "checkpoint")
    _disable_guard(session)
    # A tamperer with database rights changes event 2 and recomputes every hash after it.
    events = session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq)).all()
    prev = events[0].hash
    for ev in events[1:]:
        data = {"n": 42, "note": "电话回访"} if ev.seq == 2 else ev.data
        digest = ledger.data_digest(data)
        new_hash = ledger.chain_hash(prev, ev.seq, ev.occurred_at, ev.actor, ev.kind, ev.household_id,
                                     ev.person_id, ev.subject, digest)
        session.execute(text("UPDATE ledger_events SET data = :d, data_digest = :g, prev_hash = :p, hash = :h "
                             "WHERE seq = :s"),
                        {"d": ledger.canonical_json(data), "g": digest, "p": prev, "h": new_hash,
                         "s": ev.seq})
        prev = new_hash
    session.commit()
    session.expire_all()
    assert ledger.verify(session).ok  # the chain alone cannot tell
    session.rollback()  # end the read transaction before another process writes
    out = cli("ledger", "verify")
    assert out.exit_code == 1 and "event 3, signed as checked in a checkpoint, has another hash" in out.output
    out = cli("ledger", "verify", "--full")
    assert out.exit_code == 1 and "event 3 (follow_up_recorded" in out.output and "rewritten" in out.output


def test_a_forged_checkpoint_is_ignored(session, cli, app):
    _append_three(session)
    session.add(LedgerCheckpoint(seq=3, hash="f" * 64, signed_at=utcnow(), signature="0" * 64))
    session.commit()
    out = cli("ledger", "verify")
    assert out.exit_code == 0 and "ledger ok: 3 events, head " in out.output
    assert "ignored 1 checkpoints" in out.output


def test_a_walk_split_across_two_processes_finds_what_one_finds(session):
    _append(session, 300)
    one = ledger.verify(session)
    two = ledger.verify(session, batch_size=50, workers=2, split_above=0)
    assert one.ok and two.ok and (two.checked, two.head_hash) == (300, one.head_hash)
    session.rollback()
    _disable_guard(session)
    session.execute(text("DELETE FROM ledger_events WHERE seq = 151"))  # the second part's first event
    session.commit()
    result = ledger.verify(session, batch_size=50, workers=2, split_above=0)
    assert result.bad_seq == 152 and "event 151 is missing" in result.problem


def test_events_at_whole_seconds_and_events_written_before_canonical_storage_verify(session):
    from datetime import UTC, datetime

    from tests.factories import frozen_clock

    with frozen_clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC)):  # isoformat() has no microseconds here
        ledger.append(session, "follow_up_recorded", actor="user:1", data={"note": "电话回访"})
    session.commit()  # sealed after its commit
    # An event stored as the JSON column writes it (spaces, \\u escapes), as earlier versions did.
    data = {"note": "入户走访", "n": 1}
    digest = ledger.data_digest(data)
    head = session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq.desc())).first()
    at = utcnow()
    session.add(LedgerEvent(seq=2, occurred_at=at, actor="user:1", kind="follow_up_recorded", subject="",
                            data=data, data_digest=digest, prev_hash=head.hash,
                            hash=ledger.chain_hash(head.hash, 2, at, "user:1", "follow_up_recorded", None, None, "",
                                                   digest)))
    session.commit()
    assert "\\u5165" in session.scalar(text("SELECT CAST(data AS TEXT) FROM ledger_events WHERE seq = 2"))
    result = ledger.verify(session)
    assert result.ok and result.checked == 2


def test_a_new_checkpoint_key_ignores_the_old_checkpoints_and_walks_from_the_start(session, cli, app):
    from jobmatch.config import settings_of, use_settings

    use_settings(app, settings_of(app).replace(ledger_checkpoint_key="county-key-2026"))
    _append_three(session)
    cli("ledger", "checkpoint")
    _append(session, 1)
    assert "1 events after checkpoint 3" in cli("ledger", "verify").output
    use_settings(app, settings_of(app).replace(ledger_checkpoint_key="county-key-2027"))
    out = cli("ledger", "verify")
    assert out.exit_code == 0 and "ledger ok: 4 events, head " in out.output and "ignored 2 checkpoints" in out.output


def test_events_deleted_from_the_end_after_a_checkpoint_are_reported(session, cli):
    _append_three(session)
    cli("ledger", "checkpoint")
    _disable_guard(session)
    session.execute(text("DELETE FROM ledger_events WHERE seq = 3"))
    session.commit()
    for args in (("ledger", "verify"), ("ledger", "verify", "--full")):
        out = cli(*args)
        assert out.exit_code == 1 and "event 3, signed as checked in a checkpoint, is gone" in out.output


def test_events_after_a_rolled_back_savepoint_still_chain(session):
    """A dry run inside a savepoint (the roster preview does this) writes and rolls back sealed events;
    the events written after it in the same transaction must chain onto what is really there."""
    ledger.append(session, "household_created", actor="test", subject="H-1")
    session.commit()
    ledger.lock_chain(session)  # sealed as written from here on, on both databases
    with session.begin_nested() as dry_run:
        ledger.append(session, "household_created", actor="test", subject="H-dry")
        dry_run.rollback()
    after = ledger.append(session, "household_created", actor="test", subject="H-2")
    assert after["seq"] == 2  # still sealed as written, onto the event that is really there
    session.commit()
    result = ledger.verify(session)
    assert result.ok, result.problem
    assert result.checked == 2


# -- a stream of events (a roster import's) ------------------------------------------------------

_AWKWARD = ["a\\b", "tab\there", "line\nbreak", "cr\rx", 'quote " mark', "王雪燕", "\u2028", "\x01"]


def _awkward_events(count):
    """Events whose texts hold everything COPY or JSON must escape, some with no household or person."""
    for n in range(count):
        text_ = _AWKWARD[n % len(_AWKWARD)]
        yield ledger.NewEvent("follow_up_recorded", f"staff:{text_}", {"n": n, "note": text_, "on": utcnow().date(),
                                                                       "nested": {"b": [text_], "a": None}},
                              subject=f"test:{text_}")


@pytest.mark.parametrize("holding_the_lock", [False, True])
def test_a_stream_of_events_chains_verifies_and_keeps_every_text(session, holding_the_lock):
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"first": True})
    if holding_the_lock:  # as an import does: then a shorter stream goes through COPY already
        ledger.lock_chain(session)
    # through COPY on PostgreSQL, in parts of append_many on SQLite
    count = (ledger.COPY_FROM_LOCKED if holding_the_lock else ledger.COPY_FROM) + 7
    assert ledger.append_stream(session, _awkward_events(count)) == count
    session.commit()
    events = session.query(LedgerEvent).order_by(LedgerEvent.seq).all()
    assert [e.seq for e in events] == list(range(1, count + 2))
    assert all(e.prev_hash == before.hash for before, e in zip(events, events[1:]))
    for n, event in enumerate(events[1:]):
        text_ = _AWKWARD[n % len(_AWKWARD)]
        assert (event.actor, event.subject, event.data["note"], event.data["nested"]) == (
            f"staff:{text_}", f"test:{text_}", text_, {"a": None, "b": [text_]})
        assert event.data_digest == ledger.data_digest(event.data)
        assert event.hash == ledger.chain_hash(event.prev_hash, event.seq, event.occurred_at, event.actor, event.kind,
                                               None, None, event.subject, event.data_digest)
    result = ledger.verify(session)
    assert result.ok and result.checked == count + 1


def test_a_stream_with_an_unknown_kind_part_way_keeps_nothing(session):
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": 0})
    session.commit()
    events = [*_awkward_events(ledger.COPY_FROM), ledger.NewEvent("offer_acepted", "user:1")]
    with pytest.raises(ValueError, match="unknown ledger event kind 'offer_acepted'"):
        ledger.append_stream(session, events)
    session.rollback()
    assert session.query(LedgerEvent).count() == 1
    assert ledger.verify(session).ok


def test_an_event_about_one_person_naming_another_is_refused_and_nothing_is_written(session):
    # The privacy export finds a person's events by person_id, and by subject only among events without one.
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": 0})
    session.commit()
    wrong = ledger.NewEvent("profile_changed", "user:1", {"notes": ["", "腿脚不便"]}, person_id=7, subject="person:8")
    with pytest.raises(ValueError, match="profile_changed is about person:8 but names person 7"):
        ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", "user:1"), wrong])
    with pytest.raises(ValueError, match="about person:8 but names person 7"):
        ledger.append_stream(session, [*_awkward_events(ledger.COPY_FROM), wrong])
    session.rollback()
    assert session.query(LedgerEvent).count() == 1
    ledger.append_many(session, [ledger.NewEvent("profile_changed", "user:1", person_id=8, subject="person:8"),
                                 ledger.NewEvent("follow_up_recorded", "user:1", subject="person:8")])
    session.commit()
    assert session.query(LedgerEvent).count() == 3  # about a person, naming that person or none


def test_a_fork_onto_an_earlier_event_is_named_and_a_second_event_at_one_seq_is_refused(session):
    """What the unique indexes on hash and prev_hash used to guard (migration 0037): verify names a
    link to the wrong predecessor, and the database still refuses two events at one place."""
    _append_three(session)
    first, _second, third = session.query(LedgerEvent).order_by(LedgerEvent.seq).all()
    _disable_guard(session)
    forked_hash = ledger.chain_hash(first.hash, 3, third.occurred_at, third.actor, third.kind, None, None,
                                    third.subject, third.data_digest)
    session.execute(text("UPDATE ledger_events SET prev_hash = :prev, hash = :hash WHERE seq = 3"),
                    {"prev": first.hash, "hash": forked_hash})
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == 3
    with pytest.raises(IntegrityError):
        session.add(LedgerEvent(seq=3, occurred_at=third.occurred_at, actor="user:1", kind="follow_up_recorded",
                                subject="", data={}, data_digest=ledger.data_digest({}), prev_hash=first.hash,
                                hash="e" * 64))
        session.flush()


def test_an_event_naming_a_person_not_recorded_is_named_by_verify(session, cli):
    from tests.factories import make_household, make_person

    household = make_household(session)
    person = make_person(session, household)
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": 1}, household_id=household.id,
                  person_id=person.id)
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": 2}, household_id=household.id,
                  person_id=person.id + 1000)  # no such person: nothing refuses it on insert (migration 0038)
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == 2 and result.checked == 1
    assert f"person {person.id + 1000}" in result.problem
    session.rollback()
    out = cli("ledger", "verify")
    assert out.exit_code == 1 and "event 2" in out.output

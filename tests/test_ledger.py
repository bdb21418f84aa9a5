"""The ledger: appends chain, verify names the first altered, inserted or deleted event."""

from pathlib import Path

import pytest
from sqlalchemy import text

from jobmatch import ledger
from jobmatch.models import LedgerEvent


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

"""Sealing after commit (issue 19): writers insert unsealed events, a sealer chains them once.

Concurrency is tested on the real PostgreSQL; the database's guard on both backends.
"""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from jobmatch import ledger, tasks
from jobmatch.models import LedgerEvent
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pg_app(pg_url):
    app = make_test_app(pg_url)
    yield app
    app.extensions["jobmatch.engine"].dispose()


def _chain(session) -> list[tuple]:
    return session.execute(select(LedgerEvent.id, LedgerEvent.seq, LedgerEvent.subject)
                           .order_by(LedgerEvent.id)).all()


def _unsealed(session) -> int:
    return session.scalar(select(func.count()).where(LedgerEvent.seq.is_(None)))


def _no_seal_after_commit(monkeypatch):
    """As if the writer died between its commit and its seal."""
    monkeypatch.setattr(ledger, "seal_pending", lambda engine: 0)


def test_eight_concurrent_writers_leave_one_unbroken_chain_every_event_sealed_once(pg_app):
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with maker() as session:
                for n in range(25):
                    if writer == 0 and n % 5 == 0:
                        ledger.lock_chain(session)  # a writer that needs seqs at once, among the others
                    ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", f"user:{writer}",
                                                                 {"n": n, "note": "入户走访"}, subject=f"w{writer}:{n}:{k}")
                                                 for k in range(1 + n % 3)])
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with maker() as session:
        # Every writer sealed after its commit; a quiet system is left with nothing to seal.
        assert _unsealed(session) == 0
        events = _chain(session)
        assert len(events) == 8 * sum(1 + n % 3 for n in range(25))
        assert sorted(seq for _, seq, _ in events) == list(range(1, len(events) + 1))  # each sealed once, no gap
        result = ledger.verify(session)
        assert result.ok and result.checked == len(events) and result.unsealed == 0


def test_a_lower_id_committed_after_a_higher_one_was_sealed_is_chained_at_the_head(pg_app):
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    with maker() as slow, maker() as fast:
        ledger.append(slow, "follow_up_recorded", actor="user:1", subject="slow")  # takes the lower id
        slow.flush()
        ledger.append(fast, "follow_up_recorded", actor="user:2", subject="fast")
        fast.commit()  # sealed at once as event 1
        slow.commit()  # its lower id comes after: event 2, not skipped
    with maker() as session:
        assert [(seq, subject) for _, seq, subject in _chain(session)] == [(2, "slow"), (1, "fast")]
        result = ledger.verify(session)
        assert result.ok and result.checked == 2


def test_a_writer_killed_after_its_commit_before_its_seal_loses_nothing(pg_app, pg_url):
    script = (
        "import os, sys, time\n"
        "from sqlalchemy.orm import Session\n"
        "from jobmatch import ledger\n"
        "from jobmatch.db import make_engine\n"
        "def stuck(engine):\n"
        "    print('committed', flush=True)\n"
        "    time.sleep(60)\n"
        "ledger.seal_pending = stuck\n"
        "with Session(make_engine(sys.argv[1])) as session:\n"
        "    ledger.append(session, 'follow_up_recorded', actor='user:9', subject='killed', data={'n': 1})\n"
        "    session.commit()\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, pg_url], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "committed"
    finally:
        writer.kill()  # SIGKILL: no cleanup of any kind
        writer.wait(10)
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    with maker() as session:
        assert [(seq, subject) for _, seq, subject in _chain(session)] == [(None, "killed")]
        result = ledger.verify(session)
        assert result.ok and result.checked == 0 and result.unsealed == 1
        session.rollback()
        ledger.append(session, "follow_up_recorded", actor="user:1", subject="next")
        session.commit()  # the next writer's seal picks the killed writer's event up first
        assert [(seq, subject) for _, seq, subject in _chain(session)] == [(1, "killed"), (2, "next")]
        assert ledger.verify(session).checked == 2


def test_the_dispatchers_scheduled_seal_chains_what_a_dead_writer_left(pg_app, monkeypatch, cli):
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    _no_seal_after_commit(monkeypatch)
    with maker() as session:
        for n in range(3):
            ledger.append(session, "follow_up_recorded", actor="user:1", subject=f"e{n}")
            session.commit()
        assert _unsealed(session) == 3
    monkeypatch.undo()
    stop = threading.Event()
    dispatcher = threading.Thread(target=tasks.run_dispatcher, args=(pg_app, stop))
    dispatcher.start()
    try:
        with maker() as session:
            for _ in range(100):  # its first pass seals them
                if _unsealed(session) == 0:
                    break
                session.rollback()
                stop.wait(0.1)
            assert [seq for _, seq, _ in _chain(session)] == [1, 2, 3]
            assert ledger.verify(session).checked == 3
    finally:
        stop.set()
        dispatcher.join(10)


@pytest.fixture
def pg_cli(pg_app):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main

    def run(*args):
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: pg_app), catch_exceptions=False)

    return run


def test_verify_covers_the_sealed_chain_and_says_how_many_wait_for_their_seal(pg_app, pg_cli, monkeypatch):
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    with maker() as session:
        for n in range(2):
            ledger.append(session, "follow_up_recorded", actor="user:1", subject=f"sealed{n}")
            session.commit()
        _no_seal_after_commit(monkeypatch)
        ledger.append(session, "follow_up_recorded", actor="user:1", subject="waiting")
        session.commit()
    monkeypatch.undo()
    out = pg_cli("ledger", "verify")
    assert out.exit_code == 0
    assert "ledger ok: 2 events" in out.output
    assert "1 条事件已提交、尚未封存" in out.output and "1 events committed but not sealed yet" in out.output
    assert "sealed 1 events" in pg_cli("ledger", "seal").output
    out = pg_cli("ledger", "verify")
    assert "ledger ok: 1 events after checkpoint 2" in out.output and "not sealed" not in out.output


def test_privacy_seals_first_so_it_lists_every_event_by_seq(pg_app, monkeypatch):
    from tests.factories import make_household, make_person

    maker = pg_app.extensions["jobmatch.sessionmaker"]
    with maker() as session:
        person = make_person(session, make_household(session))
        session.commit()
        _no_seal_after_commit(monkeypatch)
        ledger.append(session, "profile_changed", actor="user:1", person_id=person.id, subject=f"person:{person.id}",
                      data={"phone": "13900000000"})
        session.commit()
        assert _unsealed(session) >= 1
        from jobmatch.services.people.privacy_requests import anonymise_person

        report = anonymise_person(session, person.id_number, reason="离开项目", actor="user:1")
        session.commit()
        assert _unsealed(session) == 0 and report.redacted_events >= 1
        result = ledger.verify(session)
        assert result.ok and result.checked == session.scalar(select(func.count(LedgerEvent.id)))


# -- the database's guard, on both backends ---------------------------------------------------

def _insert_unsealed(session) -> int:
    session.execute(text("INSERT INTO ledger_events (occurred_at, actor, kind, subject, data, data_digest) "
                         "VALUES (:at, 'user:1', 'follow_up_recorded', '', :data, :digest)"),
                    {"at": "2026-12-01 08:00:00+00:00", "data": '{"n":1}', "digest": ledger.data_digest({"n": 1})})
    session.commit()
    return session.scalar(select(func.max(LedgerEvent.id)))


def _refused(session, statement: str, **params) -> None:
    with pytest.raises(Exception, match="append-only"):
        session.execute(text(statement), params)
        session.commit()
    session.rollback()


def test_an_unsealed_event_can_be_sealed_once_and_edited_never(session):
    row_id = _insert_unsealed(session)
    seal = {"id": row_id, "s": 1, "p": ledger.GENESIS_HASH, "h": "a" * 64}
    _refused(session, "UPDATE ledger_events SET actor = 'user:2' WHERE id = :id", id=row_id)
    _refused(session, "UPDATE ledger_events SET seq = 1 WHERE id = :id", id=row_id)  # all three at once, or none
    _refused(session, "UPDATE ledger_events SET seq = :s, prev_hash = :p, hash = :h, subject = 'x' WHERE id = :id",
             **seal)
    _refused(session, "UPDATE ledger_events SET data = :data WHERE id = :id", id=row_id,
             data='{"redacted":true,"by":9}')  # a redaction needs a sealed event
    _refused(session, "DELETE FROM ledger_events WHERE id = :id", id=row_id)

    session.execute(text("UPDATE ledger_events SET seq = :s, prev_hash = :p, hash = :h WHERE id = :id"), seal)
    session.commit()
    _refused(session, "UPDATE ledger_events SET seq = 2, prev_hash = :p, hash = :h WHERE id = :id",
             id=row_id, p="b" * 64, h="c" * 64)
    _refused(session, "UPDATE ledger_events SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = :id", id=row_id)
    assert session.execute(select(LedgerEvent.seq, LedgerEvent.hash).where(LedgerEvent.id == row_id)).one() == (1, "a" * 64)


def test_a_bulk_load_is_sealed_as_it_is_written(pg_app):
    maker = pg_app.extensions["jobmatch.sessionmaker"]
    with maker() as session:
        rows = ledger.append_many(session, [ledger.NewEvent("person_imported", "import", {"n": n})
                                            for n in range(ledger.COPY_FROM)])
        assert [row["seq"] for row in rows] == list(range(1, ledger.COPY_FROM + 1))  # before the commit
        session.commit()
        assert ledger.verify(session).checked == ledger.COPY_FROM


def test_a_households_latest_flag_event_is_read_before_it_is_sealed(pg_app, monkeypatch):
    from jobmatch.clock import utcnow
    from jobmatch.services.households.monitoring import monitored_on
    from jobmatch.services.households.status import zero_employment_on
    from tests.factories import make_household

    maker = pg_app.extensions["jobmatch.sessionmaker"]
    _no_seal_after_commit(monkeypatch)
    with maker() as session:
        household = make_household(session)
        session.commit()
        for kind, data in (("household_became_zero_employment", {}), ("monitoring_flagged", {"category": "edge"}),
                           ("household_left_zero_employment", {}), ("monitoring_unflagged", {})):
            ledger.append(session, kind, actor="user:1", household_id=household.id, data=data)
            session.commit()
        assert _unsealed(session) == 4
        later = utcnow().replace(year=utcnow().year + 1)
        assert household.id not in zero_employment_on(session, [household.settlement_id], later)
        assert household.id not in monitored_on(session, [household.settlement_id], later)

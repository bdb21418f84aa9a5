"""A person's data on request, anonymisation, and a ledger that still verifies after redaction."""

import json
import os

import pytest
from sqlalchemy import select, text

from jobmatch import ledger
from jobmatch.models import LedgerEvent, Person
from jobmatch.services.demo import load_demo
from jobmatch.services.people.privacy_requests import (
    ANONYMISED_NAME,
    AlreadyAnonymised,
    PersonNotFound,
    anonymise_person,
    events_about,
    export_person,
)


@pytest.fixture
def person(session):
    """A demo person with a phone, and two events about them among others."""
    load_demo(session, households=6, seed=2)
    person = session.scalar(select(Person).where(Person.phone.is_not(None)).order_by(Person.id))
    person.notes = "腿脚不便，电话 13800138000"
    ledger.append(session, "profile_changed", actor="user:1", household_id=person.household_id,
                  person_id=person.id, subject=f"person:{person.id}", data={"skills": [[], ["电焊"]]})
    ledger.append(session, "follow_up_recorded", actor="user:1", subject=f"person:{person.id}",
                  data={"note": "本人想去园区上班"})
    ledger.append(session, "follow_up_recorded", actor="user:1", data={"note": "别人的事"})
    session.commit()
    return person


@pytest.fixture(autouse=True)
def guard_enabled(session):
    """The PostgreSQL test database is shared: a test that disabled the guard must not leak."""
    def enable():
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_no_update"))
            session.commit()
    enable()
    yield
    session.rollback()
    enable()


def _disable_guard(session):
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_no_update"))
    else:
        session.execute(text("DROP TRIGGER ledger_events_no_update"))


def test_export_holds_profile_household_spells_and_events(session, person):
    data = export_person(session, person.id_number)
    assert data["profile"]["id_number"] == person.id_number and data["profile"]["name"] == person.name
    assert data["household"]["household_no"] == person.household.household_no
    assert len(data["employment_spells"]) == len(person.spells)
    kinds = [e["kind"] for e in data["ledger_events"]]
    assert "profile_changed" in kinds and all(e["data"] != {"note": "别人的事"} for e in data["ledger_events"])
    assert {"note": "本人想去园区上班"} in [e["data"] for e in data["ledger_events"]]  # about them, naming no person
    json.dumps(data, ensure_ascii=False)  # plain JSON all the way down
    with pytest.raises(PersonNotFound):
        export_person(session, "110101199003071234")


def test_anonymise_clears_person_redacts_events_and_verifies(session, person):
    original_id, person_id = person.id_number, person.id
    before = {e.seq: e.data_digest for e in events_about(session, person_id)}
    report = anonymise_person(session, original_id, reason="left the programme", actor="user:1")
    session.commit()

    session.expire_all()
    person = session.get(Person, person_id)
    assert person.name == ANONYMISED_NAME and person.phone is None and person.notes == ""
    assert person.id_number.startswith("ANON") and len(person.id_number) == 18
    events = {e.seq: e for e in events_about(session, person_id)}
    backing = events[report.event_seq]
    assert backing.kind == "person_anonymised" and backing.data["redacted_seqs"] == sorted(before)
    assert original_id not in json.dumps(backing.data, ensure_ascii=False)
    for seq, digest in before.items():
        assert events[seq].data == {"redacted": True, "by": report.event_seq}
        assert events[seq].data_digest == digest
    assert report.redacted_events == len(before)
    assert ledger.verify(session).ok
    with pytest.raises(PersonNotFound):
        anonymise_person(session, original_id, reason="again", actor="user:1")
    with pytest.raises(AlreadyAnonymised):
        anonymise_person(session, person.id_number, reason="again", actor="user:1")


def test_tampering_still_detected_after_a_redaction(session, person):
    report = anonymise_person(session, person.id_number, reason="left", actor="user:1")
    session.commit()
    last_seq = session.scalar(select(LedgerEvent.seq).order_by(LedgerEvent.seq.desc()).limit(1))
    _disable_guard(session)
    session.execute(text("UPDATE ledger_events SET data = :d WHERE seq = :s"),
                    {"d": '{"note": "改过"}', "s": last_seq - 1})
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == last_seq - 1 and "data was altered" in result.problem
    redacted_seq = session.scalar(select(LedgerEvent).where(LedgerEvent.seq == report.event_seq)).data[
        "redacted_seqs"][-1]  # earlier in the chain than the event altered above
    assert redacted_seq < last_seq - 1
    session.execute(text("UPDATE ledger_events SET actor = 'user:9' WHERE seq = :s"), {"s": redacted_seq})
    session.commit()
    result = ledger.verify(session)
    assert result.bad_seq == redacted_seq and "actor" in result.problem


def test_redaction_not_backed_by_an_anonymisation_is_reported(session, cli):
    for n in range(3):
        ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": n})
    session.commit()
    # The database lets a redaction-shaped UPDATE through; only verify can tell it is unbacked.
    session.execute(text("UPDATE ledger_events SET data = :d WHERE seq = 1"), {"d": '{"redacted": true, "by": 3}'})
    session.commit()
    result = ledger.verify(session)
    assert not result.ok and result.bad_seq == 1 and "redacted" in result.problem and "event 3" in result.problem
    session.rollback()
    out = cli("ledger", "verify")
    assert out.exit_code == 1 and "event 1" in out.output


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_events SET data = '{\"n\": 9}' WHERE seq = 1",                                 # altered data
    "UPDATE ledger_events SET data = '{\"redacted\": true, \"by\": 3, \"x\": 1}' WHERE seq = 1",  # not the form
    "UPDATE ledger_events SET data = '{\"redacted\": true, \"by\": 1}' WHERE seq = 2",            # points back
    "UPDATE ledger_events SET data = '{\"redacted\": true, \"by\": 3}', actor = 'x' WHERE seq = 1",
    "DELETE FROM ledger_events WHERE seq = 1",
])
def test_database_allows_only_redaction(session, statement):
    for n in range(3):
        ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": n})
    session.commit()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text(statement))
        session.commit()
    session.rollback()


def test_a_redacted_event_cannot_be_redacted_again(session):
    for n in range(4):
        ledger.append(session, "follow_up_recorded", actor="user:1", data={"n": n})
    session.commit()
    ledger.redact_events(session, [1], 3)
    session.commit()
    with pytest.raises(Exception, match="append-only"):
        ledger.redact_events(session, [1], 4)
        session.commit()
    session.rollback()


def test_cli_export_and_anonymise(session, person, cli, tmp_path):
    id_number, out = person.id_number, tmp_path / "person.json"
    session.rollback()
    result = cli("person", "export", id_number, "--out", str(out))
    assert result.exit_code == 0 and id_number not in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["profile"]["id_number"] == id_number
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    result = cli("person", "anonymise", id_number, "--reason", "left the programme", "--yes")
    assert result.exit_code == 0 and "ledger events redacted" in result.output
    assert cli("ledger", "verify").exit_code == 0
    assert cli("person", "export", id_number, "--out", str(out)).exit_code == 1


def test_anonymise_clears_every_other_copy_of_the_person(session, person, tmp_path):
    from datetime import timedelta

    from jobmatch.clock import utcnow
    from jobmatch.models import Fair, FairAttendee, InboundMessage, Message, Problem, RosterUpload, SignInCode
    from jobmatch.services.sms.inbound import receive_reply
    from tests.factories import make_user
    from tests.roster.conftest import person as roster_row
    from tests.roster.conftest import write_csv

    id_number, phone, person_id = person.id_number, person.phone, person.id
    staff = make_user(session, "staff")

    def kept_upload(name, rows, age=timedelta(0)):
        data = write_csv(tmp_path / name, rows).read_bytes()
        upload = RosterUpload(token=name, user_id=staff.id, filename=name, content=data, content_sha256="x",
                              preview_digest="x", created_at=utcnow() - age)
        session.add(upload)
        return upload

    kept_upload("theirs.csv", [roster_row(1), roster_row(2, id_number=id_number.lower())])  # an x typed small
    kept_upload("others.csv", [roster_row(1), roster_row(3)])
    kept_upload("old.csv", [roster_row(1)], age=timedelta(hours=25))
    session.add(RosterUpload(token="broken", user_id=staff.id, filename="坏.xlsx", content=b"not a zip",
                             content_sha256="x", preview_digest="x", created_at=utcnow()))
    receive_reply(session, from_phone=phone, body=f"我是{person.name}，老板欠我工钱", provider_sid="SMX1")
    session.add(SignInCode(phone=phone, person_id=person_id, code_hash="h", created_at=utcnow(),
                           expires_at=utcnow() + timedelta(minutes=10)))
    fair = Fair(name="招聘会", held_on=utcnow().date(), place="广场", county_id=person.household.county_id)
    session.add(fair)
    session.flush()
    walk_in = FairAttendee(fair_id=fair.id, visitor_name=person.name, visitor_id_number=id_number)
    stranger = FairAttendee(fair_id=fair.id, visitor_name="路人", visitor_phone="+8613900000000")
    session.add_all([walk_in, stranger])
    session.commit()

    exported = export_person(session, id_number)  # their texts and problems are theirs to see first
    assert [t["body"] for t in exported["texts_received"]] == [f"我是{person.name}，老板欠我工钱"]
    assert [p["description"] for p in exported["problems"]] == [f"我是{person.name}，老板欠我工钱"]
    report = anonymise_person(session, id_number, reason="left", actor="user:1")
    session.commit()
    session.expire_all()
    assert sorted(session.scalars(select(RosterUpload.token))) == ["others.csv"]
    assert report.roster_uploads_deleted == 2  # theirs, and the one that could not be read; the old one too
    [problem] = session.scalars(select(Problem).where(Problem.person_id == person_id))
    assert problem.description == "（已注销）" and "工钱" not in problem.description
    assert session.scalars(select(InboundMessage.body).where(InboundMessage.person_id == person_id)).all() == [""]
    assert all(v is None for v in session.scalars(select(Message.template_variables)
                                                  .where(Message.person_id == person_id)))
    assert session.scalars(select(SignInCode).where(SignInCode.person_id == person_id)).all() == []
    session.refresh(walk_in)
    session.refresh(stranger)
    assert (walk_in.visitor_name, walk_in.visitor_id_number) == (ANONYMISED_NAME, None)
    assert stranger.visitor_name == "路人"
    assert report.other_copies_cleared >= 3
    assert ledger.verify(session).ok

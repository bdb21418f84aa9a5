"""Check-in at the door finds only people the staff member may see (issue 12, finding 6).

Staff of settlement A, at A's fair, typing the phone or ID number of someone of another
settlement or county, or scanning their QR code, are told "不在本招聘会范围内": the name is
not shown and nothing is written.
"""

from datetime import time

from sqlalchemy import func, select

from jobmatch.clock import local_today
from jobmatch.models import FairAttendee, LedgerEvent, Person, Settlement
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_token
from tests.factories import make_person
from tests.web.helpers import load_small_demo, login

OUT_OF_SCOPE = "不在本招聘会范围内"


def _fair_today_at(session, settlement_id):
    county_id = session.get(Settlement, settlement_id).county_id
    return fairs.create_fair(session, name="今日招聘会", held_on=local_today(), place="文化广场", county_id=county_id,
                             settlement_id=settlement_id, vacancy_ids=[], actor="user:1",
                             starts_at=time(0, 0))  # check-in open all day, whenever the test runs


def _check_ins(session, fair_id):
    attendees = session.scalar(select(func.count()).select_from(FairAttendee).where(FairAttendee.fair_id == fair_id))
    events = session.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.kind == "fair_checked_in"))
    session.rollback()
    return attendees, events


def test_people_of_another_settlement_or_county_are_not_checked_in(app, session, client):
    demo = load_small_demo(session)
    fair = _fair_today_at(session, demo.settlement_a)
    other_county = make_person(session, name="外县工人")
    typed = [{"id_number": demo.person_b_id_number}, {"phone": other_county.phone},
             {"id_number": other_county.id_number}]
    fair_id, other_name = fair.id, other_county.name
    session.commit()
    login(client, "staff_a")

    for form in typed:
        response = client.post(f"/staff/fairs/{fair_id}/check-in", data=form)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and OUT_OF_SCOPE in page
        assert demo.person_b_name not in page and other_name not in page
    assert _check_ins(session, fair_id) == (0, 0)


def test_a_qr_code_of_another_settlements_worker_is_not_checked_in(app, session, client):
    demo = load_small_demo(session)
    fair = _fair_today_at(session, demo.settlement_a)
    registered = fairs.register(session, fair.id, demo.person_b, via="web", actor=f"person:{demo.person_b}")
    fair_id, token = fair.id, check_in_token(app.secret_key, registered)
    session.commit()
    login(client, "staff_a")

    response = client.post(f"/staff/fairs/{fair_id}/check-in", data={"token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and OUT_OF_SCOPE in page and demo.person_b_name not in page
    assert session.get(FairAttendee, registered.id).checked_in_at is None
    assert _check_ins(session, fair_id) == (1, 0)


def test_own_settlements_worker_is_checked_in_by_phone_with_name_shown(app, session, client):
    demo = load_small_demo(session)
    fair = _fair_today_at(session, demo.settlement_a)
    person_a = session.get(Person, demo.person_a)
    fair_id, name, phone = fair.id, person_a.name, person_a.phone
    session.commit()
    login(client, "staff_a")

    response = client.post(f"/staff/fairs/{fair_id}/check-in", data={"phone": phone})
    assert response.status_code == 200 and name in response.get_data(as_text=True)
    assert _check_ins(session, fair_id) == (1, 1)

"""The zero-employment drive: days on the list, offers and visits, the 3-day contact and 5-day offer deadlines."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobmatch import ledger
from jobmatch.models import EmploymentSpell, Household
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.employment_changes import end_spell
from jobmatch.services.households.zero_employment import record_door_visit, zero_employment_households
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_user, make_vacancy

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOST_JOB_AT = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with frozen_clock(LOST_JOB_AT) as clock:
        yield clock


def _household_losing_its_job(session, site, number):
    household = make_household(session, site, household_no=number)
    worker = make_person(session, household, spells=[
        EmploymentSpell(kind="within_county", employer_name="砖厂", started_on=date(2025, 1, 1))])
    session.flush()
    end_spell(session, worker.spells[0], reason="砖厂停工", actor="user:1")
    return session.get(Household, household.id)


def test_deadlines_offers_and_visits_of_the_listed_households(session, clock):
    site = make_settlement(session)
    staff = make_user(session, "staff", settlements=[site])
    helped = _household_losing_its_job(session, site, "H-HELPED")
    _household_losing_its_job(session, site, "H-FORGOTTEN")
    assert helped.zero_employment and helped.zero_employment_since == LOST_JOB_AT
    clock.set(LOST_JOB_AT + timedelta(days=2))
    record_door_visit(session, household_id=helped.id, staff_user_id=staff.id, vacancy_id=make_vacancy(session).id,
                      actor=f"user:{staff.id}")
    ledger.append(session, "offer_sent", actor="user:1", household_id=helped.id, data={"offer_id": 1})
    clock.set(LOST_JOB_AT + timedelta(days=4))
    listed = {z.household_no: z for z in zero_employment_households(session, [site.id])}
    assert list(listed) == ["H-FORGOTTEN", "H-HELPED"]  # overdue first
    late = listed["H-FORGOTTEN"]
    assert (late.days_on_list, late.contact_overdue, late.offer_overdue) == (4, True, False)
    assert late.contact_due == LOST_JOB_AT + timedelta(days=3)
    done = listed["H-HELPED"]
    assert (done.offers_sent, done.door_visits, done.contact_overdue, done.offer_overdue) == (1, 1, False, False)
    clock.set(LOST_JOB_AT + timedelta(days=6))
    assert zero_employment_households(session, [site.id])[0].offer_overdue


def test_a_door_visit_needs_a_vacancy_or_a_note(session, clock):
    household = make_household(session)
    for bad, field in [({}, "note"), ({"household_id": 999999}, "household_id"), ({"vacancy_id": 999999}, "vacancy_id"),
                       ({"note": "x" * 501}, "note"), ({"note": "没人在家", "visited_at": LOST_JOB_AT + timedelta(days=1)},
                                                        "visited_at")]:
        with pytest.raises(WorkflowError) as error:
            record_door_visit(session, actor="user:1", staff_user_id=None, **{"household_id": household.id, **bad})
        assert error.value.field == field
    visit = record_door_visit(session, household_id=household.id, staff_user_id=None, note="家中无人，留了联系卡",
                              actor="user:1")
    assert visit.vacancy_id is None and visit.visited_at == LOST_JOB_AT

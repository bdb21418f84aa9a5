"""Rule 6: a door visit, an answered call and a recorded SMS conversation each count as the month's
contact; an empty follow-up is refused with a message and clears nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jobmatch.models import FollowUp, LedgerEvent
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.followups import due_follow_ups, record_follow_up, record_unanswered_call
from jobmatch.services.households.zero_employment import record_door_visit
from tests.factories import frozen_clock, make_household, make_person, make_settlement

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def test_a_visit_a_call_and_an_sms_conversation_each_clear_the_months_follow_up(session):
    site = make_settlement(session)
    visited, called, texted, silent = (make_household(session, site, household_no=n)
                                       for n in ("H-VISIT", "H-CALL", "H-SMS", "H-NONE"))
    for household in (visited, called, texted, silent):
        make_person(session, household)
    assert {d.household_no for d in due_follow_ups(session, [site.id])} == {"H-VISIT", "H-CALL", "H-SMS", "H-NONE"}
    record_door_visit(session, household_id=visited.id, staff_user_id=None, actor="user:1", note="送岗位上门")
    record_follow_up(session, household_id=called.id, staff_user_id=None, method="phone", actor="user:1",
                     summary="电话接通，户主在园区上班")
    record_follow_up(session, household_id=texted.id, staff_user_id=None, method="sms", actor="user:1",
                     summary="短信往来：女儿已在县城找到工作")
    assert [d.household_no for d in due_follow_ups(session, [site.id])] == ["H-NONE"]


def test_an_empty_follow_up_is_refused_and_the_household_stays_due(session):
    site = make_settlement(session)
    household = make_household(session, site, household_no="H-EMPTY")
    make_person(session, household)
    for method in ("phone", "sms", "visit"):
        with pytest.raises(WorkflowError) as error:
            record_follow_up(session, household_id=household.id, staff_user_id=None, method=method, actor="user:1",
                             summary="   ")
        assert error.value.field == "summary" and "回访情况" in error.value.message
    with pytest.raises(WorkflowError) as error:
        record_door_visit(session, household_id=household.id, staff_user_id=None, actor="user:1", note=" ")
    assert error.value.field == "note"
    assert [d.household_no for d in due_follow_ups(session, [site.id])] == ["H-EMPTY"]


def test_a_call_nobody_answered_is_noted_but_is_not_the_months_contact(session):
    site = make_settlement(session)
    household = make_household(session, site, household_no="H-RING")
    make_person(session, household)
    record_unanswered_call(session, household_id=household.id, staff_user_id=None, actor="user:1", note="打了两次")
    assert [d.household_no for d in due_follow_ups(session, [site.id])] == ["H-RING"]
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "follow_up_attempted"))
    assert event.household_id == household.id and event.data["answered"] is False
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_the_follow_up_form_notes_an_unanswered_call_and_keeps_the_household_due(app, session, client):
    from tests.web.helpers import add_user, login

    site = make_settlement(session)
    household = make_household(session, site, household_no="H-FORM")
    make_person(session, household)
    add_user(session, "caller", "staff", settlements=[site])
    household_id, site_id = household.id, site.id
    session.commit()
    login(client, "caller")
    page = client.post(f"/staff/households/{household_id}/follow-up",
                       data={"method": "no_answer", "summary": "无人接听"}, follow_redirects=True)
    assert "电话未接通" in page.get_data(as_text=True)
    session.rollback()
    assert [d.household_no for d in due_follow_ups(session, [site_id])] == ["H-FORM"]
    session.rollback()
    refused = client.post(f"/staff/households/{household_id}/follow-up", data={"method": "phone", "summary": ""})
    assert refused.status_code == 400 and "请写明回访情况" in refused.get_data(as_text=True)

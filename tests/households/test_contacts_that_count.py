"""Rule 6: a door visit, an answered call and a recorded SMS conversation each count as the month's
contact; an empty follow-up is refused with a message and clears nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.followups import due_follow_ups, record_follow_up
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

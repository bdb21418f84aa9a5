"""Training that counts (rule 5): a practical skill needs evidence, unmet demand is listed,
course rosters come from people who asked for the skill, subsidies are recorded per person and course."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.models import LedgerEvent, TrainingSubsidy
from jobmatch.services.errors import WorkflowError
from jobmatch.services.subsidies.monthly_list import monthly_subsidy_list, write_subsidy_list
from jobmatch.services.training import courses as training
from jobmatch.services.training.needs import (
    course_candidates,
    trained_households,
    unmet_training_demand,
)
from tests.factories import frozen_clock, make_county, make_household, make_person, make_settlement, make_user

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def _course(session, county, skill="家政", capacity=10, name=None):
    return training.create_course(session, name=name or f"{skill}培训班", skill=skill, county_id=county.id,
                                  starts_on=TODAY, ends_on=TODAY + timedelta(days=10), place="社区",
                                  capacity=capacity, actor="user:1")


def test_finishing_a_course_alone_is_not_a_practical_skill(session):
    county = make_county(session)
    site = make_settlement(session, county)
    course = _course(session, county)
    people = {name: make_person(session, make_household(session, site, household_no=no), name=name)
              for no, name in [("H-1", "只结业"), ("H-2", "考核合格"), ("H-3", "考核不合格"), ("H-4", "有证书")]}
    outcomes = {"只结业": ("not_assessed", ""), "考核合格": ("passed", ""), "考核不合格": ("failed", ""),
                "有证书": ("not_assessed", "家政服务员证")}
    for name, (assessment, certificate) in outcomes.items():
        enrolment = training.enrol(session, course.id, people[name].id, actor="user:1")
        training.complete(session, enrolment.id, certificate=certificate, assessment=assessment, actor="user:1")
    lines = {line.trained_members[0]: line.has_practical_skill for line in trained_households(session, [site.id])}
    assert lines == {"只结业": False, "考核合格": True, "考核不合格": False, "有证书": True}


def test_staff_confirm_a_practical_skill_only_with_a_reason(session):
    county = make_county(session)
    site = make_settlement(session, county)
    course = _course(session, county, skill="苗绣")
    person = make_person(session, make_household(session, site), name="绣娘")
    training.complete(session, training.enrol(session, course.id, person.id, actor="user:1").id,
                      certificate="", actor="user:1")
    with pytest.raises(WorkflowError) as error:
        training.confirm_practical_skill(session, person.id, skill="苗绣", reason="  ", actor="user:1")
    assert error.value.field == "reason"
    assert [line.has_practical_skill for line in trained_households(session, [site.id])] == [False]
    training.confirm_practical_skill(session, person.id, skill="苗绣", reason="绣品已在帮扶车间验收合格",
                                     actor="user:1")
    assert [line.has_practical_skill for line in trained_households(session, [site.id])] == [True]
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "practical_skill_confirmed"))
    assert event.person_id == person.id and event.data["reason"] == "绣品已在帮扶车间验收合格"


def test_an_unknown_assessment_result_is_refused_and_nothing_is_written(session):
    county = make_county(session)
    course = _course(session, county)
    person = make_person(session, make_household(session, make_settlement(session, county)))
    enrolment = training.enrol(session, course.id, person.id, actor="user:1")
    with pytest.raises(WorkflowError) as error:
        training.complete(session, enrolment.id, certificate="", assessment="maybe", actor="user:1")
    assert error.value.field == "assessment" and enrolment.completed_at is None


def test_course_candidates_are_those_who_asked_for_its_skill(session):
    county = make_county(session)
    site = make_settlement(session, county)
    course = _course(session, county, skill="电焊")
    make_person(session, make_household(session, site), name="想学电焊", training_wishes=["电焊"])
    make_person(session, make_household(session, site), name="想学家政", training_wishes=["家政"])
    asker = make_person(session, make_household(session, site), name="申请焊工")
    training.record_request(session, asker.id, "焊工", actor="user:1")
    assert sorted(n.name for n in course_candidates(session, course, [site.id])) == ["想学电焊", "申请焊工"]


def test_unmet_demand_lists_who_has_no_course_yet_and_who_was_turned_away(session):
    county = make_county(session)
    site = make_settlement(session, county)
    course = _course(session, county, skill="电焊", capacity=1)
    first = make_person(session, make_household(session, site, household_no="H-1"), name="先报名",
                        training_wishes=["电焊"])
    late = make_person(session, make_household(session, site, household_no="H-2"), name="来晚了",
                       training_wishes=["电焊"])
    make_person(session, make_household(session, site, household_no="H-3"), name="想学家政", training_wishes=["家政"])
    assert training.request_place(session, course.id, first.id, actor="user:1").enrolment is not None
    refused = training.request_place(session, course.id, late.id, actor="user:1")
    assert refused.enrolment is None and refused.turned_away
    assert training.request_place(session, course.id, late.id, actor="user:1").turned_away  # asks again
    unmet = {line.name: line.reason for line in unmet_training_demand(session, [site.id])}
    assert unmet == {"来晚了": "turned_away", "想学家政": "no_course"}
    (turned,) = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "training_turned_away")).all()
    assert turned.person_id == late.id and turned.subject == f"course:{course.id}"


def test_subsidies_recorded_per_person_and_course_and_listed_for_finance(session, tmp_path):
    county = make_county(session)
    site = make_settlement(session, county)
    course = _course(session, county, skill="电焊")
    passed = make_person(session, make_household(session, site), name="合格有证")
    failed = make_person(session, make_household(session, site), name="不合格")
    training.complete(session, training.enrol(session, course.id, passed.id, actor="user:1").id,
                      certificate="焊工证", assessment="passed", actor="user:1")
    training.complete(session, training.enrol(session, course.id, failed.id, actor="user:1").id,
                      certificate="", assessment="failed", actor="user:1")
    stored = [(s.person_id, s.course_id, s.kind, s.amount, s.month) for s in session.scalars(select(TrainingSubsidy))]
    assert sorted(stored) == [(passed.id, course.id, "certification", 500, "2026-11"),
                              (passed.id, course.id, "training", 1000, "2026-11")]
    lines = monthly_subsidy_list(session, Month(2026, 11), [site.id])
    assert sorted((line.kind_label, line.person.name, line.amount) for line in lines) == [
        ("职业培训补贴", "合格有证", 1000), ("职业技能鉴定补贴", "合格有证", 500)]
    assert monthly_subsidy_list(session, Month(2026, 10), [site.id]) == []
    staff = make_user(session, "staff", settlements=[site])
    write_subsidy_list(session, "2026-11", tmp_path / "list.xlsx", user=staff)
    rows = list(openpyxl.load_workbook(tmp_path / "list.xlsx").active.iter_rows(min_row=3, values_only=True))
    assert sorted((row[1], row[3], row[6]) for row in rows if isinstance(row[0], int)) == [
        ("职业培训补贴", "合格有证", 1000), ("职业技能鉴定补贴", "合格有证", 500)]
    assert "电焊" in rows[0][7] and "焊工证" in rows[0][7]
    assert rows[-1][6] == 1500


def test_a_subsidy_is_recorded_once_even_if_completion_is_retried(session):
    county = make_county(session)
    course = _course(session, county)
    person = make_person(session, make_household(session, make_settlement(session, county)))
    enrolment = training.enrol(session, course.id, person.id, actor="user:1")
    training.complete(session, enrolment.id, certificate="证", assessment="passed", actor="user:1")
    with pytest.raises(WorkflowError, match="已经结业"):
        training.complete(session, enrolment.id, certificate="证", assessment="passed", actor="user:1")
    assert len(session.scalars(select(TrainingSubsidy)).all()) == 2


def test_unmet_demand_at_a_past_moment_leaves_out_later_households_and_later_enrolments(session, _clock):
    county = make_county(session)
    site = make_settlement(session, county)
    early = make_person(session, make_household(session, site, listed_at=NOON - timedelta(days=30)), name="早登记",
                        training_wishes=["电焊"])
    make_person(session, make_household(session, site, listed_at=NOON + timedelta(days=2)), name="晚登记",
                training_wishes=["电焊"])
    _clock.set(NOON + timedelta(days=3))
    course = training.create_course(session, name="焊工班", skill="电焊", county_id=county.id,
                                    starts_on=(NOON + timedelta(days=3)).date(),
                                    ends_on=(NOON + timedelta(days=9)).date(), place="社区", capacity=5,
                                    actor="user:1")
    training.enrol(session, course.id, early.id, actor="user:1")
    assert [u.name for u in unmet_training_demand(session, [site.id], NOON)] == ["早登记"]
    assert [u.name for u in unmet_training_demand(session, [site.id])] == ["晚登记"]


def test_the_unmet_demand_command_lists_people_and_the_county_figure(session, cli):
    county = make_county(session, name="命令县")
    site = make_settlement(session, county)
    course = _course(session, county, skill="电焊", capacity=1)
    first = make_person(session, make_household(session, site, household_no="C-1"), name="甲", training_wishes=["电焊"])
    second = make_person(session, make_household(session, site, household_no="C-2"), name="乙", training_wishes=["电焊"])
    training.request_place(session, course.id, first.id, actor="user:1")
    training.request_place(session, course.id, second.id, actor="user:1")
    session.commit()
    result = cli("training", "unmet", "--county", "命令县")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["C-2 乙: 想学 焊工（名额已满未能报名）",
                                          "共 1 人培训需求未满足，其中 1 人因名额已满未能报名"]
    assert cli("training", "unmet", "--county", "没有这个县").exit_code != 0

"""Training: the need ledger, skills planned from vacancy demand, enrolment within capacity, completion."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jobmatch.models import LedgerEvent, MatchRound, TrainingEnrolment
from jobmatch.services.errors import WorkflowError
from jobmatch.services.offers.rounds import approve_round, propose_round
from jobmatch.services.training import courses as training
from jobmatch.services.training.needs import skill_demand, trained_households, training_needs
from tests.factories import (
    frozen_clock,
    make_county,
    make_employer,
    make_household,
    make_person,
    make_settlement,
    make_vacancy,
)

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def test_need_ledger_joins_roster_wishes_and_requests(session):
    site = make_settlement(session)
    wisher = make_person(session, make_household(session, site), name="想学电焊", training_wishes=["电焊"])
    asker = make_person(session, make_household(session, site), name="来申请")
    make_person(session, make_household(session, site), name="不想学")
    request = training.record_request(session, asker.id, "想学开叉车", actor=f"person:{asker.id}")
    assert request.occupation_code == "X-SV-02"
    needs = {n.name: n for n in training_needs(session, [site.id])}
    assert set(needs) == {"想学电焊", "来申请"}
    assert needs["想学电焊"].occupations == ["焊工"] and needs["来申请"].occupations == ["叉车司机"]
    assert wisher.id == needs["想学电焊"].person_id
    for bad, field in [((asker.id, ""), "skill_text"), ((999999, "电焊"), "person_id")]:
        with pytest.raises(WorkflowError) as error:
            training.record_request(session, *bad, actor="user:1")
        assert error.value.field == field


def test_skills_ranked_by_openings_minus_local_workers(session):
    county = make_county(session)
    site = make_settlement(session, county)
    employer = make_employer(session, county)
    make_vacancy(session, employer, title="电焊工", skills=["电焊"], openings=6)
    make_vacancy(session, employer, title="缝纫工", skills=["缝纫"], openings=4)
    make_vacancy(session, employer, title="叉车司机", skills=["叉车"], openings=1)
    for _ in range(3):
        make_person(session, make_household(session, site), skills=["缝纫"])
    make_person(session, make_household(session, site), skills=["叉车"], training_wishes=["电焊"])
    demand = skill_demand(session, county.id)
    assert [(d.occupation, d.openings, d.local_workers, d.gap) for d in demand] == [
        ("焊工", 6, 0, 6), ("服装缝纫工", 4, 3, 1)]
    assert demand[0].wishes == 1


def test_enrolment_within_capacity_and_completion_adds_skill_and_certificate(session):
    county = make_county(session)
    site = make_settlement(session, county)
    course = training.create_course(session, name="电焊工培训班", skill="电焊", county_id=county.id,
                                    starts_on=TODAY, ends_on=TODAY + timedelta(days=20), place="县职校",
                                    capacity=1, actor="user:1")
    first = make_person(session, make_household(session, site), name="学员甲")
    second = make_person(session, make_household(session, site), name="学员乙")
    enrolment = training.enrol(session, course.id, first.id, actor="user:1")
    assert training.enrol(session, course.id, first.id, actor="user:1").id == enrolment.id
    with pytest.raises(WorkflowError, match="名额已满"):
        training.enrol(session, course.id, second.id, actor="user:1")
    assert training_needs(session, [site.id]) == []
    done = training.complete(session, enrolment.id, certificate="焊工证", actor="user:1")
    assert first.skills == ["焊工"] and first.certificates == ["焊工证"]
    assert done.rematch == "rounds"
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.person_id == first.id)).all()
    assert "profile_changed" in kinds and "training_completed" in kinds and "round_proposed" in kinds
    with pytest.raises(WorkflowError, match="已经结业"):
        training.complete(session, enrolment.id, certificate="焊工证", actor="user:1")


def test_course_fields_are_checked(session):
    county = make_county(session)
    good = {"name": "培训班", "skill": "家政", "county_id": county.id, "starts_on": TODAY,
            "ends_on": TODAY + timedelta(days=5), "place": "社区", "capacity": 30}
    for bad, field in [({"skill": "天文学"}, "skill"), ({"capacity": 0}, "capacity"),
                       ({"ends_on": TODAY - timedelta(days=1)}, "ends_on"), ({"starts_on": date(2026, 1, 1)}, "starts_on"),
                       ({"county_id": 4242}, "county_id"), ({"name": ""}, "name")]:
        with pytest.raises(WorkflowError) as error:
            training.create_course(session, actor="user:1", **{**good, **bad})
        assert error.value.field == field
    with pytest.raises(WorkflowError) as error:
        training.enrol(session, 999999, 1, actor="user:1")
    assert error.value.field == "course_id"
    assert session.scalar(select(func.count()).select_from(TrainingEnrolment)) == 0


def test_households_trained_without_a_practical_skill_come_first(session):
    county = make_county(session)
    site = make_settlement(session, county)
    general = training.create_course(session, name="普工岗前培训", skill="普工", county_id=county.id, starts_on=TODAY,
                                     ends_on=TODAY, place="社区", capacity=10, actor="user:1")
    trade = training.create_course(session, name="家政培训", skill="家政", county_id=county.id, starts_on=TODAY,
                                   ends_on=TODAY, place="社区", capacity=10, actor="user:1")
    unskilled = make_person(session, make_household(session, site, household_no="H-A"), name="只学普工")
    skilled = make_person(session, make_household(session, site, household_no="H-B"), name="学了家政")
    training.complete(session, training.enrol(session, general.id, unskilled.id, actor="user:1").id,
                      certificate="", actor="user:1")
    training.complete(session, training.enrol(session, trade.id, skilled.id, actor="user:1").id,
                      certificate="", assessment="passed", actor="user:1")
    lines = trained_households(session, [site.id])
    assert [(line.household_no, line.trained_members, line.has_practical_skill) for line in lines] == [
        ("H-A", ["只学普工"], False), ("H-B", ["学了家政"], True)]


def test_a_new_skill_gets_the_worker_a_person_round_for_a_vacancy_that_did_not_match_before(session):
    county = make_county(session)
    site = make_settlement(session, county)
    learner = make_person(session, make_household(session, site), name="学电工")
    vacancy = make_vacancy(session, make_employer(session, county), title="电工", skills=["电工"], openings=1,
                           lat=26.868, lon=104.27)
    before = propose_round(session, settlement_id=site.id, vacancy_ids=[vacancy.id], actor="user:1")
    assert before.offers == []
    course = training.create_course(session, name="电工培训班", skill="电工", county_id=county.id, starts_on=TODAY,
                                    ends_on=TODAY, place="县职校", capacity=10, actor="user:1")
    done = training.complete(session, training.enrol(session, course.id, learner.id, actor="user:1").id,
                             certificate="电工证", actor="user:1")
    assert done.rematch == "rounds"
    person_round = session.scalar(select(MatchRound).where(MatchRound.scope == "person"))
    assert person_round.settlement_id == site.id and person_round.summary["person_id"] == learner.id
    assert [(o.person_id, o.vacancy_id, o.status) for o in person_round.offers] == [
        (learner.id, vacancy.id, "proposed")]
    proposed = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "round_proposed",
                                                        LedgerEvent.subject == f"round:{person_round.id}"))
    assert proposed.data["scope"] == "person" and proposed.person_id == learner.id
    assert approve_round(session, person_round.id, actor="user:1").sent == [person_round.offers[0].id]

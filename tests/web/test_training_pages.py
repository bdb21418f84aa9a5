"""Staff on the training pages: a course offers only the people who asked for its skill, a full
course records the person it turns away as unmet demand, completion records the assessment, and a
practical skill is confirmed only with a reason."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jobmatch.models import LedgerEvent, TrainingEnrolment
from jobmatch.services.training import courses as training
from tests.factories import frozen_clock, make_household, make_person
from tests.web.helpers import load_small_demo, login

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_course_from_wishes_to_a_practical_skill(app, session, client):
    with frozen_clock(NOON):
        demo = load_small_demo(session)
        site_id = demo.settlement_a
        wants = [make_person(session, make_household(session, _site(session, site_id), household_no=f"T-{index}"),
                             name=name, training_wishes=[skill])
                 for index, (name, skill) in enumerate( (("想学焊工甲", "电焊"), ("想学焊工乙", "电焊"), ("想学家政丙", "家政")))]
        county_id = _site(session, site_id).county_id
        course = training.create_course(session, name="焊工速成班", skill="电焊", county_id=county_id,
                                        settlement_id=site_id, starts_on=NOON.date(),
                                        ends_on=NOON.date() + timedelta(days=3), place="社区", capacity=1,
                                        actor="test")
        course_id, (first_id, second_id) = course.id, (p.id for p in wants[:2])
        session.commit()
        login(client, "staff_a")
        page = client.get(f"/staff/training/courses/{course_id}").get_data(as_text=True)
        assert "想学焊工甲" in page and "想学焊工乙" in page and "想学家政丙" not in page
        client.post(f"/staff/training/courses/{course_id}/enrol", data={"person_id": first_id})
        turned = client.post(f"/staff/training/courses/{course_id}/enrol", data={"person_id": second_id},
                             follow_redirects=True).get_data(as_text=True)
        assert "名额已满" in turned and "未满足的培训需求" in turned
        listing = client.get("/staff/training").get_data(as_text=True)
        unmet = listing.split('id="unmet"')[1].split('id="trained"')[0]
        assert "想学焊工乙" in unmet and "名额已满未能报名" in unmet and "想学家政丙" in unmet
        assert "想学焊工甲" not in unmet

        enrolment_id = session.scalar(select(TrainingEnrolment.id).where(TrainingEnrolment.person_id == first_id))
        session.rollback()
        client.post(f"/staff/training/enrolments/{enrolment_id}/complete",
                    data={"assessment": "failed", "certificate": ""})
        session.rollback()
        assert session.get(TrainingEnrolment, enrolment_id).assessment == "failed"
        session.rollback()
        trained = client.get("/staff/training").get_data(as_text=True).split('id="trained"')[1]
        assert "确认想学焊工甲掌握实用技能" in trained  # not counted: a form to confirm is offered
        refused = client.post(f"/staff/training/people/{first_id}/confirm-skill",
                              data={"skill": "电焊", "reason": ""}, follow_redirects=True).get_data(as_text=True)
        assert "请写明确认的理由" in refused
        client.post(f"/staff/training/people/{first_id}/confirm-skill",
                    data={"skill": "电焊", "reason": "在帮扶车间独立完成焊接三周"})
        session.rollback()
        assert session.scalar(select(LedgerEvent.data).where(LedgerEvent.kind == "practical_skill_confirmed",
                                                             LedgerEvent.person_id == first_id))["reason"]
        session.rollback()
        trained = client.get("/staff/training").get_data(as_text=True).split('id="trained"')[1]
        assert "确认想学焊工甲掌握实用技能" not in trained


def _site(session, site_id):
    from jobmatch.models import Settlement

    return session.get(Settlement, site_id)

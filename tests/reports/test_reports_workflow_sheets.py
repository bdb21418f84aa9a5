"""The monthly report's training, hiring-subsidy and fair columns, filled from the workflows."""

import io
from datetime import datetime, time, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.clock import LOCAL_TZ, add_months, local_today
from jobmatch.models import County, Employer, EmploymentSpell, Household, Person, Settlement
from jobmatch.services.fairs import check_in as fair_check_in
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs import report as fair_report
from jobmatch.services.training import courses as training
from tests.factories import frozen_clock
from tests.web.helpers import SITE_A, load_small_demo, login


def test_training_subsidy_and_fair_columns_are_filled(app, session, client):
    # A fair's check-in opens an hour before it starts: the day's work runs at 10:00 local time.
    with frozen_clock(datetime.combine(local_today(), time(10), LOCAL_TZ)):
        load_small_demo(session)
        county = session.scalar(select(County))
        site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
        today = local_today()
        people = session.scalars(select(Person).join(Household).where(Household.settlement_id == site.id,
                                                                      Person.phone.is_not(None)).order_by(Person.id)).all()
        course = training.create_course(session, name="家政服务培训班", skill="家政", county_id=county.id,
                                        starts_on=today, ends_on=today, place="社区", capacity=5, actor="test")
        enrolment = training.enrol(session, course.id, people[0].id, actor="test")
        training.enrol(session, course.id, people[1].id, actor="test")
        training.complete(session, enrolment.id, certificate="家政服务员（五级）", actor="test")
        employer = session.scalar(select(Employer).where(Employer.county_id == county.id).order_by(Employer.id).limit(1))
        started = add_months(today, -7)
        session.add(EmploymentSpell(person_id=people[2].id, kind="within_county", employer_id=employer.id,
                                    employer_name=employer.name, started_on=started, contract_months=12,
                                    social_insurance=True, monthly_income=3000))
        session.add(EmploymentSpell(person_id=people[3].id, kind="within_county", employer_id=employer.id,
                                    employer_name=employer.name, started_on=today - timedelta(days=3), contract_months=6,
                                    social_insurance=True, monthly_income=3000))
        vacancy_ids = [v.id for v in employer.vacancies if v.status == "open"][:1]
        fair = fairs.create_fair(session, name="月报测试招聘会", held_on=today, place="广场", county_id=county.id,
                                 settlement_id=site.id, vacancy_ids=vacancy_ids, actor="test")
        for person in people[4:6]:
            fair_check_in.check_in_by_identity(session, fair.id, actor="test", settlement_ids=[site.id],
                                               phone=person.phone)
        fair_report.record_outcome(session, fair.id, employer_id=employer.id, person_id=people[4].id, stage="offer",
                                   actor="test")
        session.commit()

        login(client, "county")
        workbook = load_workbook(io.BytesIO(client.get(f"/county/report.xlsx?month={today:%Y-%m}").data))
        rows = {row[0]: row for row in workbook["培训"].iter_rows(min_row=4, values_only=True)}
        assert rows["家政服务培训班"][4:9] == (5, 2, 1, 1, 1)
        subsidy = {row[0]: row for row in workbook["就业补贴"].iter_rows(min_row=4, values_only=True)}
        line = subsidy[employer.name]
        assert line[1] >= 2 and line[2] >= 1 and line[3] == 1000 * line[2] and line[5] >= 1
        fair_rows = {row[1]: row for row in workbook["招聘会"].iter_rows(min_row=4, values_only=True)}
        assert fair_rows["月报测试招聘会"][4:6] == (2, 1)

"""A quarter at one county (September to November 2026), on a controllable clock: nobody falls through.

- September: a monitored household loses a job (its staff member sees the alert the same day) and is
  proposed right after the zero-employment household in the next matching round; a door visit is
  the zero-employment household's contact for the month.
- October: a course with one seat and two wishes (the one turned away is on the unmet-demand list and
  in the county's figure); a problem reported at 20:58 reaches the staff member by SMS at 08:00 the
  next morning and is answered at 08:01, within the working-hours 三个三.
- November: the zero-employment welder starts work (the list is empty at November's end, not in the
  September and October reports); the 900-person site that ran no special action this year is flagged on the county page
  and in the report's 覆盖情况 sheet.
- The monitored household, not followed up in September (its report says 否), is followed up by phone in
  October (its employment state, needs and training wish) and by a text conversation in November that
  records the job found.
- The three monthly reports (xlsx) agree with the ledger as of each month's end, sheet by sheet
  (tests/reports/ledger_figures.py recomputes them from the events alone).
"""

import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.models import Message, TrainingCourse
from jobmatch.models.followups import EmploymentState
from jobmatch.services.accounts.staff_phone import set_staff_phone
from jobmatch.services.coverage.sites import coverage_rows
from jobmatch.services.households import monitoring, problems, worker_answers
from jobmatch.services.households.employment_changes import NewJob, current_spell, end_spell, start_job
from jobmatch.services.households.followups import MonitoringNotes, due_follow_ups, record_follow_up
from jobmatch.services.households.monitoring_alerts import open_alerts
from jobmatch.services.households.zero_employment import record_door_visit
from jobmatch.services.offers.rounds import propose_round
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.training import courses as training
from jobmatch.services.training.needs import unmet_training_demand
from jobmatch.tasks import InProcessQueue, dispatch_once, sms_provider
from tests.coverage.helpers import site_of
from tests.factories import (
    frozen_clock,
    make_county,
    make_employer,
    make_imported_household,
    make_settlement,
    make_user,
    make_vacancy,
)
from tests.reports.ledger_figures import (
    SHANGHAI,
    Period,
    check_employment_sheet,
    check_monitoring_sheets,
    check_training_sheet,
    check_zero_employment_sheet,
    month_figures,
    sheet_rows,
)

PASSWORD = "quarter-2026"
QUARTER = (Period(2026, 9), Period(2026, 10), Period(2026, 11))


def _at(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def _job(session, person, started_on, employer="园区工厂"):
    return start_job(session, NewJob(person.id, "within_county", employer, started_on=started_on,
                                     monthly_income=2800), actor="user:1")


def _user(session, role, username, **values):
    user = make_user(session, role, username=username, **values)
    user.set_password(PASSWORD)
    return user


def _sign_in(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _dispatch(app):
    return dispatch_once(app, InProcessQueue(app))


def _problem_alerts(session):
    return list(session.scalars(select(Message).where(Message.kind == "problem_alert").order_by(Message.id)))


def test_a_quarter_in_which_nobody_falls_through(app, session, client):
    sent_by_provider = sms_provider(app).sent  # the console provider keeps what it "sent"
    with frozen_clock(_at(8, 20)) as clock:
        # August: the county, its sites, its people and their jobs, as the roster import left them.
        county = make_county(session, name="测试县")
        east, west = make_settlement(session, county, name="东安置点"), make_settlement(session, county, name="西安置点")
        big, _ = site_of(session, county, 900, "大湾安置点")  # on the roster, nothing recorded of it yet
        staff = _user(session, "staff", "wang", settlements=[east, west, big], display_name="王专干")
        set_staff_phone(session, staff.id, "13987654321", actor="user:1")
        _user(session, "county_officer", "officer", county_id=county.id, display_name="李科长")
        stable, (stable_a, _stable_b) = make_imported_household(session, east, "E-1", {}, {})
        _job(session, stable_a, date(2025, 6, 1))
        zero, (zero_welder,) = make_imported_household(session, west, "W-0", {"skills": ["电焊"]})
        watched, (watched_welder, watched_spouse) = make_imported_household(
            session, west, "W-1", {"skills": ["电焊"]}, {"relation": "配偶"})
        _job(session, watched_welder, date(2026, 3, 1))
        _job(session, watched_spouse, date(2026, 1, 1), employer="县城超市")
        plain, (plain_welder, plain_spouse) = make_imported_household(
            session, west, "W-2", {"skills": ["电焊"], "certificates": ["焊工证"]}, {"relation": "配偶"})
        _job(session, plain_spouse, date(2026, 2, 1), employer="县城超市")
        wishers = [make_imported_household(session, east, f"E-T{n}", {"training_wishes": ["电焊"]})[1][0] for n in (1, 2)]
        for wisher in wishers:
            _job(session, wisher, date(2026, 8, 1), employer="扶贫车间")
        monitoring.flag_household(session, watched.id, "unstable", reason="务工收入不稳", actor=f"user:{staff.id}")
        assert zero.zero_employment and not watched.zero_employment and not plain.zero_employment
        session.commit()

        # September 8th: the monitored household's welder loses his job; the alert is there the same day.
        clock.set(_at(9, 8, 10))
        end_spell(session, current_spell(session, watched_welder.id), reason="工厂停产", actor=f"user:{staff.id}")
        [alert] = open_alerts(session, [west.id])
        assert alert.household_no == "W-1" and alert.raised_at.astimezone(SHANGHAI).date() == date(2026, 9, 8)
        assert "job_ended" in alert.reasons and not watched.zero_employment  # his wife still works
        session.commit()
        clock.set(_at(9, 8, 16))
        _sign_in(client, "wang")
        dashboard = client.get("/staff/").get_data(as_text=True)
        assert dashboard.split("监测预警")[1].split("</div>")[0].count(">1</b>") == 1

        # September 9th: the next round proposes the zero-employment welder, then the monitored one,
        # before the better-qualified welder of an ordinary household.
        clock.set(_at(9, 9, 9))
        employer = make_employer(session, county, address="园区一号")
        vacancy = make_vacancy(session, employer, title="电焊工", skills=["电焊"], openings=2, lat=26.868, lon=104.27,
                               physical_demand="medium", wage_min=4000, wage_max=6000)
        match_round = propose_round(session, settlement_id=west.id, vacancy_ids=[vacancy.id],
                                    actor=f"user:{staff.id}")
        proposed = {o.person_id: o for o in match_round.offers if o.status == "proposed"}
        assert set(proposed) == {zero_welder.id, watched_welder.id}
        reserve = {o.person_id for o in match_round.offers if o.status == "reserve"}
        assert plain_welder.id in reserve  # a candidate, passed over for the two households that come first
        assert "防返贫监测户优先" in proposed[watched_welder.id].reasons
        session.commit()

        # September 15th: a door visit is the zero-employment household's contact for the month.
        clock.set(_at(9, 15, 15))
        assert zero.id in {due.household_id for due in due_follow_ups(session, [west.id])}
        record_door_visit(session, household_id=zero.id, staff_user_id=staff.id, actor=f"user:{staff.id}",
                          vacancy_id=vacancy.id)
        assert zero.id not in {due.household_id for due in due_follow_ups(session, [west.id])}
        session.commit()

        # October 12th: a welding course with one seat, two wishes.
        clock.set(_at(10, 12))
        course = training.create_course(session, name="电焊工培训班", skill="电焊", county_id=county.id,
                                        starts_on=date(2026, 10, 14), ends_on=date(2026, 10, 28), place="县职校",
                                        capacity=1, actor=f"user:{staff.id}")
        placed = training.request_place(session, course.id, wishers[0].id, actor=f"user:{staff.id}")
        assert training.request_place(session, course.id, wishers[1].id, actor=f"user:{staff.id}").turned_away
        [unmet] = unmet_training_demand(session, [east.id, west.id, big.id])
        assert (unmet.person_id, unmet.reason) == (wishers[1].id, "turned_away")
        session.commit()

        # October 20th, 20:58: the zero-employment welder reports a problem. Two minutes of the three
        # are left before 21:00: the staff member's phone rings at 08:00, when the clock runs again.
        clock.set(_at(10, 20, 20, 58))
        problem = problems.report_problem(session, zero_welder.id, "找不到电焊的活，想问问有没有培训", category="job")
        session.commit()
        [text] = _problem_alerts(session)
        assert (text.user_id, text.to_phone) == (staff.id, "+8613987654321")
        assert (text.status, text.due_at) == ("held", _at(10, 21, 8))  # not at 20:58, two minutes before 21:00
        assert problems.problem_deadlines(problem.reported_at)[problems.ProblemStage.ACKNOWLEDGED] == _at(10, 21, 8, 1)
        session.commit()  # the dispatcher works in sessions of its own
        assert _dispatch(app) == 0 and sent_by_provider == []
        clock.set(_at(10, 21, 7, 59))
        assert _dispatch(app) == 0 and sent_by_provider == []
        clock.set(_at(10, 21, 8, 0))
        assert _dispatch(app) == 1
        [sms] = sent_by_provider
        assert sms.to_e164 == "+8613987654321" and "西安置点群众反映" in sms.body and "3分钟内响应" in sms.body
        session.expire_all()
        assert session.get(Message, text.id).status in ("sent", "delivered")
        clock.set(_at(10, 21, 8, 1))
        worker_answers.answer_problem(session, problem.id, "王专干：收到，今天上午来家里说。", user_id=staff.id,
                                      actor=f"user:{staff.id}")
        clock.set(_at(10, 21, 10, 30))
        problems.arrive_on_site(session, problem.id, user_id=staff.id, actor=f"user:{staff.id}")
        clock.set(_at(10, 22, 11))
        problems.resolve(session, problem.id, resolution="报名下期电焊培训，推荐了两个岗位", user_id=staff.id,
                         actor=f"user:{staff.id}")
        status = problems.problem_status(problem)
        assert (status.stage, status.overdue, status.late) == (problems.ProblemStage.RESOLVED, [], [])
        clock.set(_at(10, 28, 17))
        training.complete(session, placed.enrolment.id, certificate="焊工证", assessment="passed",
                          actor=f"user:{staff.id}")
        session.commit()

        clock.set(_at(10, 29, 15))  # the monitored household's monthly follow-up, by phone
        record_follow_up(session, household_id=watched.id, staff_user_id=staff.id, method="phone",
                         actor=f"user:{staff.id}", summary="电话回访，妻子仍在超市上班",
                         monitoring=MonitoringNotes(EmploymentState.UNSTABLE, "想要附近的电焊活", "电焊"))
        session.commit()

        # November: a text conversation finds the watched welder back at work; the big site still has
        # no special action.
        clock.set(_at(11, 3))
        record_follow_up(session, household_id=watched.id, staff_user_id=staff.id, method="sms",
                         actor=f"user:{staff.id}", summary="短信联系：已回园区工厂上班",
                         found_work=[NewJob(watched_welder.id, "within_county", "园区工厂", started_on=date(2026, 11, 3),
                                            monthly_income=2800)],
                         monitoring=MonitoringNotes(EmploymentState.EMPLOYED, "无", "无"))
        clock.set(_at(11, 10))  # the zero-employment welder starts at the welding shop: the list is empty
        _job(session, zero_welder, date(2026, 11, 10), employer="园区一号电焊厂")
        assert not zero.zero_employment
        session.commit()
        clock.set(_at(11, 20))
        [big_row] = [row for row in coverage_rows(session, county.id, Month(2026, 11)) if row.name == "大湾安置点"]
        assert (big_row.people, big_row.needs_action, big_row.needs_staff) == (900, True, False)
        session.commit()
        _sign_in(client, "officer")
        county_page = client.get("/county/").get_data(as_text=True)
        big_line = county_page.split('id="coverage"')[1].split("大湾安置点")[1].split("</tr>")[0]
        assert "800人以上今年无专项行动" in big_line
        unmet_tile = county_page.split("培训需求未满足")[1].split("</div>")[0]
        assert ">1</b>" in unmet_tile and "其中名额已满 1 人" in unmet_tile

        # December 2nd: the quarter's three reports, each as of its month's end, against the ledger.
        clock.set(_at(12, 2, 9))
        books = {}
        for period in QUARTER:
            buffer = io.BytesIO()
            write_report_xlsx(monthly_report(session, county, period.year, period.month), buffer, filed_by="王专干")
            books[period] = load_workbook(io.BytesIO(buffer.getvalue()))
        figures = {period: month_figures(session, period) for period in QUARTER}
        courses = session.scalars(select(TrainingCourse)).all()
        session.commit()
        _sign_in(client, "officer")  # twelve days on: a new sign-in
        download = client.get("/county/report.xlsx")  # the officer's one click: the last full month
        assert download.status_code == 200
        books["download"] = load_workbook(io.BytesIO(download.data))

    check_employment_sheet(books.pop("download"), figures[QUARTER[-1]], QUARTER[-1], ("东安置点", "西安置点", "大湾安置点"))

    sites = ("东安置点", "西安置点", "大湾安置点")
    watched_lines, zero_lists = {}, {}
    for period, book in books.items():
        check_employment_sheet(book, figures[period], period, sites)
        zero_lists[period.month] = check_zero_employment_sheet(session, book, figures[period])
        watched_lines[period.month] = check_monitoring_sheets(session, book, figures[period])["W-1"]
        running = [c for c in courses if c.starts_on <= period.last_day and c.ends_on >= period.start.date()]
        check_training_sheet(session, book, figures[period], running)
        coverage = {row[0]: row for row in sheet_rows(book["覆盖情况"])}
        assert coverage["大湾安置点"][1] == 900 and coverage["大湾安置点"][9] == "是", period
        assert not coverage["东安置点"][9] and not coverage["西安置点"][9], period  # small sites: no action due

    # The story's own figures, so that a wrong recomputation cannot agree with a wrong report.
    september, october, november = (figures[period] for period in QUARTER)
    assert "大湾安置点" not in september.sites_with_data  # 900 people on the roster, nothing recorded yet
    assert september.rows["合计"]["followed"] == 1 and zero.id in september.followed  # the door visit
    assert september.alerts[watched.id] == 1 and september.rows["西安置点"]["employed"] == 2
    assert september.rows["西安置点"]["zero"] == 1
    assert (october.unmet, october.turned_away) == (1, 1) and october.followed == {watched.id}
    assert october.rows["西安置点"]["monitored_followed"] == 1  # the phone call counts for the monitored household
    assert november.rows["西安置点"]["employed"] == 4 and november.rows["西安置点"]["new"] == 2
    assert november.followed == {watched.id}  # the text conversation counts as November's contact
    assert zero_lists == {9: {"W-0"}, 10: {"W-0"}, 11: set()}  # each list as of its month's end
    assert watched_lines == {9: ("脱贫不稳定户", "否", 1), 10: ("脱贫不稳定户", "是", 0), 11: ("脱贫不稳定户", "是", 0)}
    assert november.alerts[watched.id] == 0 and set(november.monitored) == {watched.id}

"""The county's November report, checked sheet by sheet against figures this test computes on its own
from the ledger's events (not from the report service, nor from the tables it reads).

A month of activity at two sites: jobs found and lost (one household becomes zero-employment, one
leaves the list), a monitored household losing its job (an alert), a door visit, an SMS conversation
and a phone call as follow-ups, a course with more wishes than places (one turned away), a completion
with a passed assessment and a certificate (subsidies). December's activity must not leak in.
"""

import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.models import TrainingCourse
from jobmatch.services.households import monitoring
from jobmatch.services.households.employment_changes import NewJob, current_spell, end_spell, start_job
from jobmatch.services.households.followups import MonitoringNotes, record_follow_up
from jobmatch.services.households.zero_employment import record_door_visit
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.training import courses as training
from tests.factories import (
    frozen_clock,
    make_county,
    make_household,
    make_imported_household,
    make_person,
    make_settlement,
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

NOVEMBER = Period(2026, 11)


def _at(month, day, hour=10):
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def _job(session, person, started_on):
    return start_job(session, NewJob(person.id, "within_county", "园区工厂", started_on=started_on,
                                     monthly_income=2800), actor="user:1")


def _build_the_month(session, clock):
    clock.set(_at(10, 20))
    county = make_county(session, name="测试县")
    east, west = make_settlement(session, county, name="东安置点"), make_settlement(session, county, name="西安置点")
    stable, (stable_a, stable_b) = make_imported_household(session, east, "E-1", {}, {})
    _job(session, stable_a, date(2025, 6, 1))  # employed since last year
    rejoins, (rejoiner,) = make_imported_household(session, east, "E-2", {})  # zero-employment in October
    watched, (watched_worker,) = make_imported_household(session, west, "W-1", {})
    _job(session, watched_worker, date(2026, 3, 1))  # employed since March
    idle, (idle_worker, _elder) = make_imported_household(session, west, "W-2", {},
                                                          {"capacity": "none", "wants_work": False})
    wishers = [make_imported_household(session, east, f"E-T{n}", {"training_wishes": ["电焊"]})[1][0] for n in (1, 2)]
    for wisher in wishers:
        _job(session, wisher, date(2026, 10, 1))

    clock.set(_at(11, 2))
    monitoring.flag_household(session, watched.id, "unstable", reason="收入来源单一", actor="user:1")
    monitoring.flag_household(session, rejoins.id, "marginal", reason="刚搬迁", actor="user:1")
    clock.set(_at(11, 3))
    _job(session, rejoiner, date(2026, 11, 3))  # leaves the zero-employment list in November
    clock.set(_at(11, 5))
    course = training.create_course(session, name="电焊工培训班", skill="电焊", county_id=county.id,
                                    starts_on=date(2026, 11, 5), ends_on=date(2026, 11, 20), place="县职校",
                                    capacity=1, actor="user:1")
    placed = training.request_place(session, course.id, wishers[0].id, actor="user:1")
    assert training.request_place(session, course.id, wishers[1].id, actor="user:1").turned_away
    clock.set(_at(11, 10))
    end_spell(session, current_spell(session, watched_worker.id), reason="工厂停产", actor="user:1")  # alert
    clock.set(_at(11, 12))
    record_door_visit(session, household_id=watched.id, staff_user_id=None, actor="user:1", note="送去两个岗位")
    clock.set(_at(11, 14))
    record_follow_up(session, household_id=stable.id, staff_user_id=None, method="sms", actor="user:1",
                     summary="短信联系户主，两人情况稳定")
    clock.set(_at(11, 16))
    record_follow_up(session, household_id=idle.id, staff_user_id=None, method="phone", actor="user:1",
                     summary="电话联系，想在附近找活")
    clock.set(_at(11, 20))
    training.complete(session, placed.enrolment.id, certificate="焊工证", assessment="passed", actor="user:1")

    clock.set(_at(12, 2))  # December: nothing of this may reach November's report
    _job(session, stable_b, date(2026, 12, 1))
    _job(session, idle_worker, date(2026, 12, 2))
    monitoring.flag_household(session, idle.id, "hardship", reason="家人重病", actor="user:1")
    record_follow_up(session, household_id=rejoins.id, staff_user_id=None, method="visit", actor="user:1",
                     summary="入户", monitoring=MonitoringNotes("employed", "无", "无"))
    return county


def test_the_november_report_agrees_with_the_ledger_sheet_by_sheet(session):
    with frozen_clock(_at(10, 20)) as clock:
        county = _build_the_month(session, clock)
        buffer = io.BytesIO()
        write_report_xlsx(monthly_report(session, county, 2026, 11), buffer, filed_by="王专干")
        figures = month_figures(session, NOVEMBER)
    book = load_workbook(io.BytesIO(buffer.getvalue()))

    check_employment_sheet(book, figures, NOVEMBER, ("东安置点", "西安置点"))
    rows = figures.rows
    # The story's own figures, so that a wrong recomputation cannot agree with a wrong report.
    assert (rows["合计"]["employed"], rows["合计"]["new"], rows["合计"]["zero"], rows["合计"]["zero_new"]) == (4, 1, 2, 1)
    assert (rows["合计"]["followed"], rows["合计"]["monitored"]) == (3, 2)

    assert check_zero_employment_sheet(session, book, figures) == {"W-1", "W-2"}

    expected_monitored = check_monitoring_sheets(session, book, figures)
    assert expected_monitored["W-1"] == ("脱贫不稳定户", "是", 1)
    assert figures.by_category["hardship"]["households"] == 0  # flagged in December

    courses = session.scalars(select(TrainingCourse)).all()
    check_training_sheet(session, book, figures, courses)
    assert figures.courses[f"course:{courses[0].id}"]["subsidy"] == 1500
    assert (figures.unmet, figures.turned_away) == (1, 1)

    for sheet in book.worksheets:
        texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "填报人：王专干" in texts and "审核人：" in texts and "填报日期：2026年12月02日" in texts, sheet.title
        assert any(t.startswith("填报单位：测试县") for t in texts), sheet.title
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9, sheet.title
        assert sheet.print_title_rows and "3" in sheet.print_title_rows, sheet.title


def test_a_month_before_a_site_was_recorded_is_no_data_not_zero_percent(session):
    with frozen_clock(_at(11, 10)):
        county = make_county(session, name="新建县")
        recorded, unrecorded = make_settlement(session, county, name="已建档点"), make_settlement(session, county,
                                                                                            name="新搬迁点")
        make_imported_household(session, recorded, "R-1", {})
        make_person(session, make_household(session, unrecorded, household_no="N-1"))  # no event yet
        buffer = io.BytesIO()
        report = monthly_report(session, county, 2026, 10)
        write_report_xlsx(report, buffer)
    rows = {row[0]: row for row in sheet_rows(load_workbook(io.BytesIO(buffer.getvalue()))["就业情况"])}
    assert rows["已建档点"][1:] == rows["新搬迁点"][1:] == ("无数据",) * (len(rows["合计"]) - 1)
    assert report.total.rate is None and rows["合计"][4] == "无数据"

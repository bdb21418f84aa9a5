"""The county's November report, checked sheet by sheet against figures this test computes on its own
from the ledger's events (not from the report service, nor from the tables it reads).

A month of activity at two sites: jobs found and lost (one household becomes zero-employment, one
leaves the list), a monitored household losing its job (an alert), a door visit, an SMS conversation
and a phone call as follow-ups, a course with more wishes than places (one turned away), a completion
with a passed assessment and a certificate (subsidies). December's activity must not leak in.
"""

import io
from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch import ledger
from jobmatch.models import Household, LedgerEvent, Person
from jobmatch.services.households import monitoring
from jobmatch.services.households.employment_changes import NewJob, current_spell, end_spell, start_job
from jobmatch.services.households.followups import MonitoringNotes, record_follow_up
from jobmatch.services.households.zero_employment import record_door_visit, refresh_and_flag
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.training import courses as training
from tests.factories import frozen_clock, make_county, make_household, make_person, make_settlement

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH_START = datetime(2026, 11, 1, tzinfo=SHANGHAI)
MONTH_END = datetime(2026, 12, 1, tzinfo=SHANGHAI)
YEAR_START = datetime(2026, 1, 1, tzinfo=SHANGHAI)
CATEGORY_WORDS = {"unstable": "脱贫不稳定户", "marginal": "边缘易致贫户", "hardship": "突发严重困难户"}


def _at(month, day, hour=10):
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def _household(session, site, number, *members):
    """A household as an import leaves it: its members, and the ledger's record of its creation."""
    household = make_household(session, site, household_no=number)
    people = [make_person(session, household, name=f"{number}-{index}", **values)
              for index, values in enumerate(members, start=1)]
    ledger.append(session, "household_created", actor="import", household_id=household.id,
                  subject=f"household:{household.id}", data={"household_no": number})
    refresh_and_flag(session, [household.id], actor="import")
    return household, people


def _job(session, person, started_on):
    return start_job(session, NewJob(person.id, "within_county", "园区工厂", started_on=started_on,
                                     monthly_income=2800), actor="user:1")


def _build_the_month(session, clock):
    clock.set(_at(10, 20))
    county = make_county(session, name="测试县")
    east, west = make_settlement(session, county, name="东安置点"), make_settlement(session, county, name="西安置点")
    stable, (stable_a, stable_b) = _household(session, east, "E-1", {}, {})
    _job(session, stable_a, date(2025, 6, 1))  # employed since last year
    rejoins, (rejoiner,) = _household(session, east, "E-2", {})  # zero-employment in October
    watched, (watched_worker,) = _household(session, west, "W-1", {})
    _job(session, watched_worker, date(2026, 3, 1))  # employed since March
    idle, (idle_worker, _elder) = _household(session, west, "W-2", {}, {"capacity": "none", "wants_work": False})
    wishers = [_household(session, east, f"E-T{n}", {"training_wishes": ["电焊"]})[1][0] for n in (1, 2)]
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


def _events(session, *kinds):
    return session.scalars(select(LedgerEvent).where(LedgerEvent.kind.in_(kinds)).order_by(LedgerEvent.seq)).all()


def _employed_on(session, day: date) -> set[int]:
    """Person ids holding a job on ``day``, from employment_started/employment_ended events and their dates."""
    started, ended = {}, {}
    for event in _events(session, "employment_started", "employment_ended"):
        on = date.fromisoformat(event.data["on"])
        (started if event.kind == "employment_started" else ended)[event.data["spell_id"]] = (event.person_id, on)
    return {person_id for spell_id, (person_id, on) in started.items()
            if on <= day and not (spell_id in ended and ended[spell_id][1] <= day)}


def _latest_state(session, set_kind, clear_kind, moment):
    """household id -> the latest set event before ``moment`` (households whose latest event clears are left out)."""
    latest = {}
    for event in _events(session, set_kind, clear_kind):
        if event.occurred_at.astimezone(SHANGHAI) < moment:
            latest[event.household_id] = event
    return {household_id: event for household_id, event in latest.items() if event.kind == set_kind}


def _contacts(session, start, end):
    """(household id, moment) of every follow-up and door visit recorded with a contact time in [start, end)."""
    found = []
    for event in _events(session, "follow_up_recorded", "door_visit_recorded"):
        at = datetime.fromisoformat(event.data.get("contacted_at") or event.data["visited_at"])
        if start <= at < end:
            found.append(event.household_id)
    return found


def _expected(session):
    """Every figure of November's report, recomputed from the ledger."""
    people = session.scalars(select(Person)).all()
    labourers = [p for p in people if p.capacity != "none"]
    site_of = {p.household_id: p.household.settlement.name for p in people}
    employed_end = _employed_on(session, date(2026, 11, 30))
    employed_before = _employed_on(session, date(2026, 10, 31))
    employed_last_year = _employed_on(session, date(2025, 12, 31))
    zero = _latest_state(session, "household_became_zero_employment", "household_left_zero_employment", MONTH_END)
    monitored = _latest_state(session, "monitoring_flagged", "monitoring_unflagged", MONTH_END)
    followed = set(_contacts(session, MONTH_START, MONTH_END))
    alerts = Counter(e.household_id for e in _events(session, "monitoring_alert_raised")
                     if MONTH_START <= e.occurred_at.astimezone(SHANGHAI) < MONTH_END)
    rows = defaultdict(Counter)
    for person in labourers:
        row = rows[site_of[person.household_id]]
        row["labourers"] += 1
        row["employed"] += person.id in employed_end
        row["new"] += person.id in employed_end and person.id not in employed_before
        row["year_new"] += person.id in employed_end and person.id not in employed_last_year
    for household_id, event in zero.items():
        rows[site_of[household_id]]["zero"] += 1
        rows[site_of[household_id]]["zero_new"] += event.occurred_at.astimezone(SHANGHAI) >= MONTH_START
    for household_id in followed:
        rows[site_of[household_id]]["followed"] += 1
    for household_id in _contacts(session, YEAR_START, MONTH_END):
        rows[site_of[household_id]]["contacts_year"] += 1
    for household_id in monitored:
        rows[site_of[household_id]]["monitored"] += 1
        rows[site_of[household_id]]["monitored_followed"] += household_id in followed
    by_category = defaultdict(Counter)
    for household_id, event in monitored.items():
        line = by_category[event.data["category"]]
        members = [p for p in labourers if p.household_id == household_id]
        line["households"] += 1
        line["labourers"] += len(members)
        line["employed"] += sum(p.id in employed_end for p in members)
        line["without_work"] += bool(members) and not any(p.id in employed_end for p in members)
        line["followed"] += household_id in followed
        line["alerts"] += alerts[household_id]
    return rows, zero, monitored, followed, alerts, by_category


def _training_expected(session):
    before_end = [e for e in _events(session, "training_enrolled", "training_completed", "training_turned_away",
                                     "training_subsidy_recorded") if e.occurred_at.astimezone(SHANGHAI) < MONTH_END]
    course = Counter()
    for event in before_end:
        if event.kind == "training_enrolled":
            course["enrolled"] += 1
        elif event.kind == "training_completed":
            course["completed"] += 1
            course["completed_this_month"] += event.occurred_at.astimezone(SHANGHAI) >= MONTH_START
            course["certified"] += bool(event.data["certificate"])
            course["passed"] += event.data["assessment"] == "passed"
        elif event.kind == "training_subsidy_recorded" and event.data["month"] == "2026-11":
            course["subsidy"] += event.data["amount"]
    enrolled_people = {e.person_id for e in before_end if e.kind == "training_enrolled"}
    turned_away = {e.person_id for e in before_end if e.kind == "training_turned_away"}
    wishers = {p.id for p in session.scalars(select(Person)) if p.training_wishes}
    unmet = wishers - enrolled_people
    return course, len(unmet), len(unmet & turned_away)


def _rows(sheet, first=4):
    return [row for row in sheet.iter_rows(min_row=first, values_only=True) if row[0] is not None]


def test_the_november_report_agrees_with_the_ledger_sheet_by_sheet(session):
    with frozen_clock(_at(10, 20)) as clock:
        county = _build_the_month(session, clock)
        buffer = io.BytesIO()
        write_report_xlsx(monthly_report(session, county, 2026, 11), buffer, filed_by="王专干")
        rows, zero, monitored, followed, alerts, by_category = _expected(session)
        course, unmet, turned_away = _training_expected(session)
    book = load_workbook(io.BytesIO(buffer.getvalue()))

    employment = book["就业情况"]
    headers = [cell.value for cell in employment[3]]
    assert "截至2026-11-30" in employment["A1"].value
    sheet_rows = {row[0]: dict(zip(headers, row)) for row in _rows(employment) if row[0] in ("东安置点", "西安置点", "合计")}
    rows["合计"] = sum(rows.values(), Counter())
    columns = {"labourers": "劳动力人数", "employed": "已就业人数", "new": "本月新增就业人数",
               "year_new": "本年累计新增就业人数", "zero": "零就业家庭户数", "zero_new": "本月新增零就业家庭户数",
               "followed": "本月回访户数", "contacts_year": "本年累计回访户次", "monitored": "防返贫监测户数",
               "monitored_followed": "其中本月已回访"}
    for site in ("东安置点", "西安置点", "合计"):
        got = {key: sheet_rows[site][header] for key, header in columns.items()}
        assert got == {key: rows[site][key] for key in columns}, site
        assert sheet_rows[site]["就业率"] == rows[site]["employed"] / rows[site]["labourers"]
    # The story's own figures, so that a wrong recomputation cannot agree with a wrong report.
    assert (rows["合计"]["employed"], rows["合计"]["new"], rows["合计"]["zero"], rows["合计"]["zero_new"]) == (4, 1, 2, 1)
    assert (rows["合计"]["followed"], rows["合计"]["monitored"]) == (3, 2)

    zero_sheet = _rows(book["零就业家庭"])
    listed = {row[2] for row in zero_sheet if isinstance(row[0], int)}
    assert listed == {session.get(Household, household_id).household_no for household_id in zero} == {"W-1", "W-2"}

    monitored_rows = {row[2]: row for row in _rows(book["防返贫监测"]) if isinstance(row[0], int)}
    expected_monitored = {session.get(Household, household_id).household_no: (CATEGORY_WORDS[event.data["category"]],
                                                          "是" if household_id in followed else "否",
                                                          alerts[household_id])
                          for household_id, event in monitored.items()}
    assert {number: row[3:6] for number, row in monitored_rows.items()} == expected_monitored
    assert expected_monitored["W-1"] == ("脱贫不稳定户", "是", 1)

    summary = {row[0]: row for row in _rows(book["监测户汇总"])}
    for category, words in CATEGORY_WORDS.items():
        line = by_category[category]
        assert summary[words][1:4] == (line["households"], line["labourers"], line["employed"]), words
        assert summary[words][5:8] == (line["without_work"], line["followed"], line["alerts"]), words
    assert summary["突发严重困难户"][1] == 0  # flagged in December

    training_rows = {row[0]: row for row in _rows(book["培训"])}
    assert training_rows["电焊工培训班"][5:11] == (course["enrolled"], course["completed"],
                                               course["completed_this_month"], course["certified"], course["passed"],
                                               course["subsidy"])
    assert course["subsidy"] == 1500
    demand_line = next(row[0] for row in _rows(book["培训"]) if str(row[0]).startswith("月末培训需求未满足"))
    assert demand_line == f"月末培训需求未满足：{unmet}人（其中因名额已满未能报名{turned_away}人）"
    assert (unmet, turned_away) == (1, 1)

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
        _household(session, recorded, "R-1", {})
        make_person(session, make_household(session, unrecorded, household_no="N-1"))  # no event yet
        buffer = io.BytesIO()
        report = monthly_report(session, county, 2026, 10)
        write_report_xlsx(report, buffer)
    rows = {row[0]: row for row in _rows(load_workbook(io.BytesIO(buffer.getvalue()))["就业情况"])}
    assert rows["已建档点"][1:] == rows["新搬迁点"][1:] == ("无数据",) * (len(rows["合计"]) - 1)
    assert report.total.rate is None and rows["合计"][4] == "无数据"

"""A county's monthly report recomputed from the ledger's events alone (not from the report service, nor
from the tables it reads), and compared with the report's xlsx sheet by sheet.

Shared by the November report test (tests/reports/test_report_recomputed_from_ledger.py) and the
simulated quarter (tests/test_quarter_story.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jobmatch.models import Household, LedgerEvent, Person

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORY_WORDS = {"unstable": "脱贫不稳定户", "marginal": "边缘易致贫户", "hardship": "突发严重困难户"}
NO_DATA = "无数据"
EMPLOYMENT_COLUMNS = {"labourers": "劳动力人数", "employed": "已就业人数", "new": "本月新增就业人数",
                      "year_new": "本年累计新增就业人数", "zero": "零就业家庭户数", "zero_new": "本月新增零就业家庭户数",
                      "followed": "本月回访户数", "contacts_year": "本年累计回访户次", "monitored": "防返贫监测户数",
                      "monitored_followed": "其中本月已回访"}


@dataclass(frozen=True)
class Period:
    """A calendar month in local time: [start, end), its last day, the day before it and the year's start."""

    year: int
    month: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        following = (self.year + (self.month == 12), self.month % 12 + 1)
        return datetime(*following, 1, tzinfo=SHANGHAI)

    @property
    def last_day(self) -> date:
        return self.end.date() - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass
class MonthFigures:
    """Every figure of a month's report, as the ledger tells it."""

    rows: dict = field(default_factory=lambda: defaultdict(Counter))  # site name (and 合计) -> Counter
    sites_with_data: set = field(default_factory=set)
    zero: dict = field(default_factory=dict)  # household id -> the event that listed it
    monitored: dict = field(default_factory=dict)  # household id -> the latest flagging event
    followed: set = field(default_factory=set)  # household ids contacted in the month
    alerts: Counter = field(default_factory=Counter)  # household id -> alerts raised in the month
    by_category: dict = field(default_factory=lambda: defaultdict(Counter))
    courses: dict = field(default_factory=lambda: defaultdict(Counter))  # course id -> its figures
    unmet: int = 0
    turned_away: int = 0


def events(session, *kinds):
    return session.scalars(select(LedgerEvent).where(LedgerEvent.kind.in_(kinds)).order_by(LedgerEvent.id)).all()


def _local(event) -> datetime:
    return event.occurred_at.astimezone(SHANGHAI)


def employed_on(session, day: date) -> set[int]:
    """Person ids holding a job on ``day``, from employment_started/employment_ended events and their dates."""
    started, ended = {}, {}
    for event in events(session, "employment_started", "employment_ended"):
        on = date.fromisoformat(event.data["on"])
        (started if event.kind == "employment_started" else ended)[event.data["spell_id"]] = (event.person_id, on)
    return {person_id for spell_id, (person_id, on) in started.items()
            if on <= day and not (spell_id in ended and ended[spell_id][1] <= day)}


def latest_state(session, set_kind, clear_kind, moment):
    """household id -> the latest set event before ``moment`` (households whose latest event clears are left out)."""
    latest = {}
    for event in events(session, set_kind, clear_kind):
        if _local(event) < moment:
            latest[event.household_id] = event
    return {household_id: event for household_id, event in latest.items() if event.kind == set_kind}


def contacts(session, start, end):
    """The household id of every follow-up and door visit recorded with a contact time in [start, end)."""
    found = []
    for event in events(session, "follow_up_recorded", "door_visit_recorded"):
        at = datetime.fromisoformat(event.data.get("contacted_at") or event.data["visited_at"])
        if start <= at < end:
            found.append(event.household_id)
    return found


def _sites_with_data(session, site_of, moment) -> set[str]:
    """Sites the ledger had recorded anything of (an event of one of their households) before ``moment``."""
    return {site_of[e.household_id] for e in session.scalars(select(LedgerEvent).where(
        LedgerEvent.household_id.is_not(None))) if _local(e) < moment and e.household_id in site_of}


def month_figures(session, period: Period) -> MonthFigures:
    """Every figure of the month's report, recomputed from the ledger (and the roster's people)."""
    figures = MonthFigures()
    people = session.scalars(select(Person)).all()
    labourers = [p for p in people if p.capacity != "none"]
    site_of = {h.id: h.settlement.name for h in session.scalars(select(Household))}
    figures.sites_with_data = _sites_with_data(session, site_of, period.end)
    employed_end = employed_on(session, period.last_day)
    employed_before = employed_on(session, period.start.date() - timedelta(days=1))
    employed_last_year = employed_on(session, date(period.year - 1, 12, 31))
    figures.zero = latest_state(session, "household_became_zero_employment", "household_left_zero_employment",
                                period.end)
    figures.monitored = latest_state(session, "monitoring_flagged", "monitoring_unflagged", period.end)
    figures.followed = set(contacts(session, period.start, period.end))
    figures.alerts = Counter(e.household_id for e in events(session, "monitoring_alert_raised")
                             if period.start <= _local(e) < period.end)
    rows = figures.rows
    for person in labourers:
        row = rows[site_of[person.household_id]]
        row["labourers"] += 1
        row["employed"] += person.id in employed_end
        row["new"] += person.id in employed_end and person.id not in employed_before
        row["year_new"] += person.id in employed_end and person.id not in employed_last_year
    for household_id, event in figures.zero.items():
        rows[site_of[household_id]]["zero"] += 1
        rows[site_of[household_id]]["zero_new"] += _local(event) >= period.start
    for household_id in figures.followed:
        rows[site_of[household_id]]["followed"] += 1
    for household_id in contacts(session, datetime(period.year, 1, 1, tzinfo=SHANGHAI), period.end):
        rows[site_of[household_id]]["contacts_year"] += 1
    for household_id in figures.monitored:
        rows[site_of[household_id]]["monitored"] += 1
        rows[site_of[household_id]]["monitored_followed"] += household_id in figures.followed
    rows["合计"] = sum((rows[site] for site in list(rows) if site in figures.sites_with_data), Counter())
    for household_id, event in figures.monitored.items():
        line = figures.by_category[event.data["category"]]
        members = [p for p in labourers if p.household_id == household_id]
        line["households"] += 1
        line["labourers"] += len(members)
        line["employed"] += sum(p.id in employed_end for p in members)
        line["without_work"] += bool(members) and not any(p.id in employed_end for p in members)
        line["followed"] += household_id in figures.followed
        line["alerts"] += figures.alerts[household_id]
    _training_figures(session, period, figures)
    return figures


def _training_figures(session, period: Period, figures: MonthFigures) -> None:
    before_end = [e for e in events(session, "training_enrolled", "training_completed", "training_turned_away",
                                    "training_subsidy_recorded") if _local(e) < period.end]
    for event in before_end:
        course = figures.courses[event.subject]
        if event.kind == "training_enrolled":
            course["enrolled"] += 1
        elif event.kind == "training_completed":
            course["completed"] += 1
            course["completed_this_month"] += _local(event) >= period.start
            course["certified"] += bool(event.data["certificate"])
            course["passed"] += event.data["assessment"] == "passed"
        elif event.kind == "training_subsidy_recorded" and event.data["month"] == period.label:
            course["subsidy"] += event.data["amount"]
    enrolled_people = {e.person_id for e in before_end if e.kind == "training_enrolled"}
    turned_away = {e.person_id for e in before_end if e.kind == "training_turned_away"}
    wishers = {p.id for p in session.scalars(select(Person)) if p.training_wishes}
    unmet = wishers - enrolled_people
    figures.unmet, figures.turned_away = len(unmet), len(unmet & turned_away)


def sheet_rows(sheet, first=4):
    return [row for row in sheet.iter_rows(min_row=first, values_only=True) if row[0] is not None]


def check_employment_sheet(book, figures: MonthFigures, period: Period, sites) -> None:
    """就业情况: each site's line and the total agree with the ledger (a site not yet recorded: 无数据)."""
    employment = book["就业情况"]
    headers = [cell.value for cell in employment[3]]
    assert f"截至{period.last_day:%Y-%m-%d}" in employment["A1"].value
    lines = {row[0]: dict(zip(headers, row)) for row in sheet_rows(employment) if row[0] in (*sites, "合计")}
    assert set(lines) == {*sites, "合计"}, period
    for site in (*sites, "合计"):
        if site != "合计" and site not in figures.sites_with_data:
            assert set(list(lines[site].values())[1:]) == {NO_DATA}, (period, site)
            continue
        got = {key: lines[site][header] for key, header in EMPLOYMENT_COLUMNS.items()}
        assert got == {key: figures.rows[site][key] for key in EMPLOYMENT_COLUMNS}, (period, site)
        assert lines[site]["就业率"] == figures.rows[site]["employed"] / figures.rows[site]["labourers"], (period, site)


def check_zero_employment_sheet(session, book, figures: MonthFigures) -> set[str]:
    """零就业家庭: the households listed at the month's end; returns their numbers."""
    listed = {row[2] for row in sheet_rows(book["零就业家庭"]) if isinstance(row[0], int)}
    assert listed == {session.get(Household, household_id).household_no for household_id in figures.zero}
    return listed


def check_monitoring_sheets(session, book, figures: MonthFigures) -> dict:
    """防返贫监测 and 监测户汇总: each monitored household (category, followed up, alerts) and the category totals;
    returns household number -> (category words, followed up, alerts)."""
    monitored_rows = {row[2]: row for row in sheet_rows(book["防返贫监测"]) if isinstance(row[0], int)}
    expected = {session.get(Household, household_id).household_no: (
        CATEGORY_WORDS[event.data["category"]], "是" if household_id in figures.followed else "否",
        figures.alerts[household_id]) for household_id, event in figures.monitored.items()}
    assert {number: row[3:6] for number, row in monitored_rows.items()} == expected
    summary = {row[0]: row for row in sheet_rows(book["监测户汇总"])}
    for category, words in CATEGORY_WORDS.items():
        line = figures.by_category[category]
        assert summary[words][1:4] == (line["households"], line["labourers"], line["employed"]), words
        assert summary[words][5:8] == (line["without_work"], line["followed"], line["alerts"]), words
    return expected


def check_training_sheet(session, book, figures: MonthFigures, courses) -> None:
    """培训: the courses running in the month (``courses``: the TrainingCourse rows) and the unmet-demand line."""
    training_rows = {row[0]: row for row in sheet_rows(book["培训"])}
    for course in courses:
        line = figures.courses[f"course:{course.id}"]
        assert training_rows[course.name][5:11] == (line["enrolled"], line["completed"], line["completed_this_month"],
                                                    line["certified"], line["passed"], line["subsidy"]), course.name
    demand_line = next(row[0] for row in sheet_rows(book["培训"]) if str(row[0]).startswith("月末培训需求未满足"))
    assert demand_line == f"月末培训需求未满足：{figures.unmet}人（其中因名额已满未能报名{figures.turned_away}人）"

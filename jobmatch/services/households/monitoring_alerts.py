"""Alerts on a monitored household's employment drop (防返贫监测预警), raised the same day.

When a member of a monitored household loses their job (a follow-up, a welfare-post exit,
a roster import, any ``employment_ended``), the household's staff get an alert at once,
saying why: the job ended, the household became zero-employment, and/or its yearly income
per member fell below ``MONITORING_INCOME_LINE``. Two drops on the same local day add their
reasons to the one open alert of that day. Staff close an alert saying what they did.
Every alert and closing is a ledger event.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.models import AlertReason, EmploymentSpell, Household, MonitoringAlert, Person, Settlement, User
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.monitoring import is_monitored
from jobmatch.vocabulary import MONITORING_ALERT_REASON_LABELS, MONITORING_LABELS

RAISED, CLOSED = "monitoring_alert_raised", "monitoring_alert_closed"
NOTE_MAX_CHARS = 500


@dataclass(frozen=True)
class JobEnded:
    """A member's job that just ended: whose household, and what it paid a month (None: not known)."""

    household_id: int
    monthly_income: int | None


def alert_on_jobs_ended(session: Session, ended: list[JobEnded], *, actor: str) -> list[MonitoringAlert]:
    """Raise (or extend today's) alert for each monitored household among ``ended``; call after the
    households' status was refreshed. Returns the alerts raised or extended."""
    lost_income: dict[int, list[int | None]] = {}
    for job in ended:
        lost_income.setdefault(job.household_id, []).append(job.monthly_income)
    alerts = []
    for household_id, incomes in sorted(lost_income.items()):
        household = session.get(Household, household_id)
        if household is None or not is_monitored(household.monitoring):
            continue
        alerts.append(_raise(session, household, _reasons(session, household, incomes), actor))
    return alerts


def _reasons(session: Session, household: Household, lost_incomes: list[int | None]) -> list[AlertReason]:
    reasons = [AlertReason.JOB_ENDED]
    if household.zero_employment:
        reasons.append(AlertReason.ZERO_EMPLOYMENT)
    if _fell_below_income_line(session, household, lost_incomes):
        reasons.append(AlertReason.INCOME_BELOW_LINE)
    return reasons


def yearly_income_per_member(session: Session, household_id: int) -> float | None:
    """The household's current jobs' monthly income x 12 / members; None when a job's income is not known."""
    member_count = session.scalar(select(func.count(Person.id)).where(Person.household_id == household_id))
    if not member_count:
        return None
    incomes = session.scalars(select(EmploymentSpell.monthly_income).join(Person)
                              .where(Person.household_id == household_id, EmploymentSpell.ended_on.is_(None))).all()
    known = [income for income in incomes if income is not None]
    if len(known) != len(incomes):
        return None
    return 12 * sum(known) / member_count


def _fell_below_income_line(session: Session, household: Household, lost_incomes: list[int | None]) -> bool:
    """True when the household was at or above the line with the lost jobs and is below it now."""
    now = yearly_income_per_member(session, household.id)
    lost = [income for income in lost_incomes if income is not None]
    if now is None or len(lost) != len(lost_incomes):
        return False
    line = current_settings().monitoring_income_line
    member_count = len(household.members)
    before = now + 12 * sum(lost) / member_count
    return now < line <= before


def _raise(session: Session, household: Household, reasons: list[AlertReason], actor: str) -> MonitoringAlert:
    today_start = datetime.combine(local_today(), datetime.min.time(), LOCAL_TZ)
    alert = session.scalars(select(MonitoringAlert).where(
        MonitoringAlert.household_id == household.id, MonitoringAlert.closed_at.is_(None),
        MonitoringAlert.raised_at >= today_start).order_by(MonitoringAlert.id.desc()).limit(1)).first()
    if alert is None:
        alert = MonitoringAlert(household_id=household.id, raised_at=utcnow(), reasons=[], note="")
        session.add(alert)
    alert.reasons = list(dict.fromkeys([*alert.reasons, *(str(r) for r in reasons)]))
    session.flush()
    ledger.append(session, RAISED, actor=actor, household_id=household.id, subject=f"monitoring_alert:{alert.id}",
                  data={"alert_id": alert.id, "reasons": alert.reasons, "category": household.monitoring})
    return alert


def close_alert(session: Session, alert_id: int, *, user_id: int, note: str, actor: str) -> MonitoringAlert:
    """A staff member acted on an alert: close it with what was done."""
    alert = get_or_fail(session, MonitoringAlert, alert_id, "alert_id", "预警")
    get_or_fail(session, User, user_id, "user_id", "工作人员")
    note = (note or "").strip()
    require(alert.closed_at is None, "alert_id", "该预警已经处理")
    require(bool(note), "note", "请写明采取了什么帮扶措施")
    require(len(note) <= NOTE_MAX_CHARS, "note", f"帮扶措施最多 {NOTE_MAX_CHARS} 字")
    alert.closed_at, alert.closed_by_user_id, alert.note = utcnow(), user_id, note
    ledger.append(session, CLOSED, actor=actor, household_id=alert.household_id,
                  subject=f"monitoring_alert:{alert.id}", data={"alert_id": alert.id})
    return alert


@dataclass(frozen=True)
class AlertLine:
    alert_id: int
    household_id: int
    household_no: str
    settlement: str
    category: str
    raised_at: datetime
    reasons: list[str]

    @property
    def reason_labels(self) -> str:
        return "、".join(MONITORING_ALERT_REASON_LABELS[AlertReason(r)] for r in self.reasons)

    @property
    def category_label(self) -> str:
        return MONITORING_LABELS[self.category]


def open_alert_condition():
    """An alert still open (not closed), as SQL: the open alerts listed here and counted per site."""
    return MonitoringAlert.closed_at.is_(None)


def open_alerts(session: Session, settlement_ids) -> list[AlertLine]:
    """Open alerts of these settlements' households, oldest first."""
    rows = session.execute(
        select(MonitoringAlert, Household.household_no, Household.monitoring, Settlement.name)
        .join(Household, Household.id == MonitoringAlert.household_id)
        .join(Settlement, Settlement.id == Household.settlement_id)
        .where(Household.settlement_id.in_(list(settlement_ids)), open_alert_condition())
        .order_by(MonitoringAlert.raised_at, MonitoringAlert.id)).all()
    return [AlertLine(a.id, a.household_id, no, site, category, a.raised_at, list(a.reasons))
            for a, no, category, site in rows]


def open_alert_count(session: Session, settlement_ids) -> int:
    """How many ``open_alerts`` there are (the dashboard's tile), counted in the database."""
    return session.scalar(
        select(func.count(MonitoringAlert.id)).join(Household, Household.id == MonitoringAlert.household_id)
        .where(Household.settlement_id.in_(list(settlement_ids)), open_alert_condition())) or 0

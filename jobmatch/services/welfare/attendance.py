"""Attendance on a public-welfare post: days absent per month (the subsidy counts days present)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import Month, MonthError, local_today, utcnow
from jobmatch.models import WelfareAppointment, WelfareAttendance
from jobmatch.services.errors import WorkflowError, get_or_fail, require
from jobmatch.services.subsidies.welfare_pay import PAID_STATUSES, first_unpaid_day, welfare_pay


def record_attendance(session: Session, appointment_id: int, month: str, days_absent: int, *, actor: str,
                      note: str = "") -> WelfareAttendance:
    """Set the days absent of one person on one post in one month (replaces what was recorded)."""
    appointment = get_or_fail(session, WelfareAppointment, appointment_id, "appointment_id", "岗位安排")
    try:
        period = Month.parse(month)
    except MonthError as exc:
        assert exc.field is not None  # MonthError always names its field
        raise WorkflowError(exc.field, exc.message) from None
    require(period.first_day <= local_today(), "month", "不能登记未来月份的出勤")
    require(appointment.status in PAID_STATUSES, "appointment_id", "此人尚未接受该岗位，不能登记出勤")
    on_post = welfare_pay(appointment.post.monthly_subsidy, period, appointment.started_on,
                          first_unpaid_day(appointment)).days_on_post
    require(isinstance(days_absent, int) and not isinstance(days_absent, bool) and 0 <= days_absent <= on_post,
            "days_absent", f"缺勤天数应在 0 到 {on_post} 天之间（{period}在岗 {on_post} 天）")
    require(len(note or "") <= 500, "note", "备注太长（最多 500 字）")
    row = session.scalar(select(WelfareAttendance).where(WelfareAttendance.appointment_id == appointment.id,
                                                         WelfareAttendance.month == str(period)))
    before = row.days_absent if row else None
    if row is None:
        row = WelfareAttendance(appointment_id=appointment.id, month=str(period), days_absent=days_absent)
        session.add(row)
    row.days_absent, row.note, row.recorded_at = days_absent, (note or "").strip(), utcnow()
    session.flush()
    person = appointment.person
    ledger.append(session, "welfare_attendance_recorded", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                  data={"appointment_id": appointment.id, "month": str(period), "days_absent": days_absent,
                        "before": before})
    return row

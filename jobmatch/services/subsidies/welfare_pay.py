"""The one computation of a public-welfare post's monthly subsidy (在岗领补).

Every page and export that shows a welfare amount calls ``welfare_pay_lines``: the post's
roll, the county report, the monthly subsidy list and the API.

- Days on post: the days of the month from the first day on the post up to, not
  including, the first day off it: the exit day, the term's end day, or the day the
  person's welfare spell ended by another path (a hire elsewhere), whichever is first.
  So a term that ended on 2026-06-01 pays nothing in October, whether or not the
  term-end check has run.
- Days present: days on post minus the days absent recorded for the month.
- Amount: monthly subsidy × days present ÷ days in the month, rounded half up to the fen.
Only accepted appointments are paid; an offer not yet answered pays nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import Month
from jobmatch.models import Person, WelfareAppointment, WelfareAttendance, WelfarePost
from jobmatch.models.welfare import AppointmentStatus

FEN = Decimal("0.01")
PAID_STATUSES = (AppointmentStatus.ACTIVE, AppointmentStatus.EXITED)


@dataclass(frozen=True)
class WelfarePay:
    days_on_post: int
    days_absent: int
    days_present: int
    amount: Decimal


@dataclass(frozen=True)
class WelfarePayLine:
    """One person's pay on one post for one month."""

    appointment_id: int
    post_id: int
    post_title: str
    settlement_id: int
    person: Person
    started_on: date
    paid_until: date | None  # the first day not paid, when it falls in or before the month
    monthly_subsidy: int
    days_in_month: int
    pay: WelfarePay

    @property
    def amount(self) -> Decimal:
        return self.pay.amount


def first_unpaid_day(appointment: WelfareAppointment) -> date:
    """The first day the appointment no longer pays: exit, term end or the spell's end."""
    ends = [appointment.term_ends_on]
    if appointment.exited_on is not None:
        ends.append(appointment.exited_on)
    if appointment.spell is not None and appointment.spell.ended_on is not None:
        ends.append(appointment.spell.ended_on)
    return min(ends)


def welfare_pay(monthly_subsidy: int, month: Month, started_on: date, first_unpaid: date,
                days_absent: int = 0) -> WelfarePay:
    """The subsidy for one month (see the module docstring)."""
    start = max(month.first_day, started_on)
    stop = min(month.last_day + timedelta(days=1), first_unpaid)
    on_post = max(0, (stop - start).days)
    absent = min(max(0, days_absent), on_post)
    present = on_post - absent
    amount = (Decimal(monthly_subsidy) * present / month.last_day.day).quantize(FEN, ROUND_HALF_UP)
    return WelfarePay(on_post, absent, present, amount)


def welfare_pay_lines(session: Session, month: Month, *, post_ids=None, settlement_ids=None) -> list[WelfarePayLine]:
    """Everyone paid for ``month`` on the given posts (or the posts of the given sites), by post and start."""
    query = (select(WelfareAppointment).join(WelfarePost, WelfarePost.id == WelfareAppointment.post_id)
             .where(WelfareAppointment.status.in_(PAID_STATUSES), WelfareAppointment.started_on <= month.last_day,
                    or_(WelfareAppointment.exited_on.is_(None), WelfareAppointment.exited_on > month.first_day),
                    WelfareAppointment.term_ends_on > month.first_day)
             .options(selectinload(WelfareAppointment.post), selectinload(WelfareAppointment.spell),
                      selectinload(WelfareAppointment.person).selectinload(Person.household))
             .order_by(WelfarePost.settlement_id, WelfarePost.id, WelfareAppointment.started_on, WelfareAppointment.id))
    if post_ids is not None:
        query = query.where(WelfarePost.id.in_(list(post_ids)))
    if settlement_ids is not None:
        query = query.where(WelfarePost.settlement_id.in_(list(settlement_ids)))
    appointments = session.scalars(query).all()
    absent = _days_absent(session, [a.id for a in appointments], month)
    lines = []
    for appointment in appointments:
        post, unpaid = appointment.post, first_unpaid_day(appointment)
        pay = welfare_pay(post.monthly_subsidy, month, appointment.started_on, unpaid, absent.get(appointment.id, 0))
        if pay.days_on_post == 0:
            continue
        lines.append(WelfarePayLine(appointment.id, post.id, post.title, post.settlement_id, appointment.person,
                                    appointment.started_on, unpaid if unpaid <= month.last_day else None,
                                    post.monthly_subsidy, month.last_day.day, pay))
    return lines


def _days_absent(session: Session, appointment_ids: list[int], month: Month) -> dict[int, int]:
    if not appointment_ids:
        return {}
    rows = session.execute(select(WelfareAttendance.appointment_id, WelfareAttendance.days_absent).where(
        WelfareAttendance.appointment_id.in_(appointment_ids), WelfareAttendance.month == str(month))).all()
    return {appointment_id: days_absent for appointment_id, days_absent in rows}


def total(lines) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))

"""Done and paid: the employer confirms who worked how long and the pay; the worker says whether
the pay arrived ("工钱收到了吗？回1收到 回2没收到").

A "2", or no confirmation from the employer within a day of the gig's end, opens a wage
problem on the 三个三 clock (jobmatch.services.households.problems). The station sees every
gig with pay not confirmed as received, by employer.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import Month, local_today, utcnow
from jobmatch.models import Gig, GigPlacement, Problem
from jobmatch.models.gigs import UNPAID_STATUSES, PayStatus, PlacementStatus
from jobmatch.models.ledger import EventKind
from jobmatch.models.problems import ProblemCategory, ProblemSource
from jobmatch.services.errors import UserError
from jobmatch.services.gigs.offering import SUBJECT, gig_sms_data, lock_gig
from jobmatch.services.gigs.posting import ends_at
from jobmatch.services.households.problems import NewProblem, raise_problem
from jobmatch.services.households.status import refresh_households
from jobmatch.services.sms.messaging import queue_message
from notifications.kinds import MessageKind

PAY_SUBJECT = "gig_pay"
EMPLOYER_CONFIRMS_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class WorkDone:
    """One worker's work on a gig, as the employer confirms it."""

    placement_id: int
    days: float
    hours: float | None
    pay_yuan: int


def confirm_work(session: Session, gig_id: int, done: list[WorkDone], *, actor: str,
                 employer_id: int | None = None) -> list[int]:
    """The employer (or the clerk for it) confirms work and pay; each worker is asked whether the pay arrived.

    Returns the placement ids confirmed now. Checked entirely before anything is written.
    """
    gig = lock_gig(session, gig_id)
    if employer_id is not None and gig.employer_id != employer_id:
        raise UserError("这个零工不是贵单位发布的", "gig_id", status=404)
    if gig.work_date > local_today():
        raise UserError("活还没干，干完再确认工钱", "gig_id")
    placements = {p.id: p for p in gig.placements}
    for entry in done:
        placement = placements.get(entry.placement_id)
        if placement is None or placement.status != PlacementStatus.ACCEPTED:
            raise UserError(f"第 {entry.placement_id} 号不是这个零工接下的人", "placement_id")
        if not 0 < entry.days <= gig.days:
            raise UserError(f"{placement.person.name}：天数应在 0 到 {gig.days} 之间", "days")
        if entry.hours is not None and not 0 < entry.hours <= 24 * gig.days:
            raise UserError(f"{placement.person.name}：小时数不对", "hours")
        if entry.pay_yuan <= 0:
            raise UserError(f"{placement.person.name}：请写付了多少工钱（元）", "pay_yuan")
        if placement.pay_status not in (PayStatus.AWAITING_EMPLOYER, PayStatus.DISPUTED):
            raise UserError(f"{placement.person.name}的工钱已经确认过了", "placement_id", status=409)
    now, confirmed, households = utcnow(), [], set()
    for entry in done:
        placement = placements[entry.placement_id]
        placement.worked_days, placement.worked_hours = entry.days, entry.hours
        placement.pay_total_yuan, placement.work_confirmed_at = entry.pay_yuan, now
        disputed = placement.pay_status == PayStatus.DISPUTED
        placement.pay_status = PayStatus.CONFIRMED if not disputed else PayStatus.DISPUTED
        person = placement.person
        ledger.append(session, EventKind.GIG_WORK_CONFIRMED, actor=actor, person_id=person.id,
                      household_id=person.household_id, subject=f"{SUBJECT}:{placement.id}",
                      data={"gig_id": gig.id, "month": str(Month.of(gig.work_date)), "days": entry.days,
                            "hours": entry.hours, "pay_yuan": entry.pay_yuan})
        if not disputed:
            queue_message(session, person_id=person.id, kind=MessageKind.GIG_PAY_CHECK, expects_reply=True,
                          subject=f"{PAY_SUBJECT}:{placement.id}", actor=actor,
                          data={**_short(gig_sms_data(gig)), "link": f"{SUBJECT}:{placement.id}"})
        confirmed.append(placement.id)
        households.add(person.household_id)
    session.flush()
    refresh_households(session, households, actor=actor)  # gig days may make someone flexibly employed
    return confirmed


def _short(data: dict) -> dict:
    return {"start_date": data["start_date"], "title": data["title"]}


def answer_pay(session: Session, placement_id: int, person_id: int, received: bool, /, *,
               actor: str, via: str) -> str:
    """The worker's "1 收到" / "2 没收到" (the answers table's handler for "gig_pay")."""
    placement = session.get(GigPlacement, placement_id)
    if placement is None or placement.person_id != person_id:
        raise UserError("这条零工不是您的", "placement_id", status=404)
    lock_gig(session, placement.gig_id)
    session.refresh(placement)
    if placement.pay_status != PayStatus.CONFIRMED:
        return ""
    placement.pay_answered_at = utcnow()
    person = placement.person
    if received:
        placement.pay_status = PayStatus.RECEIVED
        ledger.append(session, EventKind.GIG_PAY_RECEIVED, actor=actor, person_id=person.id,
                      household_id=person.household_id, subject=f"{SUBJECT}:{placement.id}",
                      data={"gig_id": placement.gig_id, "via": via})
        return ""
    _open_wage_problem(session, placement, actor=actor, source=ProblemSource.WORKER,
                       why=f"零工“{placement.gig.title}”（{placement.gig.work_date:%m月%d日}，{placement.gig.employer.name}）"
                           f"工钱没收到，单位说已付 {placement.pay_total_yuan} 元")
    return ""


def _open_wage_problem(session: Session, placement: GigPlacement, *, actor: str, source: str, why: str) -> Problem:
    placement.pay_status = PayStatus.DISPUTED
    person = placement.person
    problem = raise_problem(session, person.household_id,
                            NewProblem(why, ProblemCategory.WAGES, person.id), source=source, actor=actor)
    placement.problem_id = problem.id
    ledger.append(session, EventKind.GIG_PAY_DISPUTED, actor=actor, person_id=person.id,
                  household_id=person.household_id, subject=f"{SUBJECT}:{placement.id}",
                  data={"gig_id": placement.gig_id, "problem_id": problem.id, "source": source})
    return problem


def check_unconfirmed_pay(session: Session, *, actor: str = "system", now: datetime | None = None) -> list[int]:
    """Open a wage problem for each worker whose employer has not confirmed the work a day after the
    gig ended; returns the placement ids. Run it every hour (`jobmatch gigs check`)."""
    now = now or utcnow()
    candidates = session.scalars(
        select(GigPlacement).join(Gig, Gig.id == GigPlacement.gig_id)
        .where(GigPlacement.status == PlacementStatus.ACCEPTED,
               GigPlacement.pay_status == PayStatus.AWAITING_EMPLOYER, Gig.work_date <= local_today())
        .options(selectinload(GigPlacement.gig)).order_by(GigPlacement.gig_id, GigPlacement.id)).all()
    opened = []
    for placement in candidates:
        if ends_at(placement.gig) + EMPLOYER_CONFIRMS_WITHIN > now:
            continue
        lock_gig(session, placement.gig_id)
        session.refresh(placement)
        if placement.pay_status != PayStatus.AWAITING_EMPLOYER:
            continue
        gig = placement.gig
        _open_wage_problem(session, placement, actor=actor, source=ProblemSource.STAFF,
                           why=f"零工“{gig.title}”（{gig.work_date:%m月%d日}，{gig.employer.name}）"
                               "干完一天了，单位还没确认工钱")
        opened.append(placement.id)
    return opened


@dataclass
class UnpaidByEmployer:
    employer: str
    placements: list[GigPlacement] = field(default_factory=list)

    @property
    def gigs(self) -> int:
        return len({p.gig_id for p in self.placements})

    @property
    def disputed(self) -> int:
        return sum(1 for p in self.placements if p.pay_status == PayStatus.DISPUTED)


def unpaid_by_employer(session: Session, settlement_ids=None) -> list[UnpaidByEmployer]:
    """Every worker of a gig done (today or before) whose pay is not confirmed as received, by employer:
    employers with disputes first."""
    query = (select(GigPlacement).join(Gig, Gig.id == GigPlacement.gig_id)
             .where(GigPlacement.status == PlacementStatus.ACCEPTED, GigPlacement.pay_status.in_(UNPAID_STATUSES),
                    Gig.work_date <= local_today())
             .options(selectinload(GigPlacement.gig).selectinload(Gig.employer), selectinload(GigPlacement.person))
             .order_by(Gig.work_date, GigPlacement.id))
    if settlement_ids is not None:
        query = query.where(Gig.settlement_id.in_(list(settlement_ids)))
    groups: dict[int, UnpaidByEmployer] = defaultdict(lambda: UnpaidByEmployer(""))
    for placement in session.scalars(query):
        group = groups[placement.gig.employer_id]
        group.employer = placement.gig.employer.name
        group.placements.append(placement)
    return sorted(groups.values(), key=lambda g: (-g.disputed, g.employer))

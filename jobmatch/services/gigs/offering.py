"""Offering a gig at once to available workers nearby who fit, and taking their answers.

Decisions:
- Who: persons free for gigs on the gig's day (jobmatch.services.gigs.availability) in the
  gig's county, not already holding a place on a gig that day nor waiting on another gig
  offer. The same hard rules and scores as jobs: each person becomes the engine's worker
  record (matching_input.worker_record) and the gig a vacancy of kind "gig" with openings =
  headcount (matching.engine.score_pairs, with the rounds' learned model; pairs below
  MATCH_MIN_SCORE are never offered). Zero-employment households first, then monitored ones,
  then by score.
- How many: GIG_OFFERS_PER_PLACE offers per place still open, sent at once; first "1" first
  placed, up to the headcount; a later "1" goes on the waiting list.
- The answer window is GIG_ANSWER_HOURS from when the SMS may go, ending at the latest an hour
  before the gig starts (TRAVEL_TIME). When the SMS cannot go with half an hour left to answer
  (quiet hours 21:00–08:00 before an early gig), the offer is not texted: it is flagged for a
  phone call (``needs_call``), due by the same time, and the station calls.
- Answers come through jobmatch.services.answers (subject "gig:<placement id>"). A place freed
  by a "2" goes to the waiting list first (zero-employment households first, then who said yes
  first), else new offers go out.

Concurrency: every change starts with the ledger chain's lock, then the gig row FOR UPDATE
(SQLite's BEGIN IMMEDIATE serialises writers); places are counted after the locks and each
status change is a conditional UPDATE, so a gig is never over its headcount.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.config import Settings, current_settings
from jobmatch.models import Gig, GigPlacement, Household, Person
from jobmatch.models.gigs import ANSWERABLE_NO, ANSWERABLE_YES, GigStatus, PayBasis, PayStatus, PlacementStatus
from jobmatch.models.ledger import EventKind
from jobmatch.models.people import MonitoringCategory
from jobmatch.services.errors import UserError
from jobmatch.services.gigs.availability import available_persons, withdraw_availability
from jobmatch.services.gigs.posting import place_name, starts_at
from jobmatch.services.offers.matching_input import county_text, employed_person_ids, worker_record
from jobmatch.services.offers.rounds import configured_matching
from jobmatch.services.sms.messaging import normalised_phone, queue_message
from jobmatch.vocabulary.staff import PAY_BASIS_LABELS
from matching import records
from matching.engine import score_pairs
from notifications.kinds import MessageKind
from notifications.rules import next_send_time

SUBJECT = "gig"
# An answer is due this long before the gig starts (the worker has to get there), and a text
# that leaves less than SHORTEST_WINDOW to answer is not sent: the station phones instead.
TRAVEL_TIME = timedelta(hours=1)
SHORTEST_WINDOW = timedelta(minutes=30)


@dataclass
class OfferRound:
    """What one offering pass did."""

    offered: list[int] = field(default_factory=list)  # placement ids texted
    to_call: list[int] = field(default_factory=list)  # placement ids flagged for a phone call


def lock_gig(session: Session, gig_id: int) -> Gig:
    """Serialise with every other change of this gig's places; the fresh row."""
    ledger.lock_chain(session)
    gig = session.scalars(select(Gig).where(Gig.id == gig_id).with_for_update()
                          .execution_options(populate_existing=True)).first()
    if gig is None:
        raise UserError(f"找不到这个零工（编号 {gig_id}）", "gig_id", status=404)
    return gig


def count_placements(session: Session, gig_id: int, statuses) -> int:
    return session.scalar(select(func.count()).select_from(GigPlacement).where(
        GigPlacement.gig_id == gig_id, GigPlacement.status.in_(tuple(statuses)))) or 0


def places_left(session: Session, gig: Gig) -> int:
    return gig.headcount - count_placements(session, gig.id, (PlacementStatus.ACCEPTED,))


def offer_gig(session: Session, gig_id: int, *, actor: str, settings: Settings | None = None) -> OfferRound:
    """Offer the gig to the best available workers for its open places (see the module docstring)."""
    settings = settings or current_settings()
    gig = lock_gig(session, gig_id)
    result = OfferRound()
    if gig.status != GigStatus.OPEN or gig.work_date < local_today():
        return result
    open_places = places_left(session, gig)
    waiting = count_placements(session, gig.id, (PlacementStatus.SENT, PlacementStatus.WAITLISTED))
    wanted = open_places * settings.gig_offers_per_place - waiting
    if open_places <= 0 or wanted <= 0:
        return result
    now = utcnow()
    send_at = next_send_time(now)
    latest_answer = starts_at(gig) - TRAVEL_TIME
    by_call = send_at > latest_answer - SHORTEST_WINDOW
    expires_at = latest_answer if by_call else min(send_at + timedelta(hours=settings.gig_answer_hours), latest_answer)
    for rank, (person, score) in enumerate(_candidates(session, gig)[:wanted], start=1):
        placement = GigPlacement(gig_id=gig.id, person_id=person.id, status=PlacementStatus.SENT, via="",
                                 rank=rank, score=score, needs_call=False, offered_at=now, expires_at=expires_at,
                                 pay_status="")
        session.add(placement)
        session.flush()
        usable_phone = normalised_phone(person.phone)[0] and not person.phone_invalid and not person.sms_opt_out
        if by_call or not usable_phone:
            placement.needs_call = True
            placement.via = "call"
            result.to_call.append(placement.id)
        else:
            placement.via = "sms"
            queue_message(session, person_id=person.id, kind=MessageKind.GIG_OFFER, expects_reply=True,
                          subject=f"{SUBJECT}:{placement.id}", actor=actor,
                          data={**gig_sms_data(gig), "answer_by": expires_at.astimezone(LOCAL_TZ).strftime("%H:%M"),
                                "link": f"{SUBJECT}:{placement.id}"})
            result.offered.append(placement.id)
        _record(session, EventKind.GIG_OFFERED, placement, person, actor, score=round(score, 4),
                needs_call=placement.needs_call, expires_at=expires_at)
    return result


def gig_sms_data(gig: Gig) -> dict:
    """The variables a gig's texts share."""
    unit = PAY_BASIS_LABELS[PayBasis(gig.pay_basis)].removeprefix("元/")
    day = gig.work_date
    today = local_today()
    when = "今天" if day == today else "明天" if day == today + timedelta(days=1) else f"{day.month}月{day.day}日"
    return {"start_date": when, "start_at": gig.start_time, "place": place_name(gig),
            "title": gig.title, "pay": str(gig.pay_yuan), "pay_unit": unit}


def _candidates(session: Session, gig: Gig) -> list[tuple[Person, float]]:
    """Available persons who fit the gig and are free of other gigs that day, best first."""
    county_id = gig.settlement.county_id
    persons = available_persons(session, gig.work_date, county_id=county_id)
    busy = set(session.scalars(select(GigPlacement.person_id).join(Gig, Gig.id == GigPlacement.gig_id).where(
        (GigPlacement.gig_id == gig.id)
        | ((Gig.work_date == gig.work_date) & (GigPlacement.status == PlacementStatus.ACCEPTED))
        | (GigPlacement.status.in_((PlacementStatus.SENT, PlacementStatus.WAITLISTED))
           & (Gig.work_date >= local_today())))))
    persons = [p for p in persons if p.id not in busy]
    if not persons:
        return []
    employed = employed_person_ids(session, [p.id for p in persons])
    today = local_today()
    workers, by_id = [], {}
    for person in persons:
        worker = worker_record(person, employed=False, today=today)
        if worker is not None:
            workers.append(worker)
            by_id[worker.id] = person
    vacancy = records.Vacancy(id=str(gig.id), title=gig.title, openings=gig.headcount, lat=gig.lat, lon=gig.lon,
                              kind="gig", physical_demand=gig.physical_demand, hours="day",
                              county=county_text(gig.settlement.county))
    min_score, model = configured_matching()  # the rounds' learned model and MATCH_MIN_SCORE
    scored = score_pairs(workers, [vacancy], model=model)
    ranked = []
    for i in range(len(scored.pairs)):
        if float(scored.score[i]) < min_score:
            continue
        person = by_id[workers[int(scored.pairs.worker[i])].id]
        ranked.append((person, float(scored.score[i])))
    ranked.sort(key=lambda item: (not item[0].household.zero_employment,
                                  item[0].household.monitoring == MonitoringCategory.NONE,
                                  item[0].id in employed, -item[1], item[0].id))
    return ranked


# -- answers ---------------------------------------------------------------------------------

def answer_gig_offer(session: Session, placement_id: int, person_id: int, accepted: bool, /, *,
                     actor: str, via: str) -> str:
    """A worker's yes or no to a gig offer (the answers table's handler for "gig"); the confirmation kind."""
    placement = session.get(GigPlacement, placement_id)
    if placement is None or placement.person_id != person_id:
        raise UserError("这条零工不是发给您的", "placement_id", status=404)
    gig = lock_gig(session, placement.gig_id)
    session.refresh(placement)
    if accepted:
        return _take_yes(session, gig, placement, actor=actor, via=via)
    return _take_no(session, gig, placement, actor=actor, via=via)


def _transition(session: Session, placement_id: int, expected, new: str, **values) -> bool:
    changed = session.execute(update(GigPlacement).where(GigPlacement.id == placement_id,
                                                         GigPlacement.status.in_(tuple(expected)))
                              .values(status=new, **values).execution_options(synchronize_session=False))
    return changed.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def _take_yes(session: Session, gig: Gig, placement: GigPlacement, *, actor: str, via: str) -> str:
    if placement.status not in ANSWERABLE_YES or gig.status != GigStatus.OPEN:
        return ""
    full = places_left(session, gig) <= 0
    new = PlacementStatus.WAITLISTED if full else PlacementStatus.ACCEPTED
    values: dict[str, object] = {"answered_at": utcnow()}
    if not full:
        values["pay_status"] = PayStatus.AWAITING_EMPLOYER
    if not _transition(session, placement.id, (placement.status,), new, **values):
        return ""
    session.refresh(placement)
    person = placement.person
    if full:
        _record(session, EventKind.GIG_WAITLISTED, placement, person, actor, via=via)
        queue_message(session, person_id=person.id, kind=MessageKind.CONFIRM_WAITLISTED, actor=actor,
                      subject=f"{SUBJECT}:{placement.id}",
                      data={"employer": gig.employer.name, "title": gig.title, "link": f"{SUBJECT}:{placement.id}"})
        return MessageKind.CONFIRM_WAITLISTED.value
    _placed(session, gig, placement, actor, via=via)
    return MessageKind.GIG_PLACED.value


def _placed(session: Session, gig: Gig, placement: GigPlacement, actor: str, *, via: str) -> None:
    _record(session, EventKind.GIG_ACCEPTED if via != "station" else EventKind.GIG_ASSIGNED, placement,
            placement.person, actor, via=via)
    withdraw_availability(session, placement.person_id, gig.work_date)
    queue_message(session, person_id=placement.person_id, kind=MessageKind.GIG_PLACED, actor=actor,
                  subject=f"{SUBJECT}:{placement.id}", data={**gig_sms_data(gig), "link": f"{SUBJECT}:{placement.id}"})


def _take_no(session: Session, gig: Gig, placement: GigPlacement, *, actor: str, via: str) -> str:
    if placement.status not in ANSWERABLE_NO:
        return ""
    was = placement.status
    if not _transition(session, placement.id, (was,), PlacementStatus.DECLINED, answered_at=utcnow(), pay_status=""):
        return ""
    session.refresh(placement)
    _record(session, EventKind.GIG_DECLINED, placement, placement.person, actor, via=via, previous=was)
    queue_message(session, person_id=placement.person_id, kind=MessageKind.CONFIRM_DECLINED, actor=actor,
                  subject=f"{SUBJECT}:{placement.id}", data={"title": gig.title, "link": f"{SUBJECT}:{placement.id}"})
    if was == PlacementStatus.ACCEPTED:
        _fill_from_waiting_list(session, gig, actor="system")
    if was != PlacementStatus.WAITLISTED:
        offer_gig(session, gig.id, actor="system")
    return MessageKind.CONFIRM_DECLINED.value


def _fill_from_waiting_list(session: Session, gig: Gig, *, actor: str) -> None:
    while places_left(session, gig) > 0:
        waiting = session.scalars(
            select(GigPlacement).join(Person, Person.id == GigPlacement.person_id)
            .join(Household, Household.id == Person.household_id)
            .where(GigPlacement.gig_id == gig.id, GigPlacement.status == PlacementStatus.WAITLISTED)
            .order_by(Household.zero_employment.desc(), GigPlacement.answered_at, GigPlacement.id).limit(1)).first()
        if waiting is None:
            return
        if _transition(session, waiting.id, (PlacementStatus.WAITLISTED,), PlacementStatus.ACCEPTED,
                       pay_status=PayStatus.AWAITING_EMPLOYER):
            session.refresh(waiting)
            _placed(session, gig, waiting, actor, via="waiting_list")


def assign_on_the_spot(session: Session, gig_id: int, person_id: int, *, actor: str) -> GigPlacement:
    """The station clerk places a worker standing at the door (a walk-in) on a gig with a place left."""
    gig = lock_gig(session, gig_id)
    if gig.status != GigStatus.OPEN:
        raise UserError("这个零工已取消", "gig_id")
    if places_left(session, gig) <= 0:
        raise UserError(f"“{gig.title}”已招满 {gig.headcount} 人", "gig_id", status=409)
    person = session.get(Person, person_id)
    if person is None:
        raise UserError("找不到这个人", "person_id")
    _refuse_a_second_gig_that_day(session, gig, person)
    placement = session.scalars(select(GigPlacement).where(GigPlacement.gig_id == gig.id,
                                                           GigPlacement.person_id == person_id)).first()
    now = utcnow()
    if placement is not None and placement.status == PlacementStatus.ACCEPTED:
        raise UserError(f"{person.name}已经安排在“{gig.title}”了", "person_id", status=409)
    if placement is None:
        placement = GigPlacement(gig_id=gig.id, person_id=person_id, status=PlacementStatus.ACCEPTED, via="station",
                                 rank=0, score=None, needs_call=False, offered_at=now, answered_at=now,
                                 pay_status=PayStatus.AWAITING_EMPLOYER)
        session.add(placement)
        session.flush()
    elif not _transition(session, placement.id, tuple(PlacementStatus), PlacementStatus.ACCEPTED, answered_at=now,
                         via="station", pay_status=PayStatus.AWAITING_EMPLOYER):
        raise UserError("请重试", "person_id", status=409)
    session.refresh(placement)
    _placed(session, gig, placement, actor, via="station")
    return placement


# -- expiry ----------------------------------------------------------------------------------

def expire_gig_offers(session: Session, *, actor: str = "system", now: datetime | None = None) -> list[int]:
    """Expire unanswered gig offers past their window and offer the places again; the expired ids."""
    now = now or utcnow()
    due = session.execute(select(GigPlacement.id, GigPlacement.gig_id).where(
        GigPlacement.status == PlacementStatus.SENT, GigPlacement.expires_at <= now)
        .order_by(GigPlacement.gig_id, GigPlacement.id)).all()
    expired, gigs = [], set()
    for placement_id, gig_id in due:
        lock_gig(session, gig_id)
        if not _transition(session, placement_id, (PlacementStatus.SENT,), PlacementStatus.EXPIRED):
            continue
        placement = session.get(GigPlacement, placement_id)
        assert placement is not None
        session.refresh(placement)
        _record(session, EventKind.GIG_EXPIRED, placement, placement.person, actor)
        expired.append(placement_id)
        gigs.add(gig_id)
    for gig_id in sorted(gigs):
        offer_gig(session, gig_id, actor=actor)
    return expired


def _record(session: Session, kind: str, placement: GigPlacement, person: Person, actor: str, **data) -> None:
    ledger.append(session, kind, actor=actor, person_id=person.id, household_id=person.household_id,
                  subject=f"{SUBJECT}:{placement.id}", data={"gig_id": placement.gig_id, **data})



def cancel_gig(session: Session, gig_id: int, *, actor: str, employer_id: int | None = None) -> int:
    """Call a gig off before its day: everyone offered, placed or waiting is told not to come. Returns how
    many were told. Refused once the work is confirmed or the day has passed."""
    gig = lock_gig(session, gig_id)
    if employer_id is not None and gig.employer_id != employer_id:
        raise UserError("这个零工不是贵单位发布的", "gig_id", status=404)
    if gig.status != GigStatus.OPEN:
        raise UserError("这个零工已经取消了", "gig_id", status=409)
    if gig.work_date < local_today() or any(p.work_confirmed_at for p in gig.placements):
        raise UserError("活已经干了，不能取消；请确认工钱", "gig_id", status=409)
    gig.status = GigStatus.CANCELLED
    told = 0
    for placement in gig.placements:
        was = placement.status
        if not _transition(session, placement.id, (PlacementStatus.SENT, PlacementStatus.ACCEPTED,
                                                   PlacementStatus.WAITLISTED), PlacementStatus.CANCELLED,
                           pay_status=""):
            continue
        session.refresh(placement)
        queue_message(session, person_id=placement.person_id, kind=MessageKind.GIG_CANCELLED, actor=actor,
                      subject=f"{SUBJECT}:{placement.id}", data={**gig_sms_data(gig), "link": f"{SUBJECT}:{placement.id}"})
        _record(session, EventKind.GIG_CANCELLED, placement, placement.person, actor, previous=was)
        told += 1
    ledger.append(session, EventKind.GIG_CANCELLED, actor=actor, subject=f"gig:{gig.id}", data={"told": told})
    return told


# -- workers taking a gig themselves -----------------------------------------------------------

def open_gigs_for(session: Session, person: Person, *, days: int = 3) -> list[Gig]:
    """Open gigs of the person's county from today for ``days`` days that still have places, on days the
    person has no gig yet, earliest first."""
    today = local_today()
    booked = set(session.scalars(select(Gig.work_date).join(GigPlacement, GigPlacement.gig_id == Gig.id).where(
        GigPlacement.person_id == person.id, GigPlacement.status == PlacementStatus.ACCEPTED, Gig.work_date >= today)))
    gigs = session.scalars(
        select(Gig).join(Gig.settlement).where(
            Gig.status == GigStatus.OPEN, Gig.work_date >= today, Gig.work_date < today + timedelta(days=days),
            Gig.settlement.has(county_id=person.household.county_id))
        .order_by(Gig.work_date, Gig.start_time, Gig.id)).all()
    return [gig for gig in gigs if gig.work_date not in booked and places_left(session, gig) > 0]


def fits(gig: Gig, person: Person) -> bool:
    """Whether the job rules (body, distance, age) allow the person on this gig, as for an offer."""
    worker = worker_record(person, employed=False, today=local_today())
    if worker is None:
        return False
    vacancy = records.Vacancy(id=str(gig.id), title=gig.title, openings=gig.headcount, lat=gig.lat, lon=gig.lon,
                              kind="gig", physical_demand=gig.physical_demand, hours="day")
    return len(score_pairs([worker], [vacancy]).pairs) > 0


def take_gig(session: Session, gig_id: int, person_id: int, *, via: str = "web") -> str:
    """A worker asks for a gig they saw on their page: a place if one is left, else the waiting list.
    Returns the confirmation kind, like an answer to an offer."""
    gig = lock_gig(session, gig_id)
    person = session.get(Person, person_id)
    if person is None:
        raise UserError("找不到这个人", "person_id")
    if gig.status != GigStatus.OPEN or gig.work_date < local_today():
        raise UserError("这个活已经取消或过期了", "gig_id", status=409)
    if not fits(gig, person):
        raise UserError("这个活的体力或路程要求不适合您，请看看别的活", "gig_id")
    _refuse_a_second_gig_that_day(session, gig, person)
    placement = session.scalars(select(GigPlacement).where(GigPlacement.gig_id == gig.id,
                                                           GigPlacement.person_id == person_id)).first()
    if placement is None:
        placement = GigPlacement(gig_id=gig.id, person_id=person_id, status=PlacementStatus.SENT, via=via, rank=0,
                                 score=None, needs_call=False, offered_at=utcnow(), pay_status="")
        session.add(placement)
        session.flush()
    return _take_yes(session, gig, placement, actor=f"person:{person_id}", via=via)


def _refuse_a_second_gig_that_day(session: Session, gig: Gig, person: Person) -> None:
    same_day = session.scalars(select(GigPlacement).join(Gig, Gig.id == GigPlacement.gig_id).where(
        GigPlacement.person_id == person.id, Gig.work_date == gig.work_date, GigPlacement.gig_id != gig.id,
        GigPlacement.status == PlacementStatus.ACCEPTED)).first()
    if same_day is not None:
        raise UserError(f"{person.name}这天已经接下了“{same_day.gig.title}”", "person_id", status=409)

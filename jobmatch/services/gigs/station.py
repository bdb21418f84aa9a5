"""The gig station at the door (零工对接服务站): the morning board of a settlement's gigs, the walk-ins
registered by name and phone, and the printable list of who goes where."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch.models import Gig, GigPlacement, Household, Person
from jobmatch.models.gigs import AvailabilitySource, GigStatus, PlacementStatus
from jobmatch.services.errors import UserError
from jobmatch.services.gigs.availability import TODAY, available_persons, say_available
from notifications.phones import InvalidPhone, national_digits, normalise_phone


@dataclass
class GigOnBoard:
    gig: Gig
    crew: list[GigPlacement] = field(default_factory=list)  # accepted, by name
    waiting: list[GigPlacement] = field(default_factory=list)  # sent or waitlisted
    to_call: list[GigPlacement] = field(default_factory=list)  # offers flagged for a phone call

    @property
    def places_left(self) -> int:
        return max(self.gig.headcount - len(self.crew), 0)


@dataclass
class StationBoard:
    day: date
    gigs: list[GigOnBoard]
    available: list[Person]  # free that day and not yet on a gig


def station_board(session: Session, settlement_ids, day: date) -> StationBoard:
    """The day's open gigs of these settlements with their crews, and the pool of free workers."""
    gigs = list(session.scalars(
        select(Gig).where(Gig.work_date == day, Gig.status == GigStatus.OPEN,
                          Gig.settlement_id.in_(list(settlement_ids)))
        .options(selectinload(Gig.employer), selectinload(Gig.settlement),
                 selectinload(Gig.placements).selectinload(GigPlacement.person))
        .order_by(Gig.start_time, Gig.id)))
    board = []
    placed = set()
    for gig in gigs:
        entry = GigOnBoard(gig)
        for placement in gig.placements:
            if placement.status == PlacementStatus.ACCEPTED:
                entry.crew.append(placement)
                placed.add(placement.person_id)
            elif placement.status in (PlacementStatus.SENT, PlacementStatus.WAITLISTED):
                entry.waiting.append(placement)
                if placement.needs_call and placement.status == PlacementStatus.SENT:
                    entry.to_call.append(placement)
        entry.crew.sort(key=lambda p: p.person.name)
        board.append(entry)
    pool = [p for p in available_persons(session, day, settlement_ids=settlement_ids) if p.id not in placed]
    return StationBoard(day, board, pool)


def register_walk_in(session: Session, settlement_ids, name: str, phone: str, *, actor: str) -> Person:
    """A worker at the door gives name and phone: found on the roster of these settlements, and marked
    free for gigs today. Someone not on the roster is registered there first (the roster pages)."""
    name = (name or "").strip()
    if not name:
        raise UserError("请写姓名", "name")
    try:
        e164 = normalise_phone(phone or "")
    except InvalidPhone:
        raise UserError(f"手机号“{phone}”不对，请写 11 位手机号", "phone") from None
    spellings = {e164, e164.lstrip("+"), national_digits(e164)}
    persons = list(session.scalars(
        select(Person).join(Household, Household.id == Person.household_id)
        .where(Person.phone.in_(spellings), Household.settlement_id.in_(list(settlement_ids))).order_by(Person.id)))
    person = next((p for p in persons if p.name == name), None)
    if person is None:
        if persons:
            raise UserError(f"这个手机号登记的是{persons[0].name}家，没有叫“{name}”的人", "name")
        raise UserError(f"台账上没有手机号为 {national_digits(e164)} 的人：请先在台账上登记{name}", "phone")
    say_available(session, person.id, TODAY, source=AvailabilitySource.STATION, actor=actor)
    return person


def who_goes_where(board: StationBoard) -> list[tuple[Gig, list[Person]]]:
    """The printable list: each gig with the names of its crew."""
    return [(entry.gig, [p.person for p in entry.crew]) for entry in board.gigs]


def worker_gigs(session: Session, person_id: int, limit: int = 10) -> list[GigPlacement]:
    """The worker's gig offers and places, newest gig first (their page)."""
    return list(session.scalars(
        select(GigPlacement).join(Gig, Gig.id == GigPlacement.gig_id).where(GigPlacement.person_id == person_id)
        .options(selectinload(GigPlacement.gig).selectinload(Gig.employer),
                 selectinload(GigPlacement.gig).selectinload(Gig.settlement))
        .order_by(Gig.work_date.desc(), GigPlacement.id.desc()).limit(limit)))

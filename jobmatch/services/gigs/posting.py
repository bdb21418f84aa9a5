"""Posting a gig: by an employer on its portal, or by the gig-station clerk for a walk-in employer.

A gig is visible as soon as it is posted, and offered at once to the available workers
who fit (jobmatch.services.gigs.offering).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.models import Employer, Gig, Place, Settlement
from jobmatch.models.employers import EmployerKind
from jobmatch.models.gigs import PAY_BASES, PAY_METHODS, PAY_TIMINGS, GigStatus, PayBasis
from jobmatch.models.ledger import EventKind
from jobmatch.services.errors import UserError, get_or_fail, require

DEMANDS = ("light", "medium", "heavy")
MAX_HEADCOUNT = 200
MAX_DAYS = 30


@dataclass(frozen=True)
class NewGig:
    """What the employer or the clerk says of a gig."""

    title: str
    settlement_id: int
    work_date: date
    start_time: str  # "07:30"
    end_time: str
    headcount: int
    pay_basis: str
    pay_yuan: int
    pay_timing: str
    pay_method: str
    address: str = ""
    place_id: int | None = None  # a known place (industrial park, township) of the settlement's county
    description: str = ""
    days: int = 1
    physical_demand: str = "medium"
    meals: bool = False
    transport: bool = False
    accident_insurance: bool = False


def parse_clock(text: str, field: str) -> time:
    """"07:30" -> time(7, 30); a UserError naming the field otherwise."""
    try:
        hours, minutes = (int(part) for part in (text or "").strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise UserError(f"时间应写成 07:30 这样，不是「{text}」", field) from None


def starts_at(gig: Gig) -> datetime:
    """The gig's first moment, aware."""
    return datetime.combine(gig.work_date, parse_clock(gig.start_time, "start_time"), tzinfo=LOCAL_TZ)


def ends_at(gig: Gig) -> datetime:
    """The end of the gig's last day, aware."""
    last_day = gig.work_date + timedelta(days=max(gig.days, 1) - 1)
    return datetime.combine(last_day, parse_clock(gig.end_time, "end_time"), tzinfo=LOCAL_TZ)


def validate(new: NewGig) -> None:
    require(bool(new.title.strip()), "title", "请写明干什么活")
    require(len(new.title.strip()) <= 40, "title", "活的名称最多 40 字")
    require(new.work_date >= local_today(), "work_date", "用工日期不能早于今天")
    start, end = parse_clock(new.start_time, "start_time"), parse_clock(new.end_time, "end_time")
    require(end > start, "end_time", "收工时间应晚于上工时间")
    require(1 <= new.headcount <= MAX_HEADCOUNT, "headcount", f"招几个人：1 到 {MAX_HEADCOUNT}")
    require(1 <= new.days <= MAX_DAYS, "days", f"干几天：1 到 {MAX_DAYS}")
    require(new.pay_basis in PAY_BASES, "pay_basis", "请选按天还是按小时算工钱")
    require(new.pay_yuan > 0, "pay_yuan", "请写工钱（元）")
    require(new.pay_timing in PAY_TIMINGS, "pay_timing", "请选什么时候结工钱")
    require(new.pay_method in PAY_METHODS, "pay_method", "请选怎么付工钱")
    require(new.physical_demand in DEMANDS, "physical_demand", "请选体力要求")


def post_gig(session: Session, employer_id: int, new: NewGig, *, actor: str) -> Gig:
    """Record a gig (visible at once); the caller offers it (offering.offer_gig)."""
    employer = get_or_fail(session, Employer, employer_id, "employer_id", "用人单位")
    require(employer.approved, "employer_id", "单位还没有通过审核，不能发布零工")
    settlement = get_or_fail(session, Settlement, new.settlement_id, "settlement_id", "干活地点")
    validate(new)
    place = _known_place(session, new.place_id, settlement)
    if place is not None:  # the work is there: distances count from it
        lat, lon = place.lat, place.lon
    else:
        lat = settlement.lat if settlement.lat is not None else settlement.county.lat
        lon = settlement.lon if settlement.lon is not None else settlement.county.lon
    require(lat is not None and lon is not None, "settlement_id", "这个地点还没有位置，请先在安置点设置里填写")
    gig = Gig(employer_id=employer.id, settlement_id=settlement.id, place_id=place.id if place else None,
              address=new.address.strip()[:80], lat=lat, lon=lon,
              title=new.title.strip(), description=new.description.strip(), work_date=new.work_date,
              start_time=parse_clock(new.start_time, "start_time").strftime("%H:%M"),
              end_time=parse_clock(new.end_time, "end_time").strftime("%H:%M"), days=new.days,
              headcount=new.headcount, physical_demand=new.physical_demand, pay_basis=new.pay_basis,
              pay_yuan=new.pay_yuan, pay_timing=new.pay_timing, pay_method=new.pay_method, meals=new.meals,
              transport=new.transport, accident_insurance=new.accident_insurance, status=GigStatus.OPEN,
              posted_by=actor, posted_at=utcnow())
    session.add(gig)
    session.flush()
    ledger.append(session, EventKind.GIG_POSTED, actor=actor, subject=f"gig:{gig.id}",
                  data={"employer_id": employer.id, "settlement_id": settlement.id, "place_id": gig.place_id,
                        "work_date": gig.work_date,
                        "headcount": gig.headcount, "pay_yuan": gig.pay_yuan, "pay_basis": gig.pay_basis,
                        "accident_insurance": gig.accident_insurance})
    return gig


def _known_place(session: Session, place_id: int | None, settlement: Settlement) -> Place | None:
    if place_id is None:
        return None
    place = get_or_fail(session, Place, place_id, "place_id", "地点")
    require(place.county_id == settlement.county_id, "place_id", f"“{place.name}”不在{settlement.name}所在的县，请重新选择")
    return place


def gig_places(session: Session, county_ids) -> dict[int, str]:
    """The known places (industrial parks, townships) a gig in these counties may name, by id."""
    return {place.id: place.name for place in session.scalars(
        select(Place).where(Place.county_id.in_(list(county_ids))).order_by(Place.name, Place.id))}


def place_name(gig: Gig) -> str:
    """Where the gig is, as its SMS say it: the known place, else the address, else the settlement."""
    return gig.place.name if gig.place is not None else gig.address or gig.settlement.name


def where_words(gig: Gig) -> str:
    """Where the gig is, as its pages say it: the known place with the address, else as before a gig could
    name a known place (the address, else the settlement)."""
    if gig.place is None:
        return gig.address or gig.settlement.name
    if not gig.address or gig.place.name in gig.address:
        return gig.address or gig.place.name
    return f"{gig.place.name} {gig.address}"


def walk_in_employer(session: Session, name: str, phone: str, county_id: int, *, actor: str) -> Employer:
    """The employer who came to the station: found by name, else recorded (approved: the clerk saw them)."""
    name = (name or "").strip()
    require(bool(name), "employer_name", "请写用人单位或老板的名字")
    require(len(name) <= 120, "employer_name", "单位名称最多 120 字")
    employer = session.scalars(select(Employer).where(Employer.name == name)).first()
    if employer is not None:
        return employer
    employer = Employer(name=name, kind=EmployerKind.COMPANY, county_id=county_id, contact_name="",
                        contact_phone=(phone or "").strip()[:20] or None, approved=True)
    session.add(employer)
    session.flush()
    ledger.append(session, EventKind.EMPLOYER_SIGNED_UP, actor=actor, subject=f"employer:{employer.id}",
                  data={"via": "gig_station"})
    return employer


def gigs_on(session: Session, day: date, settlement_ids=None) -> list[Gig]:
    """The open gigs of a day (at these settlements), earliest start first."""
    query = select(Gig).where(Gig.work_date == day, Gig.status == GigStatus.OPEN)
    if settlement_ids is not None:
        query = query.where(Gig.settlement_id.in_(list(settlement_ids)))
    return list(session.scalars(query.order_by(Gig.start_time, Gig.id)))


def pay_text(gig: Gig) -> str:
    """"180元/天"."""
    from jobmatch.vocabulary.staff import PAY_BASIS_LABELS

    return f"{gig.pay_yuan}{PAY_BASIS_LABELS[PayBasis(gig.pay_basis)]}"

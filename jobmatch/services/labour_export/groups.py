"""Labour-export groups: set one up (destination employer, jobs and terms, departure, transport, seats,
leader), find the ones a staff member may see, and count the seats taken."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.models import County, Employer, ExportGroup, ExportMember, Settlement, User
from jobmatch.models.employers import EmployerKind
from jobmatch.models.labour_export import SEAT_HOLDING_STATUSES, TransportMode
from jobmatch.services.errors import get_or_fail, require

# Who may lead a group besides staff: a labour cooperative or labour-service company (劳务合作社 / 劳务公司).
LEADING_EMPLOYER_KINDS = (EmployerKind.COOPERATIVE, EmployerKind.LABOUR_SERVICE)
MAX_SEATS = 2000  # a chartered train; a bus has 45 or so


@dataclass(frozen=True)
class NewGroup:
    """What staff type to set up a group."""

    name: str
    county_id: int
    employer_id: int
    destination_province: str
    jobs: str
    monthly_wage: int
    contract_months: int
    departs_at: datetime  # aware
    gathering_point: str
    transport: str  # a TransportMode
    seats: int
    destination_city: str = ""
    dormitory: bool = False
    meals: bool = False
    leader_user_id: int | None = None
    cooperative_id: int | None = None


def _text(value: str | None, field: str, label: str, longest: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    require(bool(text) or not required, field, f"请填写{label}")
    require(len(text) <= longest, field, f"{label}最多 {longest} 字")
    return text


def create_group(session: Session, new: NewGroup, *, actor: str) -> ExportGroup:
    """Set up a group after checking every field; nothing is written when one is wrong."""
    name = _text(new.name, "name", "输出团名称", 60)
    county = get_or_fail(session, County, new.county_id, "county_id", "县区")
    employer = get_or_fail(session, Employer, new.employer_id, "employer_id", "用工单位")
    province = _text(new.destination_province, "destination_province", "目的地省份", 30)
    city = _text(new.destination_city, "destination_city", "目的地城市", 30, required=False)
    require(employer.county_id != county.id or province != county.province, "employer_id",
            "劳务输出的用工单位应在县外或省外")
    jobs = _text(new.jobs, "jobs", "岗位（工种）", 120)
    require(isinstance(new.monthly_wage, int) and 0 < new.monthly_wage <= 100_000, "monthly_wage",
            "月工资应在 1 到 100000 元之间")
    require(isinstance(new.contract_months, int) and 1 <= new.contract_months <= 60, "contract_months",
            "合同期限应在 1 到 60 个月之间")
    require(isinstance(new.departs_at, datetime) and new.departs_at.tzinfo is not None, "departs_at",
            "请填写出发日期和时间")
    require(new.departs_at.astimezone(LOCAL_TZ).date() > local_today(), "departs_at", "出发日期应晚于今天")
    gathering = _text(new.gathering_point, "gathering_point", "集合地点", 60)
    require(new.transport in tuple(TransportMode), "transport", "交通方式应为包车或火车")
    require(isinstance(new.seats, int) and 1 <= new.seats <= MAX_SEATS, "seats", f"座位数应在 1 到 {MAX_SEATS} 之间")
    require(new.leader_user_id is not None or new.cooperative_id is not None, "leader_user_id",
            "请选择带队的工作人员或劳务合作社（劳务公司）")
    if new.leader_user_id is not None:
        get_or_fail(session, User, new.leader_user_id, "leader_user_id", "带队工作人员")
    if new.cooperative_id is not None:
        cooperative = get_or_fail(session, Employer, new.cooperative_id, "cooperative_id", "劳务合作社")
        require(cooperative.kind in LEADING_EMPLOYER_KINDS, "cooperative_id",
                f"{cooperative.name}不是劳务合作社或劳务公司")
    group = ExportGroup(name=name, county_id=county.id, employer_id=employer.id, destination_province=province,
                        destination_city=city, jobs=jobs, monthly_wage=new.monthly_wage, dormitory=bool(new.dormitory),
                        meals=bool(new.meals), contract_months=new.contract_months, departs_at=new.departs_at,
                        gathering_point=gathering, transport=new.transport, seats=new.seats,
                        leader_user_id=new.leader_user_id, cooperative_id=new.cooperative_id, created_at=utcnow())
    session.add(group)
    session.flush()
    ledger.append(session, "export_group_created", actor=actor, subject=f"export:{group.id}",
                  data={"name": name, "employer_id": employer.id, "destination": f"{province}{city}",
                        "seats": new.seats, "departs_at": new.departs_at})
    return group


def departure_day(group: ExportGroup):
    """The local date the group leaves."""
    return group.departs_at.astimezone(LOCAL_TZ).date()


def has_left(group: ExportGroup) -> bool:
    return departure_day(group) < local_today()


def spell_kind(group: ExportGroup) -> str:
    """The employment-spell kind an arrival starts: out of province, else within the province (out of county)."""
    return "within_province" if group.destination_province == (group.county.province or "") else "outside_province"


def seats_taken(session: Session, group_id: int) -> int:
    return session.execute(select(func.count()).select_from(ExportMember).where(
        ExportMember.group_id == group_id, ExportMember.status.in_(SEAT_HOLDING_STATUSES))).scalar_one()


def visible_county_ids(session: Session, settlement_ids) -> set[int]:
    """Counties of the settlements a staff member keeps: the groups they may see are those counties'."""
    ids = list(settlement_ids)
    return set(session.scalars(select(Settlement.county_id).where(Settlement.id.in_(ids)))) if ids else set()


def visible_groups(session: Session, settlement_ids) -> list[ExportGroup]:
    """Groups of the staff member's counties, the next to leave first, then those gone (newest first)."""
    counties = visible_county_ids(session, settlement_ids)
    if not counties:
        return []
    groups = session.scalars(select(ExportGroup).where(ExportGroup.county_id.in_(counties))
                             .order_by(ExportGroup.departs_at.desc(), ExportGroup.id.desc())).all()
    upcoming = sorted((g for g in groups if not has_left(g)), key=lambda g: g.departs_at)
    return upcoming + [g for g in groups if has_left(g)]


def group_in_scope(session: Session, settlement_ids, group_id: int) -> ExportGroup | None:
    group = session.get(ExportGroup, group_id)
    return group if group is not None and group.county_id in visible_county_ids(session, settlement_ids) else None


def member_of(session: Session, group_id: int, person_id: int) -> ExportMember | None:
    return session.scalar(select(ExportMember).where(ExportMember.group_id == group_id,
                                                     ExportMember.person_id == person_id))


def door_scope(session: Session, group: ExportGroup, settlement_ids) -> set[int]:
    """Settlements whose people staff may sign up or check in for ``group``: the group's county's, that they keep."""
    county_sites = set(session.scalars(select(Settlement.id).where(Settlement.county_id == group.county_id)))
    return county_sites & set(settlement_ids)

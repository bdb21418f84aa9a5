"""A realistic demo: Weining county (Guizhou), two settlements, ~150 households, local
employers with vacancies in the trades of DOMAIN.md, public-welfare posts, a fair, and
a login for each kind of user."""

import random
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import County, Employer, Fair, FollowUp, Household, Person, Settlement, User, Vacancy, WelfarePost
from jobmatch.roster.synthetic import generate_roster
from jobmatch.services.households.status import note_follow_ups
from jobmatch.services.offers.matching_input import employed_person_ids
from jobmatch.services.offers.rounds import approve_round, propose_round
from jobmatch.services.province.figures import rebuild_site_figures
from jobmatch.services.roster.importing import apply_records

COUNTY = "威宁彝族回族苗族自治县"
# Two relocation sites on the edge of the county town, located by staff (lat, lon).
SETTLEMENTS = {"五里岗安置点": (26.8590, 104.2705), "陕桥安置点": (26.8402, 104.2313)}
DEMO_PASSWORD = "demo1234"

# name, kind, (lat, lon), vacancies: (title, skills, openings, kind, demand, wage range, dormitory, extra)
VacancySeed = tuple[str, list[str], int, str, str, tuple[int, int], bool, dict[str, Any]]
EmployerSeed = tuple[str, str, tuple[float, float], list[VacancySeed]]

EMPLOYERS: list[EmployerSeed] = [
    ("威宁县五里岗就业帮扶车间（服装厂）", "workshop", (26.8601, 104.2712), [
        ("缝纫工", ["缝纫", "服装"], 12, "regular", "light", (2200, 3200), False, {"hours": "school_hours"}),
        ("包装工", [], 4, "regular", "light", (2000, 2600), False, {}),
    ]),
    ("毕节市鑫达电子有限公司", "company", (27.2985, 105.2868), [
        ("电子装配普工", ["电子装配", "普工"], 30, "regular", "medium", (3500, 4800), True, {"hours": "shift", "age_max": 45}),
    ]),
    ("威宁县宏发建筑劳务有限公司", "labour_service", (26.8732, 104.2890), [
        ("钢筋工", ["钢筋工"], 8, "regular", "heavy", (5000, 7000), False, {"age_max": 55}),
        ("水电工", ["水电工", "电工"], 3, "regular", "medium", (5000, 6500), False, {}),
        ("电焊工", ["电焊", "焊工"], 4, "regular", "heavy", (5500, 7500), False, {}),
    ]),
    ("威宁县爱心家政服务有限公司", "company", (26.8665, 104.2801), [
        ("家政服务员", ["家政"], 10, "regular", "light", (2800, 4000), False, {}),
        ("养老护理员", ["养老护理"], 5, "regular", "medium", (3000, 4200), False, {}),
    ]),
    ("威宁县顺通物流园", "company", (26.8802, 104.2950), [
        ("快递分拣员", ["快递", "分拣"], 6, "regular", "medium", (3200, 4500), False, {"hours": "shift"}),
        ("叉车司机", ["叉车"], 2, "regular", "medium", (4500, 5500), False, {}),
    ]),
    ("威宁县高原茶叶专业合作社", "cooperative", (26.7431, 104.1860), [
        ("采茶工", ["采茶", "茶叶"], 20, "gig", "light", (1800, 2800), False, {"hours": "day"}),
    ]),
    ("威宁县马铃薯与食用菌产业园", "cooperative", (26.9120, 104.3210), [
        ("食用菌种植工", ["食用菌"], 10, "regular", "medium", (2500, 3500), False, {}),
    ]),
    ("威宁县电商直播产业园", "company", (26.8688, 104.2766), [
        ("直播带货主播", ["直播带货", "电商"], 3, "regular", "light", (3000, 6000), False, {"age_max": 40}),
        ("网店客服", ["客服", "电商"], 4, "regular", "light", (2800, 3600), False, {}),
    ]),
    ("威宁县彝绣苗绣非遗工坊", "workshop", (26.8579, 104.2698), [
        ("苗绣绣娘", ["苗绣", "刺绣"], 8, "regular", "light", (2000, 3500), False, {"hours": "school_hours"}),
    ]),
    ("威宁县草海镇以工代赈道路项目", "public_works", (26.8520, 104.2360), [
        ("道路施工普工", ["普工"], 15, "relief", "heavy", (3500, 4500), False, {"government_funded": True}),
    ]),
]

# Where each kind of demo employer sits (the county town, its industrial park, the hills).
ADDRESSES = {
    "workshop": "威宁县五里岗街道安置点帮扶车间", "company": "威宁县经济开发区",
    "labour_service": "威宁县海边街道", "cooperative": "威宁县草海镇", "public_works": "威宁县草海镇",
}
ADDRESS_OUTSIDE_COUNTY = {"毕节市鑫达电子有限公司": "毕节市经济开发区"}

WELFARE_POSTS = [
    ("五里岗安置点", "保洁员（公益性岗位）", "小区公共区域保洁", 6, 1500),
    ("陕桥安置点", "护林员（公益性岗位）", "巡山护林、防火宣传", 4, 1200),
]


class DemoAlreadyLoaded(RuntimeError):
    """The demo county is already in the database."""


def load_demo(session: Session, households: int = 150, seed: int = 7) -> list[tuple[str, str, str]]:
    """Load the demo; returns the logins as (role, username, password). The caller commits."""
    if session.scalar(select(User).where(User.username == "staff")) is not None:
        raise DemoAlreadyLoaded("the demo is already loaded")
    rng = random.Random(seed)
    records = generate_roster(COUNTY, list(SETTLEMENTS), households=households, seed=seed)
    apply_records(session, records, actor="demo")
    county = session.scalar(select(County).where(County.name == COUNTY))
    settlements = _place_settlements(session, county)
    _known_places(session, county)
    employers = _employers_and_vacancies(session, county)
    _policy_flags(employers, settlements["五里岗安置点"])
    _welfare_posts(session, settlements)
    _fair(session, county, settlements["五里岗安置点"], employers)
    _follow_ups(session, rng)
    logins = _logins(session, county, settlements, employers)
    _course_and_problems(session, county)
    rebuild_site_figures(session)
    return logins


def _course_and_problems(session, county) -> None:
    """A course in the skill most asked for, with a few of those who asked for it, and two problems workers reported."""
    from jobmatch.services.households import problems
    from jobmatch.services.people.worker_home import skill_name
    from jobmatch.services.training import courses as training
    from jobmatch.services.training.needs import course_candidates, training_needs

    today = local_today()
    # The course teaches the skill most asked for, and enrols only people who asked for it (rule 5).
    settlement_ids = list(session.scalars(select(Settlement.id).where(Settlement.county_id == county.id)))
    asked = Counter(code for need in training_needs(session, settlement_ids) for code in need.occupation_codes)
    skill = skill_name(asked.most_common(1)[0][0]) if asked else "电焊"
    course = training.create_course(session, name=f"{skill}技能培训班", skill=skill, county_id=county.id,
                                    starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=27),
                                    place="威宁县职业技术学校", capacity=30, actor="demo")
    for need in course_candidates(session, course, settlement_ids)[:4]:
        training.enrol(session, course.id, need.person_id, actor="demo")
    reporters = session.scalars(select(Person).where(Person.wants_work.is_(True)).order_by(Person.id.desc()).limit(2)).all()
    texts = [("wages", "上个月在工地干了二十天，工钱还没结。"), ("job", "想在小区附近找个下午能接孩子的活。")]
    for person, (category, text) in zip(reporters, texts):
        problems.report_problem(session, person.id, text, category=category)


def demo_logins(session: Session) -> list[tuple[str, str, str]]:
    """(role, sign-in, password) of every demo user; the worker signs in with a phone and an SMS code."""
    worker = session.scalar(select(User).where(User.username == "worker"))
    phone = worker.person.phone if worker is not None and worker.person is not None else ""
    return [("admin", "admin", DEMO_PASSWORD), ("staff", "staff", DEMO_PASSWORD),
            ("county officer", "county", DEMO_PASSWORD), ("employer", "employer", DEMO_PASSWORD),
            ("worker (/w/login)", phone, "SMS code (printed by the console SMS provider)"),
            ("worker (/login)", "worker", DEMO_PASSWORD), ("province officer", "province", DEMO_PASSWORD)]


def _place_settlements(session, county) -> dict[str, Settlement]:
    settlements = {}
    for settlement in session.scalars(select(Settlement).where(Settlement.county_id == county.id)):
        settlement.lat, settlement.lon = SETTLEMENTS[settlement.name]
        settlement.location_source = "staff"
        settlements[settlement.name] = settlement
    return settlements


def _policy_flags(employers, workshop_site) -> None:
    """The workshops were set up in the settlement (seed 001's hiring subsidy); public works are 以工代赈 (rule 9)."""
    for employer in employers:
        if employer.kind == "workshop":
            employer.entrepreneur_settlement_id = workshop_site.id
        if employer.kind == "public_works":
            employer.work_for_relief = True


def _employers_and_vacancies(session, county) -> list[Employer]:
    employers, now = [], utcnow()
    for name, kind, (lat, lon), vacancies in EMPLOYERS:
        employer = Employer(name=name, kind=kind, county_id=county.id, lat=lat, lon=lon, approved=True,
                            contact_name="王经理", address=ADDRESS_OUTSIDE_COUNTY.get(name, ADDRESSES[kind]))
        session.add(employer)
        for title, skills, openings, vkind, demand, (wmin, wmax), dorm, extra in vacancies:
            session.add(Vacancy(employer=employer, title=title, skills=skills, openings=openings,
                                county_id=county.id, lat=lat, lon=lon, kind=vkind, physical_demand=demand,
                                wage_min=wmin, wage_max=wmax, dormitory=dorm, posted_at=now, **extra))
        employers.append(employer)
    session.flush()
    return employers


def _welfare_posts(session, settlements) -> None:
    for settlement_name, title, duties, quota, subsidy in WELFARE_POSTS:
        session.add(WelfarePost(settlement_id=settlements[settlement_name].id, title=title, duties=duties,
                                quota=quota, monthly_subsidy=subsidy, term_months=12))


def _fair(session, county, settlement, employers) -> None:
    fair = Fair(name="2026年冬季就业援助月专场招聘会", held_on=local_today() + timedelta(days=10),
                place="五里岗安置点文化广场", settlement_id=settlement.id, county_id=county.id)
    fair.vacancies = [v for e in employers[:6] for v in e.vacancies]
    session.add(fair)
    session.flush()
    ledger.append(session, "fair_created", actor="demo", data={"name": fair.name, "held_on": fair.held_on},
                  subject=f"fair:{fair.id}")


def _follow_ups(session, rng) -> None:
    """Most households were visited within the last month; some are overdue."""
    now, contacts = utcnow(), []
    for household_id in session.scalars(select(Household.id).order_by(Household.id)).all():
        if rng.random() < 0.8:
            contacted_at = now - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
            method = rng.choice(["phone", "visit"])
            session.add(FollowUp(household_id=household_id, contacted_at=contacted_at, method=method,
                                 summary="了解家庭就业情况"))
            contacts.append((household_id, contacted_at))
            ledger.append(session, "follow_up_recorded", actor="demo", household_id=household_id,
                          data={"method": method, "contacted_at": contacted_at}, subject=f"household:{household_id}")
    note_follow_ups(session, contacts)


def _logins(session, county, settlements, employers) -> list[tuple[str, str, str]]:
    worker = _demo_worker(session, settlements["五里岗安置点"])
    users = [
        User(username="admin", role="admin", display_name="系统管理员"),
        User(username="staff", role="staff", display_name="五里岗就业专干 杨梅",
             settlements=[settlements["五里岗安置点"], settlements["陕桥安置点"]]),
        User(username="county", role="county_officer", display_name="县就业局 李科长", county_id=county.id),
        User(username="employer", role="employer", display_name="服装厂 王经理", employer_id=employers[0].id),
        User(username="worker", role="worker", display_name=worker.name, person_id=worker.id),
        User(username="province", role="province_officer", display_name="省人社厅 就业处", county_id=county.id),
    ]
    for user in users:
        user.set_password(DEMO_PASSWORD)
        session.add(user)
    session.flush()
    _open_offer(session, worker)
    return demo_logins(session)


def _demo_worker(session, settlement) -> Person:
    """A member who wants work, has none and has a phone (this site's first), so a newcomer sees an
    offer as them; in a roster too small for one, the first member with a phone."""
    candidates = session.scalars(
        select(Person).join(Household, Person.household_id == Household.id)
        .where(Person.phone.is_not(None), Person.capacity != "none")
        .order_by((Household.settlement_id == settlement.id).desc(), Person.id)).all()
    employed = employed_person_ids(session, [p.id for p in candidates])
    looking = [p for p in candidates if p.wants_work and not p.sms_opt_out and p.id not in employed]
    return (looking or candidates)[0]


def _open_offer(session, worker: Person) -> None:
    """A person round for the demo worker, its best offer approved and sent (an open offer)."""
    match_round = propose_round(session, actor="demo", settlement_id=worker.household.settlement_id,
                                person_id=worker.id)
    best = max(match_round.offers, key=lambda offer: offer.score, default=None)
    if best is not None:  # none for an employed worker of a tiny roster
        approve_round(session, match_round.id, actor="demo", offer_ids=[best.id])


def _known_places(session, county) -> None:
    """An industrial park and a township staff entered once, for employers to choose (issue 17)."""
    from jobmatch.services.employers.places import add_place

    lat, lon = SETTLEMENTS["五里岗安置点"]
    add_place(session, county_id=county.id, name="五里岗工业园区", kind="industrial_park", lat=lat + 0.01,
              lon=lon + 0.01, actor="demo")
    add_place(session, county_id=county.id, name="草海镇", kind="township", lat=26.85, lon=104.29, actor="demo")

"""Test factories: rows with sensible defaults, so a test states only what matters to it.

Each function is independent; keyword overrides set any column.
"""

import itertools
from datetime import date

from jobmatch.clock import utcnow
from jobmatch.idnumber import make_id_number
from jobmatch.models import County, Employer, Household, Person, Settlement, User, Vacancy, WelfarePost

_seq = itertools.count(1)


def make_county(session, **overrides) -> County:
    values = {"name": f"测试县{next(_seq)}", "province": "贵州省", "lat": 26.86, "lon": 104.27}
    county = County(**{**values, **overrides})
    session.add(county)
    session.flush()
    return county


def make_settlement(session, county: County | None = None, **overrides) -> Settlement:
    county = county or make_county(session)
    values = {"name": f"安置点{next(_seq)}", "lat": 26.86, "lon": 104.27, "relocated_people": 300}
    settlement = Settlement(county_id=county.id, **{**values, **overrides})
    session.add(settlement)
    session.flush()
    return settlement


def make_household(session, settlement: Settlement | None = None, **overrides) -> Household:
    settlement = settlement or make_settlement(session)
    household = Household(county_id=settlement.county_id, settlement_id=settlement.id,
                          **{"household_no": f"H{next(_seq):05d}", **overrides})
    session.add(household)
    session.flush()
    return household


def make_person(session, household: Household | None = None, **overrides) -> Person:
    """A working-age labourer who wants work, with a valid phone and ID number."""
    household = household or make_household(session)
    seq = next(_seq)
    born = overrides.pop("birth_date", date(1985, 3, 1))
    gender = overrides.get("gender", "male")
    id_number = make_id_number("520526", born, (seq * 2 + (1 if gender == "male" else 0)) % 1000)
    values = {"id_number": id_number, "name": f"工人{seq}", "gender": gender, "birth_date": born,
              "relation": "户主", "phone": f"+86139{seq:08d}", "capacity": "full", "wants_work": True,
              "mobility": "county", "skills": [], "certificates": [], "training_wishes": []}
    person = Person(household_id=household.id, **{**values, **overrides})
    session.add(person)
    session.flush()
    return person


def make_user(session, role: str = "staff", settlements=(), **overrides) -> User:
    user = User(username=overrides.pop("username", f"user{next(_seq)}"), role=role,
                display_name=overrides.pop("display_name", "专干"), settlements=list(settlements), **overrides)
    session.add(user)
    session.flush()
    return user


def make_employer(session, county: County | None = None, **overrides) -> Employer:
    county_id = county.id if county else None
    employer = Employer(**{"name": f"用人单位{next(_seq)}", "kind": "company", "county_id": county_id,
                           "approved": True, **overrides})
    session.add(employer)
    session.flush()
    return employer


def make_vacancy(session, employer: Employer | None = None, **overrides) -> Vacancy:
    employer = employer or make_employer(session)
    values = {"title": "普工", "skills": [], "openings": 5, "county_id": employer.county_id, "lat": 26.86,
              "lon": 104.27, "posted_at": utcnow()}
    vacancy = Vacancy(employer_id=employer.id, **{**values, **overrides})
    session.add(vacancy)
    session.flush()
    return vacancy


def make_welfare_post(session, settlement: Settlement | None = None, **overrides) -> WelfarePost:
    settlement = settlement or make_settlement(session)
    values = {"title": "保洁员", "quota": 2, "monthly_subsidy": 1500, "term_months": 12, "status": "open"}
    post = WelfarePost(settlement_id=settlement.id, **{**values, **overrides})
    session.add(post)
    session.flush()
    return post


def frozen_clock(at):
    """A context manager freezing jobmatch's clock at the aware datetime ``at``."""
    from contextlib import contextmanager

    from jobmatch.clock import FixedClock, use_clock
    from notifications.clock import SystemClock

    @contextmanager
    def frozen():
        clock = FixedClock(at)
        use_clock(clock)
        try:
            yield clock
        finally:
            use_clock(SystemClock())

    return frozen()


def make_spell(session, person: Person, **overrides):
    """A current employment spell (the person is employed)."""
    from jobmatch.models import EmploymentSpell

    values = {"kind": "within_county", "employer_name": "某公司", "started_on": date(2025, 1, 1)}
    spell = EmploymentSpell(person_id=person.id, **{**values, **overrides})
    session.add(spell)
    session.flush()
    return spell


def make_welding_site(session, *, workers: int = 3, openings: int = 1, **vacancy_overrides):
    """A settlement of one-person households of welders and a welding vacancy 1 km away.

    Returns (settlement, vacancy, persons); household status is refreshed, so every
    household is zero-employment.
    """
    from jobmatch.services.households.status import refresh_households

    county = make_county(session)
    settlement = make_settlement(session, county)
    persons = [make_person(session, make_household(session, settlement), skills=["电焊"]) for _ in range(workers)]
    employer = make_employer(session, county, address="园区一号")
    vacancy = make_vacancy(session, employer, title="电焊工", skills=["电焊"], openings=openings, lat=26.868,
                           lon=104.27, physical_demand="medium", wage_min=4000, wage_max=6000, **vacancy_overrides)
    refresh_households(session, [p.household_id for p in persons], actor="test")
    return settlement, vacancy, persons


def make_sent_offers(session, vacancy: Vacancy, persons, *, channel: str = "sms", round_county: County | None = None):
    """A round whose offers of ``vacancy`` to ``persons`` are already sent (no engine, no SMS rows).

    Returns the offers in the order of ``persons``.
    """
    from datetime import timedelta

    from jobmatch.models import MatchRound, Offer

    now = utcnow()
    county_id = round_county.id if round_county else vacancy.county_id
    match_round = MatchRound(scope="county", county_id=county_id, created_by="test", created_at=now, summary={})
    session.add(match_round)
    session.flush()
    offers = [Offer(round_id=match_round.id, vacancy_id=vacancy.id, person_id=person.id, status="sent", rank=rank,
                    score=0.8, reasons=["技能相符：电焊"], features={"skill_fit": 1.0}, channel=channel,
                    created_at=now, sent_at=now, expires_at=now + timedelta(hours=48), automatic=False,
                    skip_reason="", responded_via="", interview_note="", outcome_note="")
              for rank, person in enumerate(persons, start=1)]
    session.add_all(offers)
    session.flush()
    return offers


def make_imported_household(session, settlement: Settlement, number: str, *members: dict):
    """A household as a roster import leaves it: its members (one dict of overrides each, named
    "<number>-<n>"), the ledger's record of its creation, its status refreshed and flagged.
    Returns (household, persons)."""
    from jobmatch import ledger
    from jobmatch.services.households.zero_employment import refresh_and_flag

    household = make_household(session, settlement, household_no=number)
    people = [make_person(session, household, name=f"{number}-{index}", **values)
              for index, values in enumerate(members, start=1)]
    ledger.append(session, "household_created", actor="import", household_id=household.id,
                  subject=f"household:{household.id}", data={"household_no": number})
    refresh_and_flag(session, [household.id], actor="import")
    return household, people

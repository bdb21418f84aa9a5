"""The training-need ledger (培训需求台账), courses planned from vacancy demand, and trained households.

Skill demand (以岗定培): both sides are normalised with the skills taxonomy. For each
occupation, ``openings`` sums the openings of open vacancies in the county whose
skills or title name it; ``local_workers`` counts the county's people whose skills
name it; ``wishes`` counts roster wishes and requests for it. The gap is openings
minus local workers; skills are ranked by gap, then by wishes. Occupations of the
taxonomy's "general" category (普工 and the like) need no course and are left out.

A practical skill (rule 5: every trained household ends with someone holding one) is
a certificate, or a skill the taxonomy places outside the "general" category (普工
is not a trade).
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import (
    Household,
    MonitoringCategory,
    Person,
    TrainingCourse,
    TrainingEnrolment,
    TrainingRequest,
    Vacancy,
)
from jobmatch.models.employers import VacancyStatus
from matching.taxonomy import load_taxonomy


@dataclass
class TrainingNeed:
    """One person's line of the training-need ledger."""

    person_id: int
    household_id: int
    household_no: str
    name: str
    zero_employment: bool
    wishes: list[str]
    occupations: list[str]
    enrolled: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    monitored: bool = False  # poverty-relapse monitoring: ranked right after zero-employment


def _codes(texts) -> list[str]:
    matches, _ = load_taxonomy().normalise_text(list(texts or []))
    return list(dict.fromkeys(m.occupation.code for m in matches))


def training_needs(session: Session, settlement_ids=None) -> list[TrainingNeed]:
    """Everyone who wished for or requested training, zero-employment households first, then monitored ones."""
    requests: dict[int, list[TrainingRequest]] = {}
    for request in session.scalars(select(TrainingRequest).order_by(TrainingRequest.id)):
        requests.setdefault(request.person_id, []).append(request)
    query = select(Person, Household).join(Household, Household.id == Person.household_id)
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    courses = _courses_by_person(session)
    taxonomy, needs = load_taxonomy(), []
    for person, household in session.execute(query):
        wishes = list(person.training_wishes or []) + [r.skill_text for r in requests.get(person.id, [])]
        if not wishes:
            continue
        enrolled, completed = courses.get(person.id, ([], []))
        needs.append(TrainingNeed(person.id, household.id, household.household_no, person.name,
                                  household.zero_employment, list(dict.fromkeys(wishes)),
                                  [taxonomy.by_code(code).name for code in _codes(wishes)], enrolled, completed,
                                  monitored=household.monitoring != MonitoringCategory.NONE))
    needs.sort(key=lambda n: (not n.zero_employment, not n.monitored, n.household_no, n.person_id))
    return needs


def _courses_by_person(session: Session) -> dict[int, tuple[list[str], list[str]]]:
    found: dict[int, tuple[list[str], list[str]]] = {}
    rows = session.execute(select(TrainingEnrolment.person_id, TrainingEnrolment.completed_at, TrainingCourse.name)
                           .join(TrainingCourse, TrainingCourse.id == TrainingEnrolment.course_id))
    for person_id, completed_at, name in rows:
        enrolled, completed = found.setdefault(person_id, ([], []))
        (completed if completed_at else enrolled).append(name)
    return found


@dataclass(frozen=True)
class SkillDemand:
    occupation_code: str
    occupation: str
    openings: int
    local_workers: int
    wishes: int

    @property
    def gap(self) -> int:
        return self.openings - self.local_workers


def skill_demand(session: Session, county_id: int, top: int = 10) -> list[SkillDemand]:
    """Skills to train for in a county: vacancy openings minus local workers who have them."""
    openings: dict[str, int] = {}
    for vacancy in session.scalars(select(Vacancy).where(Vacancy.status == VacancyStatus.OPEN, Vacancy.county_id == county_id)):
        for code in _codes([*(vacancy.skills or []), vacancy.title]):
            openings[code] = openings.get(code, 0) + vacancy.openings
    workers: dict[str, int] = {}
    wishes: dict[str, int] = {}
    people = session.scalars(select(Person).join(Household).where(Household.county_id == county_id)).all()
    requested = _requests_by_person(session, [p.id for p in people])
    for person in people:
        for code in _codes(person.skills):
            workers[code] = workers.get(code, 0) + 1
        for code in _codes([*(person.training_wishes or []), *requested.get(person.id, [])]):
            wishes[code] = wishes.get(code, 0) + 1
    taxonomy = load_taxonomy()
    ranked = [SkillDemand(code, taxonomy.by_code(code).name, n, workers.get(code, 0), wishes.get(code, 0))
              for code, n in openings.items() if taxonomy.by_code(code).category != "general"]
    ranked.sort(key=lambda d: (-d.gap, -d.wishes, d.occupation_code))
    return [d for d in ranked if d.gap > 0][:top]


def _requests_by_person(session: Session, person_ids) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if person_ids:
        for person_id, text in session.execute(select(TrainingRequest.person_id, TrainingRequest.skill_text)
                                               .where(TrainingRequest.person_id.in_(person_ids))):
            found.setdefault(person_id, []).append(text)
    return found


def holds_practical_skill(person: Person) -> bool:
    """A certificate, or a skill in a trade (not the taxonomy's "general" category)."""
    if person.certificates:
        return True
    taxonomy = load_taxonomy()
    return any(taxonomy.by_code(code).category != "general" for code in _codes(person.skills))


@dataclass(frozen=True)
class TrainedHousehold:
    household_id: int
    household_no: str
    trained_members: list[str]
    has_practical_skill: bool


def trained_households(session: Session, settlement_ids=None) -> list[TrainedHousehold]:
    """Households with someone who finished a course; those where nobody holds a practical skill first."""
    query = (select(Person.household_id).join(TrainingEnrolment, TrainingEnrolment.person_id == Person.id)
             .where(TrainingEnrolment.completed_at.is_not(None)).distinct())
    household_ids = list(session.scalars(query))
    households = session.scalars(select(Household).where(Household.id.in_(household_ids))).all()
    if settlement_ids is not None:
        households = [h for h in households if h.settlement_id in set(settlement_ids)]
    trained = set(session.scalars(select(TrainingEnrolment.person_id).where(TrainingEnrolment.completed_at.is_not(None))))
    lines = [TrainedHousehold(h.id, h.household_no, [m.name for m in h.members if m.id in trained],
                              any(holds_practical_skill(m) for m in h.members)) for h in households]
    lines.sort(key=lambda line: (line.has_practical_skill, line.household_no))
    return lines

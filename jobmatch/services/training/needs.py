"""The training-need ledger (培训需求台账), courses planned from vacancy demand, and trained households.

Skill demand (以岗定培): both sides are normalised with the skills taxonomy. For each
occupation, ``openings`` sums the openings of open vacancies in the county whose
skills or title name it; ``local_workers`` counts the county's people whose skills
name it; ``wishes`` counts roster wishes and requests for it. The gap is openings
minus local workers; skills are ranked by gap, then by wishes. Occupations of the
taxonomy's "general" category (普工 and the like) need no course and are left out.

A practical skill (rule 5: every trained household ends with someone holding one) counts
only with evidence: a certificate, a course assessment passed, or a staff confirmation with a
reason (``practical_skill_confirmed``). Finishing a course, or a skill written on the roster,
is not enough by itself.

Unmet demand (应培尽培): a person who wished for or requested a skill and has no course of it
yet: either no course took them (``no_course``) or a full course turned them away
(``turned_away``), and no course of that skill has enrolled them since.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db import in_chunks
from jobmatch.models import (
    Household,
    LedgerEvent,
    MonitoringCategory,
    Person,
    TrainingCourse,
    TrainingEnrolment,
    TrainingRequest,
    Vacancy,
)
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.training import AssessmentResult
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
    occupation_codes: list[str] = field(default_factory=list)  # the taxonomy codes of ``occupations``


def _codes(texts) -> list[str]:
    matches, _ = load_taxonomy().normalise_text(list(texts or []))
    return list(dict.fromkeys(m.occupation.code for m in matches))


def training_needs(session: Session, settlement_ids=None) -> list[TrainingNeed]:
    """Everyone who wished for or requested training, zero-employment households first, then monitored ones."""
    requests: dict[int, list[TrainingRequest]] = {}
    for request in session.scalars(select(TrainingRequest).order_by(TrainingRequest.id)):
        requests.setdefault(request.person_id, []).append(request)
    # Only the columns the ledger shows: whole rows of a county's people took seconds to load.
    query = (select(Person.id, Person.name, Person.training_wishes, Household.id.label("household_id"),
                    Household.household_no, Household.zero_employment, Household.monitoring)
             .join(Household, Household.id == Person.household_id))
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    courses = _courses_by_person(session)
    taxonomy, needs = load_taxonomy(), []
    for row in session.execute(query):
        wishes = list(row.training_wishes or []) + [r.skill_text for r in requests.get(row.id, [])]
        if not wishes:
            continue
        enrolled, completed = courses.get(row.id, ([], []))
        codes = _codes(wishes)
        needs.append(TrainingNeed(row.id, row.household_id, row.household_no, row.name,
                                  row.zero_employment, list(dict.fromkeys(wishes)),
                                  [taxonomy.by_code(code).name for code in codes], enrolled, completed,
                                  monitored=row.monitoring != MonitoringCategory.NONE,
                                  occupation_codes=codes))
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


def practical_skill_holders(session: Session, person_ids) -> set[int]:
    """Those of ``person_ids`` with evidence of a practical skill: a certificate (on the profile or a
    course's), a course assessment passed, or a staff confirmation with a reason."""
    holders: set[int] = set()
    for chunk in in_chunks(list(person_ids)):
        holders.update(person.id for person in session.scalars(select(Person).where(Person.id.in_(chunk)))
                       if person.certificates)
        holders.update(session.scalars(select(TrainingEnrolment.person_id).where(
            TrainingEnrolment.person_id.in_(chunk), TrainingEnrolment.completed_at.is_not(None),
            (TrainingEnrolment.assessment == AssessmentResult.PASSED) | (TrainingEnrolment.certificate != ""))))
        holders.update(pid for pid in session.scalars(select(LedgerEvent.person_id).where(
            LedgerEvent.person_id.in_(chunk), LedgerEvent.kind == "practical_skill_confirmed")) if pid is not None)
    return holders


def holds_practical_skill(session: Session, person: Person) -> bool:
    """A certificate, a course assessment passed, or a staff confirmation with a reason."""
    return person.id in practical_skill_holders(session, [person.id])


@dataclass(frozen=True)
class TrainedHousehold:
    household_id: int
    household_no: str
    trained_members: list[str]
    has_practical_skill: bool
    trained_member_ids: list[int] = field(default_factory=list)  # same order as ``trained_members``


def trained_households(session: Session, settlement_ids=None) -> list[TrainedHousehold]:
    """Households with someone who finished a course; those where nobody holds a practical skill first."""
    query = (select(Person.household_id).join(TrainingEnrolment, TrainingEnrolment.person_id == Person.id)
             .where(TrainingEnrolment.completed_at.is_not(None)).distinct())
    household_ids = list(session.scalars(query))
    households = session.scalars(select(Household).where(Household.id.in_(household_ids))).all()
    if settlement_ids is not None:
        households = [h for h in households if h.settlement_id in set(settlement_ids)]
    trained = set(session.scalars(select(TrainingEnrolment.person_id).where(TrainingEnrolment.completed_at.is_not(None))))
    skilled = practical_skill_holders(session, [m.id for h in households for m in h.members])
    lines = [TrainedHousehold(h.id, h.household_no, [m.name for m in h.members if m.id in trained],
                              any(m.id in skilled for m in h.members), [m.id for m in h.members if m.id in trained])
             for h in households]
    lines.sort(key=lambda line: (line.has_practical_skill, line.household_no))
    return lines


def course_candidates(session: Session, course: TrainingCourse, settlement_ids) -> list[TrainingNeed]:
    """Who asked for this course's skill (roster wish or request) and is not enrolled in it, priority order."""
    enrolled = set(session.scalars(select(TrainingEnrolment.person_id).where(TrainingEnrolment.course_id == course.id)))
    return [need for need in training_needs(session, settlement_ids)
            if course.occupation_code in need.occupation_codes and need.person_id not in enrolled]


@dataclass(frozen=True)
class UnmetDemand:
    """A person who wants training that no course has given them yet."""

    person_id: int
    household_id: int
    household_no: str
    name: str
    wanted: list[str]  # the skills asked for and not yet given (taxonomy names, or the words written)
    reason: str  # "turned_away" (a full course) or "no_course" (none yet)
    zero_employment: bool
    monitored: bool


def unmet_training_demand(session: Session, settlement_ids, moment: datetime | None = None) -> list[UnmetDemand]:
    """Everyone whose wished-for training has not happened, as of ``moment`` (now by default): turned away first,
    each group zero-employment and monitored households first."""
    needs = training_needs(session, settlement_ids)
    if moment is not None:  # households a roster import listed after the moment were not known then
        listed_later: set[int] = set()
        for chunk in in_chunks(list({n.household_id for n in needs})):
            listed_later.update(session.scalars(select(Household.id).where(Household.id.in_(chunk),
                                                                           Household.listed_at >= moment)))
        needs = [n for n in needs if n.household_id not in listed_later]
    ids = [n.person_id for n in needs]
    enrolled_codes: dict[int, set[str]] = {}
    turned_away: dict[int, set[str]] = {}
    requested_after: dict[int, set[str]] = {}
    for chunk in in_chunks(ids):
        query = (select(TrainingEnrolment.person_id, TrainingCourse.occupation_code)
                 .join(TrainingCourse, TrainingCourse.id == TrainingEnrolment.course_id)
                 .where(TrainingEnrolment.person_id.in_(chunk)))
        if moment is not None:
            query = query.where(TrainingEnrolment.enrolled_at < moment)
        for person_id, code in session.execute(query):
            enrolled_codes.setdefault(person_id, set()).add(code)
        events = select(LedgerEvent.person_id, LedgerEvent.data).where(
            LedgerEvent.person_id.in_(chunk), LedgerEvent.kind == "training_turned_away")
        if moment is not None:
            events = events.where(LedgerEvent.occurred_at < moment)
        for person_id, data in session.execute(events):
            turned_away.setdefault(person_id, set()).add((data or {}).get("occupation_code", ""))
        if moment is not None:
            for person_id, text in session.execute(select(TrainingRequest.person_id, TrainingRequest.skill_text).where(
                    TrainingRequest.person_id.in_(chunk), TrainingRequest.requested_at >= moment)):
                requested_after.setdefault(person_id, set()).add(text)
    taxonomy, lines = load_taxonomy(), []
    for need in needs:
        later = requested_after.get(need.person_id, set())
        wishes = [w for w in need.wishes if w not in later]
        if not wishes:
            continue
        codes = _codes(wishes) if later else need.occupation_codes
        enrolled = enrolled_codes.get(need.person_id, set())
        if codes:
            missing = [code for code in codes if code not in enrolled]
            wanted = [taxonomy.by_code(code).name for code in missing]
        else:  # words the taxonomy does not know: met by any course at all
            missing, wanted = [], ([] if enrolled else wishes)
        if not wanted:
            continue
        reason = "turned_away" if set(missing) & turned_away.get(need.person_id, set()) else "no_course"
        lines.append(UnmetDemand(need.person_id, need.household_id, need.household_no, need.name, wanted, reason,
                                 need.zero_employment, need.monitored))
    lines.sort(key=lambda u: (u.reason != "turned_away", not u.zero_employment, not u.monitored, u.household_no,
                              u.person_id))
    return lines

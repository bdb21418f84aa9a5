"""Who comes first for a public-welfare post (rule 2): a points scheme with a reason in plain words.

Points (the sum is the rank; zero-employment households still come first, rule 1):
    零就业家庭 (zero-employment household)       40
    不能离开安置点 (cannot leave the site)         30
    弱劳力 (weak labour) 25, 半劳力 (half labour)  20
    残疾 (any disability grade)                   20
    年龄较大 (women from 40, men from 50: "4050")  10
Candidates: members of a household at the post's site, aged 16 to 65, with labour
capacity, who want work and hold no current job. Ties go to the older person, then
the lower person id, so the order is stable.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.clock import local_today
from jobmatch.models import EmploymentSpell, Household, Person, WelfarePost
from jobmatch.services.offers.matching_input import OLDER_WORKER_AGE, age_on
from jobmatch.vocabulary import DISABILITY_LABELS

POINTS = {"zero_employment": 40, "cannot_leave_site": 30, "weak": 25, "half": 20, "disability": 20, "older": 10}
MIN_AGE, MAX_AGE = 16, 65


@dataclass(frozen=True)
class WelfareCandidate:
    """A ranked candidate for a post, with the points and the reason staff and the worker read."""

    person_id: int
    household_id: int
    name: str
    age: int
    points: int
    zero_employment: bool
    reason: str


def score_candidate(person: Person, age: int, zero_employment: bool) -> tuple[int, list[str]]:
    """Points and the plain-Chinese reasons for one person."""
    parts: list[tuple[int, str]] = []
    if zero_employment:
        parts.append((POINTS["zero_employment"], "零就业家庭"))
    if person.cannot_leave_site:
        parts.append((POINTS["cannot_leave_site"], "不能离开安置点"))
    if person.capacity == "weak":
        parts.append((POINTS["weak"], "弱劳力"))
    elif person.capacity == "half":
        parts.append((POINTS["half"], "半劳力"))
    if person.disability != "none":
        parts.append((POINTS["disability"], f"残疾（{DISABILITY_LABELS.get(person.disability, person.disability)}）"))
    if age >= OLDER_WORKER_AGE.get(person.gender, 50):
        parts.append((POINTS["older"], f"年龄较大（{age}岁）"))
    return sum(p for p, _ in parts), [text for _, text in parts]


def rank_candidates(session: Session, post: WelfarePost, *, exclude_person_ids=()) -> list[WelfareCandidate]:
    """Everyone who may take ``post``, best first."""
    employed = select(EmploymentSpell.person_id).where(EmploymentSpell.ended_on.is_(None))
    rows = session.execute(
        select(Person, Household.zero_employment).join(Household, Household.id == Person.household_id)
        .where(Household.settlement_id == post.settlement_id, Person.capacity != "none",
               Person.wants_work.is_(True), Person.id.not_in(employed))).all()
    today, excluded, candidates = local_today(), set(exclude_person_ids), []
    for person, zero in rows:
        age = age_on(person.birth_date, today)
        if person.id in excluded or age is None or not MIN_AGE <= age <= MAX_AGE:
            continue
        points, reasons = score_candidate(person, age, bool(zero))
        candidates.append(WelfareCandidate(person.id, person.household_id, person.name, age, points, bool(zero),
                                           "，".join(reasons) or "符合条件，无优先情形"))
    candidates.sort(key=lambda c: (not c.zero_employment, -c.points, -c.age, c.person_id))
    return candidates

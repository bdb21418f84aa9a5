"""Who comes first for a public-welfare post: one ranking over rule 2's priority groups and
those seeds 002 and 003 add, with the reason in plain words.

Points per ground (the sum ranks; zero-employment households still come first, rule 1):
    零就业家庭 (zero-employment household)                         40
    不能离开安置点 (cannot leave the site; a reason is recorded)    30
    弱劳力 (weak labour) 25, 半劳力 (half labour)                  20
    残疾 (the person has a disability)                            20
    残疾人家庭成员 (a member of the household has a disability)     15
    留守妇女 (a woman whose household's other earner works away)    15
    防返贫监测户 (household under poverty-relapse monitoring)        15
    年龄较大 (women from 40, men from 50: "4050")                   10
Order: zero-employment households first, then points, then the older person, then the
lower person id, so the order is stable. Candidates: members of a household at the
post's site with labour capacity who want work, hold no job and no other welfare place
(held or offered), and whose age is within the post's range (16–65 unless staff widen it).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import local_today
from jobmatch.db import in_chunks
from jobmatch.models import EmploymentSpell, Household, Person, WelfareAppointment, WelfarePost
from jobmatch.models.welfare import PLACE_HOLDING
from jobmatch.services.offers.matching_input import OLDER_WORKER_AGE, age_on
from jobmatch.vocabulary import DISABILITY_LABELS, WELFARE_PRIORITY_LABELS

AWAY_SPELL_KINDS = ("within_province", "outside_province")


class PriorityGround(StrEnum):
    ZERO_EMPLOYMENT = "zero_employment"
    CANNOT_LEAVE_SITE = "cannot_leave_site"
    WEAK = "weak"
    HALF = "half"
    DISABILITY = "disability"
    DISABLED_FAMILY = "disabled_family"
    LEFT_BEHIND_WOMAN = "left_behind_woman"
    MONITORED = "monitored"
    OLDER = "older"


POINTS = {PriorityGround.ZERO_EMPLOYMENT: 40, PriorityGround.CANNOT_LEAVE_SITE: 30, PriorityGround.WEAK: 25,
          PriorityGround.HALF: 20, PriorityGround.DISABILITY: 20, PriorityGround.DISABLED_FAMILY: 15,
          PriorityGround.LEFT_BEHIND_WOMAN: 15, PriorityGround.MONITORED: 15, PriorityGround.OLDER: 10}
# Grounds that belong to the household rather than the person (the monthly need check re-reads them).
HOUSEHOLD_GROUNDS = (PriorityGround.ZERO_EMPLOYMENT, PriorityGround.MONITORED)


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
    grounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class HouseholdFacts:
    """What the ranking needs to know about the rest of a person's household."""

    zero_employment: bool
    monitored: bool
    member_disabled: bool  # someone other than the person
    member_working_away: bool  # someone other than the person, employed outside the county


class PersonTraits(Protocol):
    """What the ranking reads of the person: a Person, or a round's columns of one."""

    @property
    def cannot_leave_site(self) -> bool: ...
    @property
    def capacity(self) -> str: ...
    @property
    def disability(self) -> str: ...
    @property
    def gender(self) -> str: ...


def priority_grounds(person: PersonTraits, age: int, facts: HouseholdFacts) -> list[tuple[PriorityGround, str]]:
    """The person's grounds, each with its plain-Chinese text, in the order of the points table."""
    grounds: list[tuple[PriorityGround, str]] = []
    label = WELFARE_PRIORITY_LABELS
    if facts.zero_employment:
        grounds.append((PriorityGround.ZERO_EMPLOYMENT, label["zero_employment"]))
    if person.cannot_leave_site:
        grounds.append((PriorityGround.CANNOT_LEAVE_SITE, label["cannot_leave_site"]))
    if person.capacity == "weak":
        grounds.append((PriorityGround.WEAK, label["weak"]))
    elif person.capacity == "half":
        grounds.append((PriorityGround.HALF, label["half"]))
    if person.disability != "none":
        grade = DISABILITY_LABELS.get(person.disability, person.disability)
        grounds.append((PriorityGround.DISABILITY, f"{label['disability']}（{grade}）"))
    elif facts.member_disabled:
        grounds.append((PriorityGround.DISABLED_FAMILY, label["disabled_family"]))
    if person.gender == "female" and facts.member_working_away:
        grounds.append((PriorityGround.LEFT_BEHIND_WOMAN, label["left_behind_woman"]))
    if facts.monitored:
        grounds.append((PriorityGround.MONITORED, label["monitored"]))
    if age >= OLDER_WORKER_AGE.get(person.gender, 50):
        grounds.append((PriorityGround.OLDER, f"{label['older']}（{age}岁）"))
    return grounds


def score_candidate(person: Person, age: int, facts: HouseholdFacts) -> tuple[int, list[str], list[str]]:
    """Points, the plain-Chinese reasons and the ground codes for one person."""
    grounds = priority_grounds(person, age, facts)
    return (sum(POINTS[g] for g, _ in grounds), [text for _, text in grounds], [g.value for g, _ in grounds])


def household_facts(household: Household, person_id: int, employed_kinds: dict[int, str],
                    members=None) -> HouseholdFacts:
    """``employed_kinds``: person id -> kind of their current spell, for the household's members.
    ``members``: the household's members (anything with id, monitoring and disability) when the
    caller has them, else ``household.members``."""
    return members_facts(bool(household.zero_employment), person_id, employed_kinds,
                         household.members if members is None else members)


def members_facts(zero_employment: bool, person_id: int, employed_kinds: dict[int, str], members) -> HouseholdFacts:
    """household_facts from the household's flag and its members (anything with id, monitoring and
    disability): what a round has when it reads its workers as columns."""
    others = [m for m in members if m.id != person_id]
    return HouseholdFacts(
        zero_employment=zero_employment,
        monitored=any(m.monitoring != "none" for m in members),
        member_disabled=any(m.disability != "none" for m in others),
        member_working_away=any(employed_kinds.get(m.id) in AWAY_SPELL_KINDS for m in others))


def current_spell_kinds(session: Session, person_ids) -> dict[int, str]:
    """Person id -> kind of their current employment spell, for those in work (a round asks for a
    whole county's members, so in chunks)."""
    kinds: dict[int, str] = {}
    for chunk in in_chunks(person_ids):
        kinds.update(session.execute(select(EmploymentSpell.person_id, EmploymentSpell.kind).where(
            EmploymentSpell.ended_on.is_(None), EmploymentSpell.person_id.in_(chunk))).tuples().all())
    return kinds


def welfare_place_holders(session: Session) -> Select[tuple[int]]:
    """Persons who hold or were offered a welfare place that is still open."""
    return select(WelfareAppointment.person_id).where(WelfareAppointment.status.in_(PLACE_HOLDING))


def rank_candidates(session: Session, post: WelfarePost, *, exclude_person_ids=(),
                    today: date | None = None) -> list[WelfareCandidate]:
    """Everyone who may take ``post``, best first."""
    employed = select(EmploymentSpell.person_id).where(EmploymentSpell.ended_on.is_(None))
    persons = session.scalars(
        select(Person).join(Household, Household.id == Person.household_id)
        .where(Household.settlement_id == post.settlement_id, Person.capacity != "none",
               Person.wants_work.is_(True), Person.id.not_in(employed),
               Person.id.not_in(welfare_place_holders(session)))
        .options(selectinload(Person.household).selectinload(Household.members))).all()
    member_ids = {m.id for p in persons for m in p.household.members}
    kinds = current_spell_kinds(session, member_ids)
    today, excluded, candidates = today or local_today(), set(exclude_person_ids), []
    for person in persons:
        age = age_on(person.birth_date, today)
        if person.id in excluded or age is None or not post.age_min <= age <= post.age_max:
            continue
        facts = household_facts(person.household, person.id, kinds)
        points, reasons, codes = score_candidate(person, age, facts)
        candidates.append(WelfareCandidate(person.id, person.household_id, person.name, age, points,
                                           facts.zero_employment, "，".join(reasons) or "符合条件，无优先情形",
                                           tuple(codes)))
    candidates.sort(key=lambda c: (not c.zero_employment, -c.points, -c.age, c.person_id))
    return candidates

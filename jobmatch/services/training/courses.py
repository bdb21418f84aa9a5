"""Training (rule 5, 应培尽培): requests, courses, enrolment within capacity, completion with a certificate.

Enrolling locks the course row (as appointing locks a welfare post), so a full course
takes nobody more; ``request_place`` records the person a full course turns away
(``training_turned_away``: unmet demand). Completing records the assessment (passed, failed
or not assessed) and the certificate, records the training and certification subsidies they
earn, adds the course's skill and the certificate to the worker's profile (``profile_changed``;
the skill helps matching, but only a certificate, a passed assessment or a staff confirmation
with a reason makes it a practical skill, see ``needs``) and asks for the worker to be matched again:
through ``jobmatch.services.offers.rounds.rematch_person`` when the rounds module offers it,
otherwise by a ``rematch_requested`` ledger event that the next round reads as a
reason to include the person.
"""

import importlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import (
    County,
    LedgerEvent,
    Person,
    Settlement,
    TrainingCourse,
    TrainingEnrolment,
    TrainingRequest,
)
from jobmatch.models.training import AssessmentResult
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.subsidies.training import record_subsidies
from jobmatch.vocabulary import staff as staff_words
from matching.taxonomy import load_taxonomy


def occupation_code_of(text: str) -> str:
    """The taxonomy occupation a skill text names, or "" when it names none."""
    matches, _unknown = load_taxonomy().normalise_text(text or "")
    return matches[0].occupation.code if matches else ""


def record_request(session: Session, person_id: int, skill_text: str, *, actor: str) -> TrainingRequest:
    """Record a worker's request for training in a skill (beyond the roster's wishes)."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    skill_text = (skill_text or "").strip()
    require(0 < len(skill_text) <= 80, "skill_text", "请写想学的技能（最多 80 字）")
    request = TrainingRequest(person_id=person.id, skill_text=skill_text, occupation_code=occupation_code_of(skill_text),
                              requested_at=utcnow())
    session.add(request)
    session.flush()
    ledger.append(session, "training_requested", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"person:{person.id}",
                  data={"request_id": request.id, "skill": skill_text, "occupation_code": request.occupation_code})
    return request


def create_course(session: Session, *, name: str, skill: str, county_id: int, starts_on: date, ends_on: date,
                  place: str, capacity: int, settlement_id: int | None = None, actor: str) -> TrainingCourse:
    """Plan a course in a skill the taxonomy knows (以岗定培)."""
    name, place = (name or "").strip(), (place or "").strip()
    require(0 < len(name) <= 120, "name", "请填写课程名称（最多 120 字）")
    code = occupation_code_of(skill)
    require(bool(code), "skill", f"“{skill}”不是已知的工种或技能，请换一种写法")
    get_or_fail(session, County, county_id, "county_id", "县区")
    if settlement_id is not None:
        require(get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点").county_id == county_id,
                "settlement_id", "安置点不在该县区")
    require(isinstance(starts_on, date) and starts_on >= local_today(), "starts_on", "开课日期不能早于今天")
    require(isinstance(ends_on, date) and ends_on >= starts_on, "ends_on", "结课日期不能早于开课日期")
    require(0 < len(place) <= 120, "place", "请填写培训地点（最多 120 字）")
    require(isinstance(capacity, int) and 1 <= capacity <= 500, "capacity", "名额应在 1 到 500 之间")
    course = TrainingCourse(name=name, occupation_code=code, county_id=county_id, settlement_id=settlement_id,
                            starts_on=starts_on, ends_on=ends_on, place=place, capacity=capacity)
    session.add(course)
    session.flush()
    ledger.append(session, "training_course_created", actor=actor, subject=f"course:{course.id}",
                  data={"name": name, "occupation_code": code, "capacity": capacity, "starts_on": starts_on})
    return course


def enrol(session: Session, course_id: int, person_id: int, *, actor: str) -> TrainingEnrolment:
    """Enrol a worker in a course within its capacity; idempotent for someone already enrolled."""
    get_or_fail(session, TrainingCourse, course_id, "course_id", "培训课程")
    ledger.lock_chain(session)
    course = session.scalars(select(TrainingCourse).where(TrainingCourse.id == course_id).with_for_update()
                             .execution_options(populate_existing=True)).one()
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    existing = session.scalar(select(TrainingEnrolment).where(TrainingEnrolment.course_id == course.id,
                                                              TrainingEnrolment.person_id == person.id))
    if existing is not None:
        return existing
    require(course.ends_on >= local_today(), "course_id", "该课程已经结束")
    enrolled = session.execute(select(func.count()).select_from(TrainingEnrolment)
                               .where(TrainingEnrolment.course_id == course.id)).scalar_one()
    require(enrolled < course.capacity, "course_id", f"该课程名额已满（共 {course.capacity} 人）")
    enrolment = TrainingEnrolment(course_id=course.id, person_id=person.id, enrolled_at=utcnow())
    session.add(enrolment)
    session.flush()
    ledger.append(session, "training_enrolled", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"course:{course.id}", data={"enrolment_id": enrolment.id})
    return enrolment


@dataclass(frozen=True)
class Completion:
    enrolment: TrainingEnrolment
    skill_added: str
    rematch: str  # "rounds" when the rounds module re-matched the person, "requested" otherwise


def complete(session: Session, enrolment_id: int, *, certificate: str, actor: str,
             assessment: str = AssessmentResult.NOT_ASSESSED) -> Completion:
    """Record a finished course with its assessment: the skill and certificate join the profile, the
    subsidies earned are recorded, and the worker is matched again."""
    get_or_fail(session, TrainingEnrolment, enrolment_id, "enrolment_id", "报名记录")
    ledger.lock_chain(session)  # two staff completing the same enrolment at once: the second sees the first
    enrolment = session.scalars(select(TrainingEnrolment).where(TrainingEnrolment.id == enrolment_id)
                                .with_for_update().execution_options(populate_existing=True)).one()
    require(enrolment.completed_at is None, "enrolment_id", "该学员已经结业")
    certificate = (certificate or "").strip()
    require(len(certificate) <= 80, "certificate", "证书名称最多 80 字")
    labels = staff_words.ASSESSMENT_RESULT_LABELS
    require(assessment in labels, "assessment", f"考核结果应为：{'、'.join(labels.values())}")
    course, person = enrolment.course, enrolment.person
    require(course.starts_on <= local_today(), "enrolment_id", "课程还没开始，不能结业")
    enrolment.completed_at, enrolment.certificate = utcnow(), certificate
    enrolment.assessment = AssessmentResult(assessment)
    skill = load_taxonomy().by_code(course.occupation_code).name
    changes = _add_to_profile(person, skill, certificate)
    ledger.append(session, "training_completed", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"course:{course.id}", data={"enrolment_id": enrolment.id, "certificate": certificate,
                                                        "assessment": str(enrolment.assessment)})
    record_subsidies(session, enrolment, actor=actor)
    if changes:
        ledger.append(session, "profile_changed", actor=actor, household_id=person.household_id,
                      person_id=person.id, subject=f"person:{person.id}", data={"changes": changes})
    return Completion(enrolment, skill, _rematch(session, person, actor))


def _add_to_profile(person: Person, skill: str, certificate: str) -> dict:
    changes = {}
    if skill not in (person.skills or []):
        changes["skills"] = [list(person.skills or []), [*(person.skills or []), skill]]
        person.skills = changes["skills"][1]
    if certificate and certificate not in (person.certificates or []):
        changes["certificates"] = [list(person.certificates or []), [*(person.certificates or []), certificate]]
        person.certificates = changes["certificates"][1]
    return changes


def _rematch(session: Session, person: Person, actor: str) -> str:
    rematch_person = getattr(importlib.import_module("jobmatch.services.offers.rounds"), "rematch_person", None)
    if rematch_person is not None:
        rematch_person(session, person.id, actor=actor)
        return "rounds"
    ledger.append(session, "rematch_requested", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"person:{person.id}", data={"because": "training_completed"})
    return "requested"



@dataclass(frozen=True)
class PlaceRequest:
    enrolment: TrainingEnrolment | None  # None when the course was full
    turned_away: bool


def request_place(session: Session, course_id: int, person_id: int, *, actor: str) -> PlaceRequest:
    """Enrol the person, or, when the course is full, record that it turned them away (unmet demand)."""
    get_or_fail(session, TrainingCourse, course_id, "course_id", "培训课程")
    ledger.lock_chain(session)
    course = session.scalars(select(TrainingCourse).where(TrainingCourse.id == course_id).with_for_update()
                             .execution_options(populate_existing=True)).one()
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    enrolled = session.execute(select(func.count()).select_from(TrainingEnrolment)
                               .where(TrainingEnrolment.course_id == course.id)).scalar_one()
    already = session.scalar(select(TrainingEnrolment.id).where(TrainingEnrolment.course_id == course.id,
                                                                TrainingEnrolment.person_id == person.id))
    if already is None and enrolled >= course.capacity and course.ends_on >= local_today():
        if session.scalar(select(LedgerEvent.id).where(LedgerEvent.kind == "training_turned_away",
                                                       LedgerEvent.person_id == person.id,
                                                       LedgerEvent.subject == f"course:{course.id}").limit(1)):
            return PlaceRequest(None, True)  # asked again: recorded once
        ledger.append(session, "training_turned_away", actor=actor, household_id=person.household_id,
                      person_id=person.id, subject=f"course:{course.id}",
                      data={"occupation_code": course.occupation_code, "capacity": course.capacity})
        return PlaceRequest(None, True)
    return PlaceRequest(enrol(session, course.id, person.id, actor=actor), False)


def confirm_practical_skill(session: Session, person_id: int, *, skill: str, reason: str, actor: str) -> None:
    """Staff confirm that a person holds a practical skill without a certificate or assessment, saying why."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    skill, reason = (skill or "").strip(), (reason or "").strip()
    require(0 < len(skill) <= 80, "skill", "请写明掌握的技能（最多 80 字）")
    require(0 < len(reason) <= 200, "reason", "请写明确认的理由，例如怎样看到本人能独立完成（最多 200 字）")
    ledger.append(session, "practical_skill_confirmed", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"person:{person.id}",
                  data={"skill": skill, "occupation_code": occupation_code_of(skill), "reason": reason})

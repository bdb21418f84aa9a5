"""Training and certification subsidies (rule 5; seed 002: 培训补贴, 职业技能鉴定补贴), per person and course.

One computation (``subsidy_amounts``) decides what a finished course earns: the training
subsidy when the assessment was passed or a certificate obtained, the certification subsidy
when a certificate was obtained; amounts from ``TRAINING_SUBSIDY_YUAN`` and
``CERTIFICATION_SUBSIDY_YUAN``. They are recorded once per enrolment and kind when the course
is finished, for payment in that month's subsidy list.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import Month, local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.models import Household, Person, TrainingEnrolment, TrainingSubsidy
from jobmatch.models.training import AssessmentResult, TrainingSubsidyKind


def subsidy_amounts(enrolment: TrainingEnrolment) -> dict[TrainingSubsidyKind, int]:
    """What a finished enrolment earns, by kind (nothing for a course not finished or failed without a certificate)."""
    if enrolment.completed_at is None:
        return {}
    settings = current_settings()
    amounts = {}
    if enrolment.assessment == AssessmentResult.PASSED or enrolment.certificate:
        amounts[TrainingSubsidyKind.TRAINING] = settings.training_subsidy_yuan
    if enrolment.certificate:
        amounts[TrainingSubsidyKind.CERTIFICATION] = settings.certification_subsidy_yuan
    return {kind: amount for kind, amount in amounts.items() if amount > 0}


def record_subsidies(session: Session, enrolment: TrainingEnrolment, *, actor: str) -> list[TrainingSubsidy]:
    """Record the subsidies a finished enrolment earns, once per kind, payable this month (ledgered)."""
    recorded = set(session.scalars(select(TrainingSubsidy.kind).where(TrainingSubsidy.enrolment_id == enrolment.id)))
    month, person = str(Month.of(local_today())), enrolment.person
    subsidies = []
    for kind, amount in subsidy_amounts(enrolment).items():
        if kind in recorded:
            continue
        subsidy = TrainingSubsidy(enrolment_id=enrolment.id, person_id=enrolment.person_id,
                                  course_id=enrolment.course_id, kind=kind, amount=amount, month=month,
                                  recorded_at=utcnow())
        session.add(subsidy)
        session.flush()
        ledger.append(session, "training_subsidy_recorded", actor=actor, household_id=person.household_id,
                      person_id=person.id, subject=f"course:{enrolment.course_id}",
                      data={"subsidy_id": subsidy.id, "kind": str(kind), "amount": amount, "month": month})
        subsidies.append(subsidy)
    return subsidies


def training_subsidies_of_month(session: Session, month: Month, settlement_ids) -> list[TrainingSubsidy]:
    """The training and certification subsidies listed for payment in ``month`` for people of these settlements."""
    return list(session.scalars(
        select(TrainingSubsidy).join(Person, Person.id == TrainingSubsidy.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(TrainingSubsidy.month == str(month), Household.settlement_id.in_(list(settlement_ids)))
        .options(selectinload(TrainingSubsidy.person), selectinload(TrainingSubsidy.course),
                 selectinload(TrainingSubsidy.enrolment))
        .order_by(TrainingSubsidy.id)))

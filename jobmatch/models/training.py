"""Training (以岗定培): requests for training, courses, and who enrolled and finished."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class EnrolmentStatus(StrEnum):
    """Derived from ``TrainingEnrolment.completed_at``: no column of its own."""

    ENROLLED = "enrolled"
    COMPLETED = "completed"


class AssessmentResult(StrEnum):
    """The skill assessment recorded when a course is finished (rule 5: a passed one is a practical skill)."""

    NOT_ASSESSED = "not_assessed"
    PASSED = "passed"
    FAILED = "failed"


class TrainingSubsidyKind(StrEnum):
    """Subsidies of seed 002 (培训补贴, 职业技能鉴定补贴), recorded per person and course."""

    TRAINING = "training"
    CERTIFICATION = "certification"


class TrainingRequest(Base):
    """A worker's request for training, beyond the wishes written on the roster."""

    __tablename__ = "training_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    skill_text: Mapped[str] = mapped_column(String(80))
    occupation_code: Mapped[str] = mapped_column(String(20), default="")  # "" when the taxonomy knows no match
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person")


class TrainingCourse(Base):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    occupation_code: Mapped[str] = mapped_column(String(20), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)

    enrolments: Mapped[list["TrainingEnrolment"]] = relationship(back_populates="course")


class TrainingEnrolment(Base):
    __tablename__ = "training_enrolments"
    __table_args__ = (UniqueConstraint("course_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate: Mapped[str] = mapped_column(String(80), default="")
    # An AssessmentResult, recorded with the completion.
    assessment: Mapped[str] = mapped_column(String(20), default=AssessmentResult.NOT_ASSESSED,
                                            server_default=AssessmentResult.NOT_ASSESSED.value)

    course: Mapped[TrainingCourse] = relationship(back_populates="enrolments")
    person = relationship("Person")

    @property
    def status(self) -> EnrolmentStatus:
        return EnrolmentStatus.COMPLETED if self.completed_at else EnrolmentStatus.ENROLLED


class TrainingSubsidy(Base):
    """A training or certification subsidy due to one person for one course (paid in ``month``)."""

    __tablename__ = "training_subsidies"
    __table_args__ = (UniqueConstraint("enrolment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a TrainingSubsidyKind
    amount: Mapped[int] = mapped_column(Integer)  # yuan
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-11": the month it is listed for payment
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    enrolment: Mapped[TrainingEnrolment] = relationship()
    person = relationship("Person")
    course: Mapped[TrainingCourse] = relationship()

"""Public-welfare posts (公益性岗位) and the people appointed to them."""

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base


class WelfarePostStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ExitReason(StrEnum):
    """Orderly exit (有序退岗, rule 2)."""

    TERM_END = "term_end"
    NO_LONGER_NEEDED = "no_longer_needed"
    ABSENCE = "absence"


EXIT_REASONS = tuple(ExitReason)


class WelfarePost(Base):
    __tablename__ = "welfare_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    duties: Mapped[str] = mapped_column(Text, default="")
    quota: Mapped[int] = mapped_column(Integer)
    monthly_subsidy: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer, default=12)
    status: Mapped[str] = mapped_column(String(8), default=WelfarePostStatus.OPEN)  # a WelfarePostStatus

    settlement = relationship("Settlement")
    appointments: Mapped[list["WelfareAppointment"]] = relationship(back_populates="post")


class WelfareAppointment(Base):
    __tablename__ = "welfare_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("welfare_posts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str] = mapped_column(String(20), default="")  # an ExitReason once exited
    # The employment spell of kind "welfare_post" this appointment opened.
    spell_id: Mapped[int | None] = mapped_column(ForeignKey("employment_spells.id"))

    post: Mapped[WelfarePost] = relationship(back_populates="appointments")
    person = relationship("Person")
    spell = relationship("EmploymentSpell")

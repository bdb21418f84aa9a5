"""Employment spells: who worked where, from when to when, for how much."""

from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base


class SubsidyStatus(StrEnum):
    """A hire against the 1,000-yuan hiring subsidy (rule 7); computed, never stored."""

    PENDING = "pending"    # contract and insurance, six months not yet reached
    PAYABLE = "payable"    # seed 001's conditions all met: pay it, once per worker and employer
    REFUSED = "refused"    # not an eligible employer, a re-hire, short contract, no insurance, or left early


class EmploymentSpell(Base):
    __tablename__ = "employment_spells"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    # One of jobmatch.vocabulary.SPELL_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(120), default="")
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    end_reason: Mapped[str] = mapped_column(String(120), default="")
    monthly_income: Mapped[int | None] = mapped_column(Integer)
    contract_months: Mapped[int | None] = mapped_column(Integer)
    social_insurance: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the hired worker reads on their offer page (issue 17): where to go, whom to call, what to bring.
    work_place: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact: Mapped[str] = mapped_column(String(60), default="", server_default="")
    bring: Mapped[str] = mapped_column(String(200), default="", server_default="")

    person = relationship("Person", back_populates="spells")
    employer = relationship("Employer")

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

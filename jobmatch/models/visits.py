"""Door-to-door visits (送岗位上门) to zero-employment households."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class DoorVisit(Base):
    __tablename__ = "door_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The vacancy brought to the door, or a note when none fitted.
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    household = relationship("Household")
    vacancy = relationship("Vacancy")

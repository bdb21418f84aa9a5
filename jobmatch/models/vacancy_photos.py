"""Photos of the workplace an employer adds to a vacancy (at most three), shown on the worker's offer page."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime

MAX_PHOTOS_PER_VACANCY = 3


class VacancyPhoto(Base):
    __tablename__ = "vacancy_photos"
    __table_args__ = (UniqueConstraint("vacancy_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1..MAX_PHOTOS_PER_VACANCY: the unique slot
    filename: Mapped[str] = mapped_column(String(80))  # under Settings.photo_dir, a random name
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # ``vacancy.photos`` in slot order: the offer page shows them without its view knowing.
    vacancy = relationship("Vacancy", backref=backref("photos", order_by="VacancyPhoto.position",
                                                      cascade="all, delete-orphan", passive_deletes=True))

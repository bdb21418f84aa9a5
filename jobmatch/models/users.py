"""User accounts and their roles."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from jobmatch.db import Base

ROLES = ("admin", "county_officer", "staff", "employer", "worker", "province_officer")

staff_settlements = Table(
    "staff_settlements",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("settlement_id", ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(60), default="")
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A session remembers the generation it was signed in under; bumping it ends them all
    # (jobmatch.services.accounts.sessions).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A staff member's mobile (E.164) for problem alerts (rule 8); masked to others, never logged.
    phone: Mapped[str | None] = mapped_column(String(20))

    settlements = relationship("Settlement", secondary=staff_settlements)
    county = relationship("County")
    employer = relationship("Employer")
    person = relationship("Person")

    def set_password(self, password: str) -> None:
        """Set a new password; every session signed in before it ends."""
        self.password_hash = generate_password_hash(password)
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # What the session cookie holds: a cookie of an older generation no longer signs anyone in.
        return f"{self.id}:{self.session_generation or 0}"

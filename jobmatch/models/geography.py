"""Counties, the settlement sites in them, and other places staff know (townships, industrial parks)."""

from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base


class County(Base):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    province: Mapped[str] = mapped_column(String(30), default="")
    adcode: Mapped[str] = mapped_column(String(12), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # The county's own registered SMS signature (its 人社局 name); None: SMS_SIGNATURE.
    sms_signature: Mapped[str | None] = mapped_column(String(12))
    # Yuan paid per exported worker on confirmed arrival (劳务输出交通补贴, seed 003), set by staff; None: none.
    transport_subsidy_yuan: Mapped[int | None] = mapped_column(Integer)

    settlements: Mapped[list["Settlement"]] = relationship(back_populates="county", order_by="Settlement.name")


class Settlement(Base):
    __tablename__ = "settlements"
    __table_args__ = (UniqueConstraint("county_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # "staff" when staff gave the location, "gazetteer" when it is the county's centre.
    location_source: Mapped[str] = mapped_column(String(12), default="gazetteer")
    relocated_people: Mapped[int | None] = mapped_column(Integer)
    # The staff office's phone the help reply and the worker's page give (an office
    # number, shown in full); None: SMS_CONTACT_PHONE (12333).
    contact_phone: Mapped[str | None] = mapped_column(String(20))

    county: Mapped[County] = relationship(back_populates="settlements")


class PlaceKind(StrEnum):
    """What a known place is (issue 17: employers choose their location from places staff know)."""

    TOWNSHIP = "township"  # 乡镇 / 街道
    INDUSTRIAL_PARK = "industrial_park"  # 工业园区
    OTHER = "other"


class Place(Base):
    """A place with coordinates entered once by staff, for employers to choose instead of typing them."""

    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("county_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # a PlaceKind
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    county: Mapped[County] = relationship()

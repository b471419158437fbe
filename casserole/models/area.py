"""Areas (councils) the service runs in, their postcode districts and coordinators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casserole.models.base import Base, UTCDateTime, utcnow

coordinator_areas = Table(
    "coordinator_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    """A council area; coordinators are scoped to areas and see nothing outside them."""

    __tablename__ = "areas"
    __table_args__ = (CheckConstraint("meal_cost_pence >= 0", name="meal_cost_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    meal_cost_pence: Mapped[int] = mapped_column(Integer, default=490)
    # Areas may choose to let matcher proposals skip coordinator approval.
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    districts: Mapped[list[AreaDistrict]] = relationship(
        back_populates="area", cascade="all, delete-orphan", order_by="AreaDistrict.outcode"
    )

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"


class AreaDistrict(Base):
    """A postcode district (outward code) that belongs to exactly one live area."""

    __tablename__ = "area_districts"

    outcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)

    area: Mapped[Area] = relationship(back_populates="districts")

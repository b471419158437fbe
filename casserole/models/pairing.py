"""Pairings from proposal to their end, their pauses, meal shares and feedback."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casserole.models.area import Area
from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.people import CookProfile, DinerProfile, User
from casserole.models.vocab import (
    LIVE_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    STARTED_STATUSES,
    ConcernStatus,
    EndReason,
    PairingStatus,
    ProposalSource,
    sql_status_list,
)

# The heart of "never two cooks for one diner": enforced by the database itself, so no
# race between two requests can get past it. Partial unique indexes exist on both engines.
_LIVE = text(f"status IN ({sql_status_list(LIVE_STATUSES)})")
# And never two open proposals for one diner: two matching runs (or a run and a pairing by
# hand) racing for the same diner cannot both land, whichever process or host they run on.
_OPEN = text(f"status IN ({sql_status_list(OPEN_PROPOSAL_STATUSES)})")


class Pairing(Base):
    """One cook and one diner, from proposal through acceptance to an active pairing and its end."""

    __tablename__ = "pairings"
    __table_args__ = (
        Index(
            "uq_pairings_one_live_per_diner",
            "diner_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        Index(
            "uq_pairings_one_open_proposal_per_diner",
            "diner_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index("ix_pairings_area_status", "area_id", "status"),
        Index("ix_pairings_cook_status", "cook_id", "status"),
        CheckConstraint("distance_km IS NULL OR distance_km >= 0", name="distance_nonnegative"),
        CheckConstraint(
            "ended_at IS NULL OR started_at IS NULL OR ended_at >= started_at",
            name="ends_after_start",
        ),
        CheckConstraint(
            f"status NOT IN ({sql_status_list(STARTED_STATUSES)}) OR started_at IS NOT NULL",
            name="live_has_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cook_id: Mapped[int] = mapped_column(ForeignKey("cook_profiles.id"))
    diner_id: Mapped[int] = mapped_column(ForeignKey("diner_profiles.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus), default=PairingStatus.PROPOSED
    )
    source: Mapped[ProposalSource] = mapped_column(
        str_enum(ProposalSource), default=ProposalSource.MATCHER
    )
    distance_km: Mapped[float | None] = mapped_column(Float)
    # A coordinator may pair outside the hard constraints only with a written reason.
    override_reason: Mapped[str] = mapped_column(Text, default="")

    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cook_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    diner_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    diner_accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason))
    end_note: Mapped[str] = mapped_column(Text, default="")
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # When both sides were last reminded that meals have stopped; stops repeat reminders.
    at_risk_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cook: Mapped[CookProfile] = relationship()
    diner: Mapped[DinerProfile] = relationship()
    area: Mapped[Area] = relationship()
    pauses: Mapped[list[PairingPause]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="PairingPause.started_at"
    )
    meals: Mapped[list[MealShare]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="MealShare.shared_on"
    )


class PairingPause(Base):
    """A holiday or hospital stay during which no meals are expected."""

    __tablename__ = "pairing_pauses"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")

    pairing: Mapped[Pairing] = relationship(back_populates="pauses")


class MealShare(Base):
    """One meal a cook took to their diner."""

    __tablename__ = "meal_shares"
    __table_args__ = (Index("ix_meal_shares_pairing_date", "pairing_id", "shared_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    shared_on: Mapped[date] = mapped_column(Date, index=True)
    dish: Mapped[str] = mapped_column(String(200))
    allergen_note: Mapped[str] = mapped_column(String(300), default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    pairing: Mapped[Pairing] = relationship(back_populates="meals")


class Feedback(Base):
    """A rating and comment from either side, or a concern for the coordinators."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    meal_share_id: Mapped[int | None] = mapped_column(
        ForeignKey("meal_shares.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    is_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Concerns only: where it is, whether it is a safeguarding matter, and how it was resolved.
    concern_status: Mapped[ConcernStatus | None] = mapped_column(str_enum(ConcernStatus))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    pairing: Mapped[Pairing] = relationship()

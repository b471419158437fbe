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
    Integer,
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
_LIVE = text(f"status IN ({sql_status_list(LIVE_STATUSES)}) AND covers_id IS NULL")
# A stand-in cook covers a break while the regular pairing stays live (paused): one live
# stand-in per diner at a time, beside (never instead of) their one regular pairing.
_LIVE_STAND_IN = text(f"status IN ({sql_status_list(LIVE_STATUSES)}) AND covers_id IS NOT NULL")
# And never two open proposals for one diner: two matching runs (or a run and a pairing by
# hand) racing for the same diner cannot both land, whichever process or host they run on.
_OPEN = text(f"status IN ({sql_status_list(OPEN_PROPOSAL_STATUSES)})")

STAND_IN = "stand_in"
REGULAR = "regular"


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
            "uq_pairings_one_live_stand_in_per_diner",
            "diner_id",
            unique=True,
            sqlite_where=_LIVE_STAND_IN,
            postgresql_where=_LIVE_STAND_IN,
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
        CheckConstraint(
            "covers_id IS NULL OR (first_day IS NOT NULL AND last_day >= first_day)",
            name="stand_in_has_dates",
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
    # A stand-in pairing covers a regular one through the regular cook's break, for exactly
    # the break's dates (first_day to last_day, both included); it ends by itself after.
    covers_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    cook_break_id: Mapped[int | None] = mapped_column(
        ForeignKey("cook_breaks.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)

    cook: Mapped[CookProfile] = relationship()
    diner: Mapped[DinerProfile] = relationship()
    area: Mapped[Area] = relationship()
    pauses: Mapped[list[PairingPause]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="PairingPause.started_at"
    )
    meals: Mapped[list[MealShare]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="MealShare.shared_on"
    )
    covers: Mapped[Pairing | None] = relationship(remote_side=[id], foreign_keys=[covers_id])
    cook_break: Mapped[CookBreak | None] = relationship(foreign_keys=[cook_break_id])

    @property
    def kind(self) -> str:
        """ "stand_in" for a pairing covering a cook's break, else "regular"."""
        return STAND_IN if self.covers_id is not None else REGULAR

    @property
    def is_stand_in(self) -> bool:
        """Whether this pairing covers another one through its cook's break."""
        return self.covers_id is not None


class CookBreak(Base):
    """A cook's planned break: their pairings pause for exactly these dates.

    `last_day` is the last day away (included); None is a break "from today, no end", for
    which no stand-in is sought. `started_at`/`ended_at` say when the timed job paused and
    resumed the pairings, so running it twice changes nothing.
    """

    __tablename__ = "cook_breaks"
    __table_args__ = (
        CheckConstraint("last_day IS NULL OR last_day >= first_day", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cook_id: Mapped[int] = mapped_column(
        ForeignKey("cook_profiles.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cook: Mapped[CookProfile] = relationship()
    covers: Mapped[list[BreakCover]] = relationship(
        back_populates="cook_break", cascade="all, delete-orphan", order_by="BreakCover.id"
    )


class BreakCover(Base):
    """One diner's cover through a cook's break: the regular pairing and, if none was found,
    the matcher's reason (code and sentence) for the coordinator's console."""

    __tablename__ = "break_covers"
    __table_args__ = (Index("uq_break_covers_pairing", "cook_break_id", "pairing_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cook_break_id: Mapped[int] = mapped_column(ForeignKey("cook_breaks.id", ondelete="CASCADE"))
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    searched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cook_break: Mapped[CookBreak] = relationship(back_populates="covers")
    pairing: Mapped[Pairing] = relationship()


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
    # Set when the pause is the cook's planned break: only the break's end restarts it.
    cook_break_id: Mapped[int | None] = mapped_column(
        ForeignKey("cook_breaks.id", ondelete="CASCADE"), index=True
    )

    pairing: Mapped[Pairing] = relationship(back_populates="pauses")
    cook_break: Mapped[CookBreak | None] = relationship()


class MealShare(Base):
    """One meal a cook took to their diner."""

    __tablename__ = "meal_shares"
    __table_args__ = (Index("ix_meal_shares_pairing_date", "pairing_id", "shared_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    shared_on: Mapped[date] = mapped_column(Date, index=True)
    dish: Mapped[str] = mapped_column(String(200))
    allergen_note: Mapped[str] = mapped_column(String(300), default="")
    # Which of the 14 allergens (vocab.ALLERGENS bits) the cook said the meal contains.
    allergen_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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

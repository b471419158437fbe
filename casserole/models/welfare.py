"""Meal-day reports, welfare checks opened from them, and the reminders already sent."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.pairing import Pairing
from casserole.models.people import User


class VisitReport(enum.StrEnum):
    """What a cook can report about a meal day instead of (or as well as) a meal."""

    COULD_NOT_COME = "could_not_come"
    NOBODY_ANSWERED = "nobody_answered"
    SEEMED_UNWELL = "seemed_unwell"


VISIT_REPORT_LABELS = {
    VisitReport.NOBODY_ANSWERED: _l("Nobody answered the door"),
    VisitReport.SEEMED_UNWELL: _l("The diner seemed unwell"),
    VisitReport.COULD_NOT_COME: _l("I could not come"),
}
# The reports that open a welfare check (someone must find out the diner is all right).
WELFARE_REPORTS = frozenset({VisitReport.NOBODY_ANSWERED, VisitReport.SEEMED_UNWELL})


class WelfareOutcome(enum.StrEnum):
    """How a welfare check ended."""

    FINE = "fine"
    CONTACTED_FAMILY = "contacted_family"
    EMERGENCY_SERVICES = "emergency_services"
    IN_HOSPITAL = "in_hospital"
    OTHER = "other"


WELFARE_OUTCOME_LABELS = {
    WelfareOutcome.FINE: _l("The diner was fine"),
    WelfareOutcome.CONTACTED_FAMILY: _l("We contacted their family or emergency contact"),
    WelfareOutcome.EMERGENCY_SERVICES: _l("Emergency services were called"),
    WelfareOutcome.IN_HOSPITAL: _l("The diner is in hospital"),
    WelfareOutcome.OTHER: _l("Something else (say what below)"),
}


class MealDayReport(Base):
    """A cook's word about one meal day: could not come, nobody answered, seemed unwell."""

    __tablename__ = "meal_day_reports"
    __table_args__ = (UniqueConstraint("pairing_id", "day", "kind", name="one_per_day_and_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[VisitReport] = mapped_column(str_enum(VisitReport))
    note: Mapped[str] = mapped_column(String(500), default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pairing: Mapped[Pairing] = relationship()


class WelfareCheck(Base):
    """Someone must find out whether a diner is all right; open until an outcome is recorded."""

    __tablename__ = "welfare_checks"
    __table_args__ = (Index("ix_welfare_checks_area_closed", "area_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("meal_day_reports.id", ondelete="SET NULL")
    )
    kind: Mapped[VisitReport] = mapped_column(str_enum(VisitReport))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set once, when the check was left open too long and every coordinator and admin was told.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[WelfareOutcome | None] = mapped_column(str_enum(WelfareOutcome))
    outcome_note: Mapped[str] = mapped_column(Text, default="")

    pairing: Mapped[Pairing] = relationship()
    report: Mapped[MealDayReport | None] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])


class SentReminder(Base):
    """A reminder, nudge or digest already sent for one day: reruns send nothing twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "day", "subject", name="once_a_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date)
    # Whom it was about: "pairing:12" or "user:5" (a code, never a name).
    subject: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

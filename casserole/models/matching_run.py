"""Matching runs per area (the database lock that allows one at a time) and their reasons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from casserole.models.base import Base, UTCDateTime, utcnow

RUN_RUNNING = "running"
RUN_DONE = "done"
RUN_FAILED = "failed"
# A run that proposes (writes pairings) or a dry run that only works out the reasons.
KIND_PROPOSE = "propose"
KIND_REASONS = "reasons"


class MatchingRun(Base):
    """One matcher run for an area; while its status is "running" no other run may start.

    The partial unique index is the lock: it lives in the database, so it holds across
    gunicorn workers, job workers and hosts alike.
    """

    __tablename__ = "matching_runs"
    __table_args__ = (
        Index(
            "uq_matching_runs_one_running_per_area",
            "area_id",
            unique=True,
            sqlite_where=text(f"status = '{RUN_RUNNING}'"),
            postgresql_where=text(f"status = '{RUN_RUNNING}'"),
        ),
        Index("ix_matching_runs_area_finished", "area_id", "status", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=RUN_RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposals: Mapped[int | None] = mapped_column(Integer)
    unmatched: Mapped[int | None] = mapped_column(Integer)


class WaitingReason(Base):
    """Why the matcher left one diner waiting in one run, and the counts of what would help.

    Only the latest finished run's reasons per area are kept (older ones are deleted when a
    new set is stored). No foreign key to the diner: erasing a diner must not wait on these
    code words, and a reason for a diner no longer waiting is simply never shown.
    """

    __tablename__ = "waiting_reasons"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("matching_runs.id", ondelete="CASCADE"), primary_key=True
    )
    diner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    # Cooks in range, fitting their needs, sharing a day, not excluded (the matcher's filters).
    in_range: Mapped[int | None] = mapped_column(Integer)
    fit_needs: Mapped[int | None] = mapped_column(Integer)
    share_day: Mapped[int | None] = mapped_column(Integer)
    feasible: Mapped[int | None] = mapped_column(Integer)

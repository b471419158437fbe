"""Background jobs: what was asked, by whom, for which area, and how far it got."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.vocab import JobState


class Job(Base):
    """One piece of heavy work run off the request (matching, approve all, reasons, CSVs).

    The row is the job's truth: the queue only carries its id, so a job delivered twice
    (a worker killed half-way) reads what was already done here and carries on from there.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which handler runs it: casserole.jobs.kinds.HANDLERS.
    kind: Mapped[str] = mapped_column(String(40), index=True)
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[JobState] = mapped_column(str_enum(JobState), default=JobState.QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # How many times a worker has started it (more than one: it was delivered again).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # What the handler needs (never personal data) and what it found, e.g. ids it skipped.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    # An uploaded file the job reads (the CSV import) and a file it made (a CSV export):
    # in the database so any host's worker and web process see the same; cleared by
    # retention after JOB_FILE_HOURS.
    input_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    output_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    output_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Written with every progress step: a delivery that finds a recent beat leaves the job to
    # the worker that is still running it.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        """How far along, 0-100 (0 while the size is not known)."""
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will happen to it."""
        return self.state in (JobState.DONE, JobState.FAILED)

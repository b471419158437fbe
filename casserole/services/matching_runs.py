"""One matching run per area at a time, held in the database, and the reasons runs store.

The lock is a "running" row in `matching_runs` under a partial unique index (one per area):
claiming it is an INSERT committed on its own, so a second run for the area, from any
gunicorn worker, job worker or host, is refused with a clear message at once. A run that
dies without finishing (a killed worker) is detected: on PostgreSQL the run's transaction
holds an advisory lock on the run's id, which the server releases when the connection
goes; on SQLite (one machine, development and tests) a claim older than
`ABANDONED_AFTER` is taken over.

Reasons (why each waiting diner is unmatched) are stored with the run that produced them;
every process reads the area's latest set, with the time it was worked out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import Area, User, utcnow
from casserole.models.matching_run import (
    KIND_PROPOSE,
    KIND_REASONS,
    RUN_DONE,
    RUN_FAILED,
    RUN_RUNNING,
    MatchingRun,
    WaitingReason,
)
from casserole.services import matching as matcher

# SQLite only: how old a "running" claim must be before it counts as abandoned. A city's
# run takes well under a minute; PostgreSQL detects a dead run exactly (advisory lock).
ABANDONED_AFTER = timedelta(minutes=15)
# PostgreSQL: a freshly claimed run takes its advisory lock within moments; younger claims
# are never judged abandoned, so a run between its claim and its lock is not taken over.
_CLAIM_GRACE = timedelta(seconds=30)
# The first key of the two-key advisory lock: "matching run" (any constant unique to us).
_ADVISORY_CLASS = 0x6D61


class MatchingBusy(Exception):
    """A run for this area is already going; the message says since when and by whom."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


ReasonSnapshot = matcher.ReasonSnapshot


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _holder_alive(run: MatchingRun, now: datetime) -> bool:
    """Whether the process holding a "running" claim is still at work."""
    if now - run.started_at < _CLAIM_GRACE:
        return True
    if _postgres():
        # Free advisory lock = the run's transaction (and so its connection) is gone.
        got = db.session.scalar(select(func.pg_try_advisory_xact_lock(_ADVISORY_CLASS, run.id)))
        db.session.rollback()  # releases the probe's lock at once
        return not got
    return now - run.started_at < ABANDONED_AFTER


def _busy_message(area: Area, run: MatchingRun) -> str:
    who = db.session.get(User, run.started_by_id) if run.started_by_id else None
    by = f" by {who.first_name}" if who is not None else ""
    what = "Matching" if run.kind == KIND_PROPOSE else "Working out the waiting reasons"
    when = f"{long_date(run.started_at)} at {run.started_at:%H:%M} UTC"
    return (
        f"{what} for {area.name} is already running (started {when}{by}). "
        "Only one run per area at a time: wait for it to finish, then look again."
    )


def claim(area: Area, kind: str, actor: User | None) -> MatchingRun:
    """Take the area's run lock (commits), or raise MatchingBusy naming the run that holds it."""
    for _attempt in range(2):
        run = MatchingRun(
            area_id=area.id,
            kind=kind,
            status=RUN_RUNNING,
            started_at=utcnow(),
            started_by_id=actor.id if actor is not None else None,
        )
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        else:
            return run
        holder = db.session.scalar(
            select(MatchingRun).where(
                MatchingRun.area_id == area.id, MatchingRun.status == RUN_RUNNING
            )
        )
        if holder is None:
            continue  # it finished between our insert and our look: try once more
        now = utcnow()
        if _holder_alive(holder, now):
            raise MatchingBusy(_busy_message(area, holder))
        # The holder died mid-run: mark it failed (only if nobody else just did) and retry.
        db.session.execute(
            update(MatchingRun)
            .where(MatchingRun.id == holder.id, MatchingRun.status == RUN_RUNNING)
            .values(status=RUN_FAILED, finished_at=now)
        )
        db.session.commit()
    raise MatchingBusy(f"Matching for {area.name} has just started elsewhere: look again soon.")


def _hold(run: MatchingRun) -> None:
    """PostgreSQL: mark the run alive for as long as this transaction (connection) lasts."""
    if _postgres():
        db.session.execute(select(func.pg_advisory_xact_lock(_ADVISORY_CLASS, run.id)))


def _release(run_id: int, status: str, **counts: Any) -> None:
    db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.id == run_id)
        .values(status=status, finished_at=utcnow(), **counts)
    )


@contextmanager
def area_run(area: Area, kind: str, actor: User | None) -> Iterator[MatchingRun]:
    """Hold the area's run lock around a block, which calls finish() and commits its work.

    On an exception the block's work is rolled back and the run is marked failed.
    """
    run = claim(area, kind, actor)
    run_id = run.id
    _hold(run)
    try:
        yield run
    except BaseException:
        db.session.rollback()
        _release(run_id, RUN_FAILED)
        db.session.commit()
        raise
    # A block that returned without finishing (it committed nothing) still frees the area.
    db.session.execute(
        update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.status == RUN_RUNNING)
        .values(status=RUN_FAILED, finished_at=utcnow())
    )
    db.session.commit()


def finish(run: MatchingRun, snap: ReasonSnapshot, proposals: int = 0) -> None:
    """Mark the run done and store its reasons (in the caller's transaction; not committed).

    Older runs' reasons for the area are deleted: only the latest set is ever shown.
    """
    older = select(MatchingRun.id).where(
        MatchingRun.area_id == run.area_id, MatchingRun.id != run.id
    )
    db.session.execute(delete(WaitingReason).where(WaitingReason.run_id.in_(older)))
    rows = []
    for diner_id, reason in snap.reasons.items():
        counts = snap.counts.get(diner_id) or (None, None, None, None)
        rows.append(
            {
                "run_id": run.id,
                "diner_id": diner_id,
                "reason": reason,
                "in_range": counts[0],
                "fit_needs": counts[1],
                "share_day": counts[2],
                "feasible": counts[3],
            }
        )
    if rows:
        db.session.execute(insert(WaitingReason), rows)
    _release(run.id, RUN_DONE, proposals=proposals, unmatched=len(snap.reasons))


def latest_reasons(area: Area) -> ReasonSnapshot | None:
    """The area's latest stored reasons and when they were worked out; None if never."""
    run = db.session.scalar(
        select(MatchingRun)
        .where(MatchingRun.area_id == area.id, MatchingRun.status == RUN_DONE)
        .order_by(MatchingRun.finished_at.desc(), MatchingRun.id.desc())
        .limit(1)
    )
    if run is None or run.finished_at is None:
        return None
    reasons: dict[int, str] = {}
    counts: dict[int, tuple[int, int, int, int]] = {}
    rows = db.session.execute(
        select(
            WaitingReason.diner_id,
            WaitingReason.reason,
            WaitingReason.in_range,
            WaitingReason.fit_needs,
            WaitingReason.share_day,
            WaitingReason.feasible,
        ).where(WaitingReason.run_id == run.id)
    )
    for diner_id, reason, *numbers in rows:
        reasons[diner_id] = reason
        if numbers[0] is not None:
            counts[diner_id] = tuple(numbers)  # type: ignore[assignment]
    return ReasonSnapshot(run.finished_at, reasons, counts, run.id)


def compute_reasons(area: Area, actor: User | None = None) -> ReasonSnapshot:
    """Work out and store an area's waiting reasons (a matcher dry run) under the area's lock.

    The one service that computes and stores them; the job queue calls it. Raises
    MatchingBusy while another run for the area is going.
    """
    with area_run(area, KIND_REASONS, actor) as run:
        snap = matcher.waiting_details(area)
        finish(run, snap)
        db.session.commit()
    return latest_reasons(area) or snap


def forget_reasons() -> None:
    """Delete every stored reason (after bulk imports; the next view works them out again)."""
    db.session.execute(delete(WaitingReason))
    db.session.commit()

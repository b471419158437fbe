"""Starting a job, running it once whatever the queue does, and reading it back.

The `jobs` row is the truth. `start` commits the row and then queues its id; `run` (in
the worker) claims the row, calls the kind's handler and records the outcome. A handler
commits its progress together with its work, so a delivery after a killed worker carries
on from the last commit and never repeats what was committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from casserole import clock
from casserole.access import can_see_area
from casserole.extensions import db
from casserole.models import Job, JobState, Role, User
from casserole.models.area import Area


class JobBusy(Exception):
    """Another worker holds the job (its heartbeat is recent): try again later."""


class JobProblem(Exception):
    """A job cannot go on for a reason to show its requester (the job fails with it)."""


def start(
    kind: str,
    area: Area | None,
    actor: User,
    *,
    params: dict[str, Any] | None = None,
    input_data: bytes | None = None,
    total: int = 0,
) -> Job:
    """Record a job and queue it; without a broker it has already run when this returns."""
    from casserole.jobs.kinds import HANDLERS

    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        area_id=area.id if area else None,
        requested_by_id=actor.id,
        params=params or {},
        input_data=input_data,
        total=total,
        state=JobState.QUEUED,
        created_at=clock.now(),
    )
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    celery = current_app.extensions["celery"]
    try:
        celery.tasks["casserole.run_job"].apply_async(args=(job_id,))
    except Exception as err:  # noqa: BLE001 - any broker failure: the job must not hang
        if celery.conf.task_always_eager:
            raise
        _fail(job_id, "The job queue could not be reached; please try again shortly.")
        current_app.logger.error("could not queue job %s: %s", job_id, err)
    _wait_for(job_id)
    db.session.expire_all()
    found = db.session.get(Job, job_id)
    assert found is not None
    return found


def _wait_for(job_id: int) -> None:
    """With a real worker and JOB_WAIT_SECONDS, wait for the job to finish (tests)."""
    celery = current_app.extensions["celery"]
    wait = float(current_app.config.get("JOB_WAIT_SECONDS") or 0)
    if celery.conf.task_always_eager or wait <= 0:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        db.session.expire_all()
        state = db.session.scalar(select(Job.state).where(Job.id == job_id))
        db.session.rollback()
        if state in (JobState.DONE, JobState.FAILED):
            return
        time.sleep(0.05)


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    if job is not None:
        job.state, job.error, job.finished_at = JobState.FAILED, message, clock.now()
        # The requester's address was only for the audit records of work now not done.
        job.params = {k: v for k, v in (job.params or {}).items() if k != "ip"}
    db.session.commit()


def run(job_id: int) -> str:
    """Run one delivery of a job; returns what happened ("done", "failed", "skipped")."""
    from casserole.jobs.kinds import HANDLERS

    now = clock.now()
    lease = timedelta(seconds=int(current_app.config.get("JOB_LEASE_SECONDS") or 300))
    # Claim: only a queued job, or a running one whose worker stopped beating (killed).
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            (Job.state == JobState.QUEUED)
            | ((Job.state == JobState.RUNNING) & (Job.heartbeat_at < now - lease)),
        )
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
        )
    ).rowcount
    db.session.commit()
    if not claimed:
        state = db.session.scalar(select(Job.state).where(Job.id == job_id))
        if state == JobState.RUNNING:
            raise JobBusy(job_id)
        return "skipped"  # finished already, or no such job: a repeated delivery
    job = db.session.get(Job, job_id)
    assert job is not None
    try:
        HANDLERS[job.kind](job)
    except JobProblem as err:
        _fail(job_id, str(err))
        return "failed"
    except Exception:
        _fail(job_id, "Something went wrong with this job; the team has been told.")
        current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
        return "failed"
    return "done"


def beat(job: Job, done: int | None = None, total: int | None = None) -> None:
    """Record progress on the job (in the caller's transaction, committed with its work)."""
    if done is not None:
        job.done = done
    if total is not None:
        job.total = total
    job.heartbeat_at = clock.now()


def rest(worked: float) -> None:
    """On a real worker, rest JOB_REST_RATIO times `worked` seconds (at most 30) after a batch.

    Not in eager mode: there the job runs inside the request that started it, and resting
    would only keep that person waiting.
    """
    celery = current_app.extensions.get("celery")
    if celery is None or celery.conf.task_always_eager:
        return
    ratio = float(current_app.config.get("JOB_REST_RATIO") or 0)
    if ratio > 0 and worked > 0:
        time.sleep(min(ratio * worked, 30.0))


def pause() -> None:
    """Tests only (JOB_PAUSE_SECONDS): wait between steps, so a worker can be killed there."""
    seconds = float(current_app.config.get("JOB_PAUSE_SECONDS") or 0)
    if seconds:
        time.sleep(seconds)


def finish(job: Job, summary: str, **result: Any) -> None:
    """Mark the job done (in the caller's transaction) with its summary and result."""
    job.state = JobState.DONE
    job.summary = summary
    job.result = {**(job.result or {}), **result}
    job.finished_at = clock.now()
    job.heartbeat_at = job.finished_at
    # The requester's address is kept only for the audit records the job writes.
    job.params = {k: v for k, v in (job.params or {}).items() if k != "ip"}
    if job.total and job.done < job.total:
        job.done = job.total


def visible_job(actor: User, job_id: int) -> Job | None:
    """The job if `actor` may see it: an admin, or a coordinator of its area; else None."""
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    if job.area_id is None:
        return job if actor.role == Role.ADMIN or job.requested_by_id == actor.id else None
    return job if can_see_area(actor, job.area_id) else None


def recent_jobs(area: Area, limit: int = 10) -> list[Job]:
    """The area's latest jobs, newest first."""
    return list(
        db.session.scalars(
            select(Job).where(Job.area_id == area.id).order_by(Job.id.desc()).limit(limit)
        )
    )


def clear_old_files(hours: int, now: Any = None) -> int:
    """Drop uploaded and produced files of jobs older than `hours` (they hold personal data)."""
    cutoff = (now or clock.now()) - timedelta(hours=hours)
    cleared = db.session.execute(
        update(Job)
        .where(
            Job.created_at < cutoff,
            (Job.input_data.is_not(None)) | (Job.output_data.is_not(None)),
        )
        .values(input_data=None, output_data=None)
    ).rowcount
    db.session.commit()
    return int(cleared or 0)


Handler = Callable[[Job], None]

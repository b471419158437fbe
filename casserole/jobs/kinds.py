"""What each kind of job does; every handler is safe to run again after a killed worker.

A handler commits its progress in the same transaction as its work: what was committed is
never done again, what was not is done by the next delivery.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from casserole.extensions import db
from casserole.formatting import plural
from casserole.jobs import runner
from casserole.jobs.runner import JobProblem
from casserole.models import Job, Pairing, PairingStatus, User
from casserole.models.area import Area
from casserole.models.matching_run import KIND_PROPOSE, RUN_DONE, MatchingRun
from casserole.services import mail, matching_runs

MATCHING = "matching"
APPROVE_ALL = "approve_all"
REASONS = "reasons"
EXPORT_ANONYMISED = "export_anonymised"
IMPORT_REFERRALS = "import_referrals"

KIND_LABELS = {
    MATCHING: "Matching run",
    APPROVE_ALL: "Approving every proposal",
    REASONS: "Working out the waiting list's reasons",
    EXPORT_ANONYMISED: "Preparing the anonymised export",
    IMPORT_REFERRALS: "Importing referrals",
}


def _requester_and_area(job: Job) -> tuple[User, Area]:
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    area = db.session.get(Area, job.area_id) if job.area_id else None
    if actor is None or not actor.is_active_account:
        raise JobProblem("The person who started this job no longer has an account.")
    if area is None:
        raise JobProblem("The area of this job no longer exists.")
    return actor, area


def run_matching(job: Job) -> None:
    """Run the matcher for the area; a marker commits with the proposals it makes."""
    from casserole.services import pairings

    actor, area = _requester_and_area(job)
    # The run's own "done" row commits with its proposals (matching_runs.finish): a delivery
    # after that commit (its worker died before finishing the job) must not run it again.
    # The area lock commits its "running" row first, so a flag on the job would not do.
    ran = db.session.scalar(
        select(MatchingRun.id).where(
            MatchingRun.area_id == area.id,
            MatchingRun.kind == KIND_PROPOSE,
            MatchingRun.status == RUN_DONE,
            MatchingRun.started_by_id == actor.id,
            MatchingRun.started_at >= job.created_at,
        )
    )
    if ran is not None or job.result.get("proposed"):
        runner.finish(job, "The matcher ran. Its proposals are on the proposals page.")
        db.session.commit()
        return
    address = job.params.get("ip")
    try:
        made = pairings.propose_for_area(area.id, actor, client_address=address)
    except (pairings.PairingError, matching_runs.MatchingBusy) as err:
        raise JobProblem(str(err)) from None
    job.result = {**(job.result or {}), "proposed": True}
    runner.finish(
        job,
        f"The matcher proposed {plural(len(made), 'new pair')}."
        + (
            " They went straight to the cooks (this area approves automatically)."
            if area.auto_approve
            else " Review them on the proposals page."
        ),
        proposals=len(made),
    )
    db.session.commit()


def approve_all(job: Job) -> None:
    """Approve every proposal of the area made before the job, a batch per transaction."""
    from casserole.services import pairings

    actor, area = _requester_and_area(job)
    result = dict(job.result or {})
    skipped = set(result.get("skipped", []))
    approved = int(result.get("approved", 0))
    address = job.params.get("ip")
    # Only what the coordinator saw: proposals made after they pressed the button wait.
    remaining = [
        pid
        for pid in db.session.scalars(
            select(Pairing.id)
            .where(
                Pairing.area_id == area.id,
                Pairing.status == PairingStatus.PROPOSED,
                Pairing.proposed_at <= job.created_at,
            )
            .order_by(Pairing.id)
        )
        if pid not in skipped
    ]
    if not job.total:
        job.total = len(remaining)
    size = max(1, int(current_app.config.get("JOB_BATCH_SIZE") or 250))
    for start in range(0, len(remaining), size):
        batch = remaining[start : start + size]
        began = time.monotonic()
        for pairing_id in batch:
            savepoint = db.session.begin_nested()
            try:
                pairings.approve(pairing_id, actor, client_address=address, commit_now=False)
            except pairings.PairingError:
                # Its reason names the diner: the job keeps only the number (the page
                # links to each), so erasing a person leaves nothing of them here.
                savepoint.rollback()
                skipped.add(pairing_id)
            else:
                savepoint.commit()
                approved += 1
        # The batch, its e-mail and the progress that says it is done commit together.
        job.result = {"approved": approved, "skipped": sorted(skipped)}
        runner.beat(job, done=job.done + len(batch))
        db.session.commit()
        mail.dispatch()
        runner.pause()
        runner.rest(time.monotonic() - began)
    summary = f"Approved {plural(approved, 'proposal')}. We have asked the cooks."
    if skipped:
        summary += f" {plural(len(skipped), 'proposal')} could not be approved (see below)."
    runner.finish(job, summary, approved=approved)
    db.session.commit()


def work_out_reasons(job: Job) -> None:
    """A matcher dry run for the waiting list's reasons (nothing but the reasons is written)."""
    from casserole.services.coordinator import waiting as waiting_service

    _actor, area = _requester_and_area(job)
    try:
        snap = waiting_service.refresh_reasons(area)
    except matching_runs.MatchingBusy as busy:
        raise JobProblem(busy.message) from None
    waiting = len(snap.reasons) if snap is not None else 0
    runner.finish(
        job,
        f"The reasons of {plural(waiting, 'waiting diner')} are worked out.",
        diners=waiting,
    )
    db.session.commit()


def export_anonymised(job: Job) -> None:
    """Build the anonymised pairings CSV (its coarsening takes seconds at city scale).

    It holds no personal data, so the file can wait in the database for its download; the
    full export (names, contacts) stays a direct, streamed and audited download instead.
    """
    from casserole.services import exports

    actor, area = _requester_and_area(job)
    data = "".join(exports.anonymised_csv(area, actor, job.params.get("ip"))).encode("utf-8")
    job.output_data = data
    job.output_name = f"{area.slug}-pairings-anonymised.csv"
    rows = max(data.count(b"\n") - 1, 0)
    runner.finish(job, f"The anonymised export is ready: {plural(rows, 'row')}.", rows=rows)
    db.session.commit()


def import_referrals(job: Job) -> None:
    """Import the uploaded referrals: every row checked again, then all of them or none.

    The import skips people already registered, so a delivery after a killed worker's
    commit adds nothing; the upload is dropped once it is imported.
    """
    from casserole.services.casework import imports

    actor, area = _requester_and_area(job)
    data = job.input_data
    if not data:
        raise JobProblem("The uploaded file is no longer kept; please upload it again.")
    job.total = max(data.count(b"\n") - 1, 1)
    result, done = imports.run_import(area, data, actor, client_address=job.params.get("ip"))
    if done is None:
        # Something changed since the preview. The rows' problems quote names and values,
        # which the job must not keep: the preview of the same file lists them again.
        raise JobProblem(
            f"{imports.summary(result, None)} Upload the file again to see each row's problem."
        )
    job = db.session.get(Job, job.id) or job
    job.input_data = None
    runner.finish(job, imports.summary(result, done), added=done.added, skipped=done.skipped)
    db.session.commit()


HANDLERS: dict[str, Callable[[Job], None]] = {
    MATCHING: run_matching,
    APPROVE_ALL: approve_all,
    REASONS: work_out_reasons,
    EXPORT_ANONYMISED: export_anonymised,
    IMPORT_REFERRALS: import_referrals,
}

"""The console's job pages: a job's progress (refreshing itself, no JavaScript) and result."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.extensions import db
from casserole.forms_common import confirmed_post
from casserole.jobs import kinds, runner
from casserole.jobs.kinds import KIND_LABELS
from casserole.models import Job, Pairing, PairingStatus
from casserole.models.area import Area
from casserole.services import vetting

# Seconds between refreshes of a running job's page (<meta http-equiv="refresh">).
REFRESH_SECONDS = 2


@bp.route("/<slug>/jobs/<int:job_id>")
@coordinators_only
def job(slug: str, job_id: int) -> str:
    """One job of the area: a progress bar while it runs, then what it did."""
    area, found = _job_or_404(slug, job_id)
    return render_template(
        "coordinator/job.html",
        area=area,
        job=found,
        not_approved=_not_approved(area, (found.result or {}).get("skipped") or []),
        label=KIND_LABELS.get(found.kind, found.kind),
        refresh=None if found.finished else REFRESH_SECONDS,
    )


def _not_approved(area: Area, ids: list[int]) -> list[tuple[int, str, str]]:
    """Each proposal approve-all left (the first 50): names and why, worked out now.

    The job keeps only numbers (erasing a person leaves nothing of them there); the names and
    the reason are read afresh for the area's coordinator who opens the page.
    """
    rows = []
    for pairing_id in ids[:50]:
        pairing = db.session.get(Pairing, pairing_id)
        if pairing is None or pairing.area_id != area.id:
            rows.append((pairing_id, "", "It no longer exists."))
            continue
        names = f"{pairing.cook.user.display_name} and {pairing.diner.display_name}"
        if pairing.status != PairingStatus.PROPOSED:
            why = f"It is now {pairing.status.value.replace('_', ' ')}."
        else:
            why = vetting.vetting_problem(pairing.cook) or "The diner found a cook meanwhile."
        rows.append((pairing_id, names, why))
    return rows


def _job_or_404(slug: str, job_id: int) -> tuple[Area, Job]:
    """The area in the URL and its job, or 404 (another area's job, or none)."""
    area = area_or_404(slug)
    found = runner.visible_job(current_user, job_id)
    if found is None or found.area_id != area.id:
        abort(404, description="We could not find that job among your areas' jobs.")
    return area, found


@bp.route("/<slug>/jobs/<int:job_id>/file")
@coordinators_only
def job_file(slug: str, job_id: int) -> Response:
    """The file a job made (an export), while it is kept (JOB_FILE_HOURS)."""
    _area, found = _job_or_404(slug, job_id)
    if not found.finished or found.output_data is None:
        abort(404, description="This job has no file to download, or it has been deleted.")
    response = Response(found.output_data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.output_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports/pairings-anonymised", methods=["POST"])
@coordinators_only
@confirmed_post
def prepare_anonymised(slug: str) -> Response:
    """Prepare the anonymised export as a job; its page offers the file when it is ready."""
    area = area_or_404(slug)
    params = {"ip": request.remote_addr} if request.remote_addr else {}
    job = runner.start(kinds.EXPORT_ANONYMISED, area, current_user, params=params)
    return redirect(url_for("coordinator.job", slug=slug, job_id=job.id))

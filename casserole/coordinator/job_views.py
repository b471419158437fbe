"""The console's job pages: a job's progress (refreshing itself, no JavaScript) and result."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.forms_common import confirmed_post
from casserole.jobs import kinds, runner
from casserole.jobs.kinds import KIND_LABELS
from casserole.models import Job
from casserole.models.area import Area

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
        label=KIND_LABELS.get(found.kind, found.kind),
        refresh=None if found.finished else REFRESH_SECONDS,
    )


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

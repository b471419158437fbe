"""The console's job pages: a job's progress (refreshing itself, no JavaScript) and result."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.jobs import runner
from casserole.jobs.kinds import KIND_LABELS

# Seconds between refreshes of a running job's page (<meta http-equiv="refresh">).
REFRESH_SECONDS = 2


@bp.route("/<slug>/jobs/<int:job_id>")
@coordinators_only
def job(slug: str, job_id: int) -> str:
    """One job of the area: a progress bar while it runs, then what it did."""
    area = area_or_404(slug)
    found = runner.visible_job(current_user, job_id)
    if found is None or found.area_id != area.id:
        abort(404, description="We could not find that job among your areas' jobs.")
    return render_template(
        "coordinator/job.html",
        area=area,
        job=found,
        label=KIND_LABELS.get(found.kind, found.kind),
        refresh=None if found.finished else REFRESH_SECONDS,
    )

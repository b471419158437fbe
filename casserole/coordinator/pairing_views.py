"""Console views for the waiting list, matching, proposals and the pairing monitor."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.forms import ApproveForm, DeclineProposalForm
from casserole.formatting import plural
from casserole.forms_common import ConfirmForm, confirmed_post
from casserole.params import query_page
from casserole.services import matching_runs
from casserole.services import pairings as pairing_service
from casserole.services.coordinator import monitor as monitor_service
from casserole.services.coordinator import proposals as proposal_service
from casserole.services.coordinator import waiting as waiting_service
from casserole.services.pairings import breaks


@bp.app_context_processor
def break_helpers() -> dict[str, Any]:
    """Breaks left without a stand-in (console) and a pairing's break in words (home pages)."""
    return {
        "uncovered_breaks": lambda area: breaks.uncovered_breaks(area.id),
        "break_note": breaks.break_note,
    }


@bp.route("/<slug>/waiting")
@coordinators_only
def waiting(slug: str) -> str:
    """Diners without a cook, oldest first, with the matcher's reason and what would help."""
    area = area_or_404(slug)
    page, snap = waiting_service.waiting_list(area, page=query_page())
    return render_template(
        "coordinator/waiting.html", area=area, page=page, snap=snap, form=ConfirmForm()
    )


@bp.route("/<slug>/waiting/reasons", methods=["POST"])
@coordinators_only
@confirmed_post
def refresh_reasons(slug: str) -> Response:
    """Work out every waiting diner's reason again (a matcher dry run)."""
    area = area_or_404(slug)
    try:
        waiting_service.refresh_reasons(area)
    except matching_runs.MatchingBusy as busy:
        flash(busy.message, "error")
        return redirect(url_for("coordinator.waiting", slug=slug))
    flash("The reasons are up to date.", "success")
    return redirect(url_for("coordinator.waiting", slug=slug))


@bp.route("/<slug>/proposals")
@coordinators_only
def proposals(slug: str) -> str:
    """Proposals to review before they go out; run the matcher from here."""
    area = area_or_404(slug)
    page = proposal_service.proposals(area, page=query_page())
    return render_template(
        "coordinator/proposals.html",
        area=area,
        page=page,
        form=ApproveForm(),
        run_form=ConfirmForm(),
    )


@bp.route("/<slug>/matching", methods=["POST"])
@coordinators_only
@confirmed_post
def run_matching(slug: str) -> Response:
    """Run the matcher for the area; its proposals wait here for approval."""
    area = area_or_404(slug)
    try:
        made = pairing_service.propose_for_area(
            area.id, current_user, client_address=request.remote_addr
        )
    except matching_runs.MatchingBusy as busy:
        flash(busy.message, "error")
        return redirect(url_for("coordinator.proposals", slug=slug))
    flash(
        f"The matcher proposed {plural(len(made), 'new pair')}."
        + (
            " They went straight to the cooks (this area approves automatically)."
            if area.auto_approve
            else " Review them below."
        ),
        "success",
    )
    return redirect(url_for("coordinator.proposals", slug=slug))


@bp.route("/<slug>/proposals/approve", methods=["POST"])
@coordinators_only
def approve(slug: str) -> Any:
    """Approve the ticked proposals, or all of them; each one that cannot go says why."""
    area = area_or_404(slug)
    form = ApproveForm()
    if not form.validate_on_submit():
        page = proposal_service.proposals(area, page=1)
        return render_template(
            "coordinator/proposals.html", area=area, page=page, form=form, run_form=ConfirmForm()
        ), 422
    ids = (
        proposal_service.open_proposal_ids(area)
        if form.approve_all.data
        else (form.pairing_id.data or [])
    )
    result = proposal_service.approve_proposals(area, ids, current_user, request.remote_addr)
    if result.approved:
        flash(
            f"Approved {plural(result.approved, 'proposal')}. We have asked the cooks.",
            "success",
        )
    for problem in result.problems:
        flash(problem, "error")
    return redirect(url_for("coordinator.proposals", slug=slug))


@bp.route("/<slug>/proposals/<int:proposal_id>/decline", methods=["GET", "POST"])
@coordinators_only
def decline_proposal(slug: str, proposal_id: int) -> Any:
    """Turn one proposal down from the list, with a reason; the diner keeps waiting."""
    area = area_or_404(slug)
    row = proposal_service.proposal_row(area, proposal_id)
    if row is None:
        if proposal_service.is_in_area(area, proposal_id):
            abort(409, description="That pair is no longer waiting for your approval.")
        abort(404, description="We could not find that proposal in this area.")
    form = DeclineProposalForm()
    if form.validate_on_submit():
        try:
            pairing_service.decline(
                proposal_id, current_user, form.reason_text(), client_address=request.remote_addr
            )
        except pairing_service.PairingError as err:
            abort(err.status, description=err.message)
        flash(
            f"You turned down {row.cook_name} for {row.diner_name}. "
            f"{row.diner_name} stays on the waiting list and this pair will not be proposed again.",
            "success",
        )
        return redirect(url_for("coordinator.proposals", slug=slug))
    page = render_template("coordinator/decline_proposal.html", area=area, row=row, form=form)
    return page, 422 if form.errors else 200


@bp.route("/<slug>/pairings")
@coordinators_only
def monitor(slug: str) -> str:
    """Active, paused, at-risk and ended pairings, with their rhythm."""
    area = area_or_404(slug)
    view = request.args.get("view", "live")
    if view not in monitor_service.MONITOR_VIEWS:
        abort(400, description="Choose one of the lists shown on the pairings page.")
    board = monitor_service.monitor(area, view=view, page=query_page())
    return render_template(
        "coordinator/monitor.html", area=area, board=board, views=monitor_service.MONITOR_VIEWS
    )

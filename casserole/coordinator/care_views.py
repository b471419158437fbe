"""Casework views for care: handing a diner to a new carer, suspending and reinstating a cook."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.casework_forms import HandOverForm, SuspensionForm
from casserole.coordinator.referral_views import diner_or_404, put_errors, referral_page
from casserole.models import Area, CookProfile
from casserole.services.accounts import FieldError
from casserole.services.casework import care
from casserole.services.coordinator import scope


@bp.route("/<slug>/diners/<int:diner_id>/carer", methods=["POST"])
@coordinators_only
def hand_to_carer(slug: str, diner_id: int) -> Any:
    """Hand a diner to a carer: they become the diner's contact person again."""
    area = area_or_404(slug)
    diner = diner_or_404(area, diner_id)
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            care.hand_to_carer(
                area,
                diner,
                form.carer_email.data,
                form.relationship.data,
                current_user,
                client_address=request.remote_addr,
            )
        except FieldError as err:
            put_errors(form, err)
        else:
            flash(
                f"{diner.display_name} is now looked after by {diner.carer.display_name}.",
                "success",
            )
            return redirect(url_for("coordinator.diner_referral", slug=slug, diner_id=diner_id))
    return referral_page(area, diner, hand_form=form), 422


def _cook_or_404(area: Area, cook_id: int) -> CookProfile:
    cook = scope.cook_in(area, cook_id)
    if cook is None:
        abort(404, description="We could not find that cook in this area.")
    return cook


def _suspension(slug: str, cook_id: int, run: Any, done: str) -> Any:
    area = area_or_404(slug)
    cook = _cook_or_404(area, cook_id)
    form = SuspensionForm()
    if form.validate_on_submit():
        try:
            run(area, cook, form.reason.data, current_user, client_address=request.remote_addr)
        except care.CareConflict as err:
            abort(409, description=str(err))
        except FieldError as err:
            put_errors(form, err)
        else:
            flash(done, "success")
            return redirect(url_for("coordinator.cook", slug=slug, cook_id=cook_id))
    return render_template(
        "coordinator/suspension.html", area=area, cook=cook, failed_suspension=form
    ), 422


@bp.route("/<slug>/cooks/<int:cook_id>/suspend", methods=["POST"])
@coordinators_only
def suspend_cook(slug: str, cook_id: int) -> Any:
    """Suspend a cook: no new proposals, live pairings paused with notice to both sides."""
    return _suspension(
        slug, cook_id, care.suspend_cook, "The cook is suspended; their pairings are paused."
    )


@bp.route("/<slug>/cooks/<int:cook_id>/reinstate", methods=["POST"])
@coordinators_only
def reinstate_cook(slug: str, cook_id: int) -> Any:
    """Lift a cook's suspension; paused pairings are restarted one by one from their pages."""
    return _suspension(
        slug, cook_id, care.reinstate_cook, "The suspension is lifted. Restart each pairing."
    )

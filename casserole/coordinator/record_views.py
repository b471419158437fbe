"""Record pages (one diner or carer of the area) and the search that finds them.

A cook's record lives with their checks in routes.py.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.forms import ByHandForm, DinerNeedsForm
from casserole.formatting import day_list, km_to_miles, miles, miles_to_km
from casserole.forms_common import show_errors
from casserole.services import pairings, profiles
from casserole.services.accounts import FieldError
from casserole.services.coordinator import by_hand, records, scope
from casserole.services.coordinator import search as people_search


@bp.route("/<slug>/diners/<int:diner_id>")
@coordinators_only
def diner(slug: str, diner_id: int) -> str:
    """One diner's record: contact, needs, days, waiting, pairings (the view is audited)."""
    area = area_or_404(slug)
    record = records.diner_record(area, diner_id, current_user, request.remote_addr)
    if record is None:
        abort(404, description="We could not find that diner in this area.")
    return render_template(
        "coordinator/diner.html",
        area=area,
        record=record,
        log_subject=record.diner,
        days=day_list(record.diner.days) or "No days chosen",
        reach=miles(record.diner.max_km),
    )


@bp.route("/<slug>/diners/<int:diner_id>/needs", methods=["GET", "POST"])
@coordinators_only
def diner_needs(slug: str, diner_id: int) -> Any:
    """Change a diner's allergens, the note for anything else, and how far a cook may come."""
    area = area_or_404(slug)
    diner = records.diner_in(area, diner_id)
    if diner is None:
        abort(404, description="We could not find that diner in this area.")
    form = DinerNeedsForm()
    if not form.is_submitted():
        form = DinerNeedsForm(
            data={
                "allergens": sorted(diner.allergens),
                "allergies": diner.allergies,
                "radius_miles": round(km_to_miles(diner.max_km), 1),
            }
        )
    elif form.validate():
        miles_value = form.radius_miles.data
        try:
            profiles.change_needs(
                diner,
                set(form.allergens.data or []),
                form.allergies.data or "",
                miles_to_km(miles_value) if miles_value is not None else None,
                current_user,
                request.remote_addr,
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(f"{diner.first_name}'s allergies and distance are saved.", "success")
            return redirect(url_for("coordinator.diner", slug=area.slug, diner_id=diner.id))
    return render_template("coordinator/diner_needs.html", area=area, diner=diner, form=form), (
        422 if form.errors else 200
    )


@bp.route("/<slug>/carers/<int:carer_id>")
@coordinators_only
def carer(slug: str, carer_id: int) -> str:
    """One carer's record: how to reach them and the diners they look after in this area."""
    area = area_or_404(slug)
    found = records.carer_record(area, carer_id)
    if found is None:
        abort(404, description="We could not find that carer in this area.")
    carer, diners = found
    return render_template(
        "coordinator/carer.html", area=area, carer=carer, diners=diners, log_subject=carer
    )


@bp.route("/<slug>/search")
@coordinators_only
def search(slug: str) -> tuple[str, int]:
    """Find a diner, cook or carer in any of the coordinator's areas; a plain GET form."""
    area = area_or_404(slug)
    query = request.args.get("q", "").strip()[: people_search.MAX_LENGTH]
    results, error = None, None
    if query:
        try:
            results = people_search.search(scope.areas_for(current_user), query)
        except people_search.SearchError as err:
            error = str(err)
    return (
        render_template(
            "coordinator/search.html", area=area, query=query, results=results, error=error
        ),
        400 if error else 200,
    )


@bp.route("/<slug>/diners/<int:diner_id>/pair", methods=["GET", "POST"])
@coordinators_only
def pair_by_hand(slug: str, diner_id: int) -> Any:
    """Pair a diner with a listed cook or any cook by number; outside the rules needs a reason."""
    area = area_or_404(slug)
    diner = records.diner_in(area, diner_id)
    if diner is None:
        abort(404, description="We could not find that diner in this area.")
    form = ByHandForm()
    checks = None
    barred = by_hand.never_paired(diner)
    if form.validate_on_submit():
        try:
            pairing = pairings.propose_by_hand(
                current_user,
                form.chosen_cook,
                diner.id,
                form.override_reason.data,
                client_address=request.remote_addr,
            )
        except pairings.ConstraintsBroken as err:
            checks = err.checks
            form.override_reason.errors = [
                *form.override_reason.errors,
                "This pair cannot be proposed."
                if checks.blocking
                else "This pair breaks the rules listed; say why to pair them anyway.",
            ]
        except pairings.PairingError as err:
            # Next to whichever way the cook was chosen: the list, or the typed number.
            target = form.cook_number if form.cook_number.data else form.cook_id
            target.errors = [*target.errors, err.message]
        else:
            flash("Pairing proposed. We have asked the cook.", "success")
            return redirect(url_for("pairings.show", pairing_id=pairing.id))
    return render_template(
        "coordinator/pair_by_hand.html",
        area=area,
        diner=diner,
        options=None if barred else by_hand.cook_options(diner),
        form=form,
        checks=checks,
        barred=barred,
    ), (422 if form.errors else 200)

"""Coordinators' pairing views: approving a proposal; the old by-hand and matching addresses."""

from __future__ import annotations

import click
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from casserole.access import roles_required
from casserole.formatting import plural
from casserole.forms_common import confirmed_post
from casserole.models import Role
from casserole.pairings.blueprint import bp, refusals
from casserole.params import query_int
from casserole.services import pairings
from casserole.services.coordinator import scope


@bp.route("/<int:pairing_id>/approve", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
@refusals
@confirmed_post
def approve(pairing_id: int) -> Response:
    """A coordinator approves a proposal."""
    pairings.approve(pairing_id, current_user, client_address=request.remote_addr)
    flash("Approved. We have asked the cook.", "success")
    return redirect(url_for("pairings.show", pairing_id=pairing_id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def propose_by_hand() -> Response:
    """Retired: pairing by hand starts from the diner's record in the console now.

    An old link naming a diner goes straight to pairing them by hand; anything else to the
    console, where the waiting list and the search find the diner. Nothing is ever paired
    here, whatever an old form posts.
    """
    diner_id = query_int("diner_id", minimum=1)
    area = scope.diner_area(current_user, diner_id) if diner_id is not None else None
    if area is not None:
        return redirect(
            url_for("coordinator.pair_by_hand", slug=area.slug, diner_id=diner_id), code=303
        )
    flash(
        "Pairing by hand now starts from the diner: find them on the waiting list or with "
        "the search, then choose “Pair by hand” (a cook outside the rules needs a reason).",
        "info",
    )
    areas = scope.areas_for(current_user)
    if len(areas) == 1:
        return redirect(url_for("coordinator.waiting", slug=areas[0].slug), code=303)
    return redirect(url_for("coordinator.index"), code=303)


@bp.route("/areas/<int:area_id>/match", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def match_area(area_id: int) -> Response:
    """Retired: matching runs as a job from the console's matching page; nothing runs here."""
    area = scope.area_with_id(current_user, area_id)
    if area is None:
        abort(404, description="We could not find that area among yours.")
    flash(f"Matching runs from this page now: press “Run matching for {area.name}”.", "info")
    return redirect(url_for("coordinator.proposals", slug=area.slug), code=303)


@bp.cli.command("remind-at-risk")
def remind_at_risk_command() -> None:
    """E-mail both sides of pairings whose meals have stopped (once per quiet spell)."""
    count = pairings.remind_at_risk()
    click.echo(f"Reminded {plural(count, 'pairing')}.")

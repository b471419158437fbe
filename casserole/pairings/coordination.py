"""Coordinators' pairing views: approving a proposal, pairing by hand, running the matcher."""

from __future__ import annotations

from typing import Any

import click
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from casserole.access import roles_required
from casserole.formatting import plural
from casserole.forms_common import confirmed_post
from casserole.models import Role
from casserole.pairings.blueprint import bp, refusals
from casserole.pairings.forms import HandPairForm
from casserole.params import query_int
from casserole.services import pairings


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
def propose_by_hand() -> Any:
    """A coordinator pairs a cook and a diner by hand (rules checked; override with a reason)."""
    form = HandPairForm()
    if not form.is_submitted():
        form.process(data=_prefill())
    checks = None
    if form.validate_on_submit():
        try:
            pairing = pairings.propose_by_hand(
                current_user,
                form.cook_id.data,
                form.diner_id.data,
                form.override_reason.data,
                client_address=request.remote_addr,
            )
        except pairings.ConstraintsBroken as err:
            checks = err.checks
            form.override_reason.errors = [
                *form.override_reason.errors,
                "This pair cannot be proposed."
                if checks.blocking
                else "This pair breaks the rules above; give a reason to pair them anyway.",
            ]
        except pairings.PairingError as err:
            target = getattr(form, err.field or "", None) or form.cook_id
            target.errors = [*target.errors, err.message]
        else:
            flash("Pairing proposed. We have asked the cook.", "success")
            return redirect(url_for("pairings.show", pairing_id=pairing.id))
    return render_template("pairings/new.html", form=form, checks=checks), (
        422 if form.errors else 200
    )


def _prefill() -> dict[str, Any]:
    """Cook and diner numbers passed in the link from the coordinator console."""
    found = {"cook_id": query_int("cook_id"), "diner_id": query_int("diner_id")}
    return {key: value for key, value in found.items() if value is not None}


@bp.route("/areas/<int:area_id>/match", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
@refusals
@confirmed_post
def match_area(area_id: int) -> Response:
    """Run the matcher for an area and store its proposals."""
    proposals = pairings.propose_for_area(area_id, current_user, client_address=request.remote_addr)
    flash(f"The matcher proposed {plural(len(proposals), 'new pair')}.", "success")
    return redirect(url_for("pairings.index"))


@bp.cli.command("remind-at-risk")
def remind_at_risk_command() -> None:
    """E-mail both sides of pairings whose meals have stopped (once per quiet spell)."""
    count = pairings.remind_at_risk()
    click.echo(f"Reminded {plural(count, 'pairing')}.")

"""Coordinator console views: every URL names an area the coordinator must be assigned to.

The views are split by concern (this module: the areas and vetting; pairing_views: waiting
list, matching, proposals and monitor; report_views: figures, map and exports); importing
this module registers them all on `bp`.
"""

from __future__ import annotations

from typing import Any

import click
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.forms import CheckForm
from casserole.formatting import day_list, miles, plural
from casserole.models import Area, CheckKind
from casserole.params import query_page
from casserole.services import vetting
from casserole.services.coordinator import messages, records, scope
from casserole.services.pairings import breaks

__all__ = ["bp"]


@bp.route("/")
@coordinators_only
def index() -> Any:
    """The areas this coordinator looks after; straight to the area when there is one."""
    areas = scope.areas_for(current_user)
    if len(areas) == 1:
        return redirect(url_for("coordinator.area", slug=areas[0].slug))
    return render_template("coordinator/index.html", areas=areas)


@bp.route("/<slug>/")
@coordinators_only
def area(slug: str) -> str:
    """An area's console: headline counts and the tasks."""
    area = area_or_404(slug)
    from casserole.services.coordinator.monitor import lapsed_count
    from casserole.services.dashboard import area_summaries

    return render_template(
        "coordinator/area.html",
        area=area,
        summary=area_summaries([area])[0],
        lapsed=lapsed_count(area),
        messages_waiting=messages.waiting(area),
    )


@bp.route("/<slug>/vetting")
@coordinators_only
def vetting_queue(slug: str) -> str:
    """Cooks whose checks are missing, expired or expire within 30 days (or every cook)."""
    area = area_or_404(slug)
    show = request.args.get("show", "attention")
    if show not in ("attention", "all"):
        abort(400, description="Show either the cooks needing attention or all cooks.")
    page = vetting.queue(area, show=show, page=query_page())
    return render_template(
        "coordinator/vetting.html",
        area=area,
        page=page,
        show=show,
        labels=vetting.CHECK_LABELS,
        warning_days=vetting.EXPIRY_WARNING_DAYS,
    )


def _cook_page(area: Area, cook_id: int, form: CheckForm, status: int = 200) -> tuple[str, int]:
    cook = scope.cook_in(area, cook_id)
    if cook is None:
        abort(404, description="We could not find that cook in this area.")
    return (
        render_template(
            "coordinator/cook.html",
            area=area,
            cook=cook,
            position=vetting.cook_vetting(cook),
            history=sorted(cook.checks, key=lambda c: (c.checked_on, c.id), reverse=True),
            form=form,
            labels=vetting.CHECK_LABELS,
            pairings=records.cook_pairings(cook),
            breaks=breaks.breaks_of(cook),
            recent_break_days=breaks.RECENT_BREAK_DAYS,
            skills=records.cook_skills(cook),
            days=day_list(cook.days) or "No days chosen",
            reach=miles(cook.max_km),
            log_subject=cook,
        ),
        status,
    )


@bp.route("/<slug>/cooks/<int:cook_id>")
@coordinators_only
def cook(slug: str, cook_id: int) -> tuple[str, int]:
    """One cook's record: contact, days, reach, pairings, breaks, checks, a form to record one."""
    return _cook_page(area_or_404(slug), cook_id, CheckForm())


@bp.route("/<slug>/cooks/<int:cook_id>/checks", methods=["POST"])
@coordinators_only
def record_check(slug: str, cook_id: int) -> Any:
    """Record a check; mistakes are explained next to the field."""
    area = area_or_404(slug)
    cook = scope.cook_in(area, cook_id)
    if cook is None:
        abort(404, description="We could not find that cook in this area.")
    form = CheckForm()
    if form.validate_on_submit():
        try:
            vetting.record_check(
                cook,
                CheckKind(form.kind.data),
                form.checked_on.data,
                form.expires_on.data,
                form.reference.data or "",
                current_user,
                client_address=request.remote_addr,
            )
        except vetting.VettingError as err:
            field = getattr(form, err.field_name)
            field.errors = [*field.errors, str(err)]
        else:
            flash(f"{vetting.CHECK_LABELS[CheckKind(form.kind.data)]} recorded.", "success")
            return redirect(url_for("coordinator.cook", slug=slug, cook_id=cook_id))
    return _cook_page(area, cook_id, form, 422)


@bp.cli.command("notify-expired-checks")
def notify_expired_checks() -> None:
    """E-mail cooks whose vetting check has expired (once per check); run it daily."""
    count = vetting.notify_expired()
    click.echo(f"Told {plural(count, 'cook')} about an expired check.")


# Registers the other views on bp (imported last: they import bp from blueprint).
from casserole.coordinator import (  # noqa: E402, F401
    care_views,
    casework_views,
    job_views,
    message_views,
    pairing_views,
    record_views,
    referral_views,
    report_views,
    welfare_views,
)

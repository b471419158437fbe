"""Coordinator console views: every URL names an area the coordinator must be assigned to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from casserole.access import roles_required
from casserole.coordinator.forms import (
    ApproveForm,
    CheckForm,
    MealCostForm,
    PeriodForm,
)
from casserole.forms_common import ConfirmForm
from casserole.models import Area, CheckKind, Role
from casserole.params import query_page
from casserole.services import console, exports, figures, vetting
from casserole.services import pairings as pairing_service

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
coordinators_only = roles_required(Role.COORDINATOR, Role.ADMIN)


def _area(slug: str) -> Area:
    """The area in the URL, or 404 when it does not exist or is not the coordinator's."""
    area = console.area_for(current_user, slug)
    if area is None:
        abort(404, description="We could not find that area among yours.")
    return area


def _page() -> int:
    """The page number asked for (1 when missing); nonsense is a 400 that says why."""
    return query_page()


@bp.route("/")
@coordinators_only
def index() -> Any:
    """The areas this coordinator looks after; straight to the area when there is one."""
    areas = console.areas_for(current_user)
    if len(areas) == 1:
        return redirect(url_for("coordinator.area", slug=areas[0].slug))
    return render_template("coordinator/index.html", areas=areas)


@bp.route("/<slug>/")
@coordinators_only
def area(slug: str) -> str:
    """An area's console: headline counts and the tasks."""
    area = _area(slug)
    from casserole.services.dashboard import area_summaries

    return render_template("coordinator/area.html", area=area, summary=area_summaries([area])[0])


# ---------------------------------------------------------------- vetting


@bp.route("/<slug>/vetting")
@coordinators_only
def vetting_queue(slug: str) -> str:
    """Cooks whose checks are missing, expired or expire within 30 days (or every cook)."""
    area = _area(slug)
    show = request.args.get("show", "attention")
    if show not in ("attention", "all"):
        abort(400, description="Show either the cooks needing attention or all cooks.")
    page = vetting.queue(area, show=show, page=_page())
    return render_template("coordinator/vetting.html", area=area, page=page)


def _cook_page(area: Area, cook_id: int, form: CheckForm, status: int = 200) -> tuple[str, int]:
    cook = console.cook_in(area, cook_id)
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
        ),
        status,
    )


@bp.route("/<slug>/cooks/<int:cook_id>")
@coordinators_only
def cook(slug: str, cook_id: int) -> tuple[str, int]:
    """One cook's checks, their history, and a form to record a new check."""
    return _cook_page(_area(slug), cook_id, CheckForm())


@bp.route("/<slug>/cooks/<int:cook_id>/checks", methods=["POST"])
@coordinators_only
def record_check(slug: str, cook_id: int) -> Any:
    """Record a check; mistakes are explained next to the field."""
    area = _area(slug)
    cook = console.cook_in(area, cook_id)
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
    click.echo(f"Told {count} {'cook' if count == 1 else 'cooks'} about an expired check.")


# ---------------------------------------------------------------- waiting list and matching


@bp.route("/<slug>/waiting")
@coordinators_only
def waiting(slug: str) -> str:
    """Diners without a cook, oldest first, with the matcher's reason and what would help."""
    area = _area(slug)
    page, snap = console.waiting_list(area, page=_page())
    return render_template(
        "coordinator/waiting.html", area=area, page=page, snap=snap, form=ConfirmForm()
    )


@bp.route("/<slug>/waiting/reasons", methods=["POST"])
@coordinators_only
def refresh_reasons(slug: str) -> Response:
    """Work out every waiting diner's reason again (a matcher dry run)."""
    area = _area(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form was incomplete; please try again.")
    console.refresh_reasons(area)
    flash("The reasons are up to date.", "success")
    return redirect(url_for("coordinator.waiting", slug=slug))


@bp.route("/<slug>/proposals")
@coordinators_only
def proposals(slug: str) -> str:
    """Proposals to review before they go out; run the matcher from here."""
    area = _area(slug)
    page = console.proposals(area, page=_page())
    return render_template(
        "coordinator/proposals.html",
        area=area,
        page=page,
        form=ApproveForm(),
        run_form=ConfirmForm(),
    )


@bp.route("/<slug>/matching", methods=["POST"])
@coordinators_only
def run_matching(slug: str) -> Response:
    """Run the matcher for the area; its proposals wait here for approval."""
    area = _area(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The form was incomplete; please try again.")
    made = pairing_service.propose_for_area(area.id, current_user)
    flash(
        f"The matcher proposed {len(made)} new {'pair' if len(made) == 1 else 'pairs'}."
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
    area = _area(slug)
    form = ApproveForm()
    if not form.validate_on_submit():
        page = console.proposals(area, page=1)
        return render_template(
            "coordinator/proposals.html", area=area, page=page, form=form, run_form=ConfirmForm()
        ), 422
    ids = console.open_proposal_ids(area) if form.approve_all.data else (form.pairing_id.data or [])
    result = console.approve_proposals(area, ids, current_user)
    if result.approved:
        flash(
            f"Approved {result.approved} {'proposal' if result.approved == 1 else 'proposals'}. "
            "We have asked the cooks.",
            "success",
        )
    for problem in result.problems:
        flash(problem, "error")
    return redirect(url_for("coordinator.proposals", slug=slug))


# ---------------------------------------------------------------- monitor and figures


@bp.route("/<slug>/pairings")
@coordinators_only
def monitor(slug: str) -> str:
    """Active, paused, at-risk and ended pairings, with their rhythm."""
    area = _area(slug)
    view = request.args.get("view", "live")
    if view not in console.MONITOR_VIEWS:
        abort(400, description="Choose one of the lists shown on the pairings page.")
    board = console.monitor(area, view=view, page=_page())
    return render_template(
        "coordinator/monitor.html", area=area, board=board, views=console.MONITOR_VIEWS
    )


def _figures_page(area: Area, form: PeriodForm, cost_form: MealCostForm) -> tuple[str, int]:
    if request.args and not form.validate():
        return render_template(
            "coordinator/figures.html", area=area, form=form, cost_form=cost_form, fig=None
        ), 422
    choice = form.period.data or "12m"
    if choice == "custom":
        period = figures.Period(form.start.data, form.end.data)
    else:
        period = figures.months_back(figures.PERIODS[choice])
    fig = figures.compute(area, period)
    return (
        render_template(
            "coordinator/figures.html",
            area=area,
            form=form,
            cost_form=cost_form,
            fig=fig,
            km_chart=figures.survival_chart(fig.curve),
            meals_chart=figures.meals_chart(fig.months),
        ),
        422 if cost_form.errors else 200,
    )


@bp.route("/<slug>/figures", methods=["GET", "POST"])
@coordinators_only
def area_figures(slug: str) -> Any:
    """The area's figures for a period; its form (POST) changes the cost of one meal."""
    area = _area(slug)
    if request.method == "GET":
        cost_form = MealCostForm(meal_cost=Decimal(area.meal_cost_pence) / 100)
        return _figures_page(area, PeriodForm(request.args), cost_form)
    cost_form = MealCostForm()
    if not cost_form.validate_on_submit():
        return _figures_page(area, PeriodForm(request.args), cost_form)
    figures.set_meal_cost(area, int(cost_form.meal_cost.data * 100), current_user)
    flash(f"A council meal now counts as £{cost_form.meal_cost.data:.2f}.", "success")
    return redirect(url_for("coordinator.area_figures", slug=slug))


# ---------------------------------------------------------------- map and exports


@bp.route("/<slug>/map")
@coordinators_only
def area_map(slug: str) -> str:
    """The map of cooks, diners and pairings, with a district list that needs no script."""
    area = _area(slug)
    return render_template(
        "coordinator/map.html",
        area=area,
        districts=console.district_list(area),
        tile_url=current_app.config.get("MAP_TILE_URL", ""),
        tile_attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
    )


@bp.route("/<slug>/map.json")
@coordinators_only
def map_json(slug: str) -> Response:
    """The map's points (coordinators of the area only)."""
    response = jsonify(console.map_data(_area(slug)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports")
@coordinators_only
def exports_page(slug: str) -> str:
    """The CSV exports on offer."""
    return render_template("coordinator/exports.html", area=_area(slug))


def _csv_response(chunks: Any, name: str) -> Response:
    response = Response(chunks, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports/pairings-anonymised.csv")
@coordinators_only
def export_anonymised(slug: str) -> Response:
    """Pairings without names, addresses or exact places: districts only."""
    area = _area(slug)
    return _csv_response(
        exports.anonymised_csv(area, current_user), f"{area.slug}-pairings-anonymised.csv"
    )


@bp.route("/<slug>/exports/area-full.csv")
@coordinators_only
def export_full(slug: str) -> Response:
    """Every pairing of the area with names and contacts (personal data: keep it safe)."""
    area = _area(slug)
    return _csv_response(exports.full_csv(area, current_user), f"{area.slug}-full.csv")

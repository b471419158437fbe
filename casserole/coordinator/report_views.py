"""Console views for the area's figures, its map and its CSV exports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import (
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

from casserole.coordinator import charts
from casserole.coordinator.blueprint import area_or_404, bp, coordinators_only
from casserole.coordinator.forms import MealCostForm, PeriodForm
from casserole.models import Area
from casserole.services import exports, people_exports
from casserole.services.casework import feedback as casework_feedback
from casserole.services.cook_ages import cook_age_bands
from casserole.services.coordinator import area_map as map_service
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import PERIODS, Period, last_months


def _figures_page(area: Area, form: PeriodForm, cost_form: MealCostForm) -> tuple[str, int]:
    if request.args and not form.validate():
        return render_template(
            "coordinator/figures.html", area=area, form=form, cost_form=cost_form, fig=None
        ), 422
    choice = form.period.data or "12m"
    if choice == "custom":
        period = Period(form.start.data, form.end.data)
    else:
        period = last_months(PERIODS[choice])
    fig = figures.compute(area, period)
    return (
        render_template(
            "coordinator/figures.html",
            area=area,
            form=form,
            cost_form=cost_form,
            fig=fig,
            km_chart=charts.survival_chart(fig.curve),
            meals_chart=charts.meals_chart(fig.months),
            feedback=casework_feedback.area_summary(area, period),
            cook_ages=cook_age_bands(area),
        ),
        422 if cost_form.errors else 200,
    )


@bp.route("/<slug>/figures", methods=["GET", "POST"])
@coordinators_only
def area_figures(slug: str) -> Any:
    """The area's figures for a period; its form (POST) changes the cost of one meal."""
    area = area_or_404(slug)
    if request.method == "GET":
        cost_form = MealCostForm(meal_cost=Decimal(area.meal_cost_pence) / 100)
        return _figures_page(area, PeriodForm(request.args), cost_form)
    cost_form = MealCostForm()
    if not cost_form.validate_on_submit():
        return _figures_page(area, PeriodForm(request.args), cost_form)
    figures.set_meal_cost(
        area, int(cost_form.meal_cost.data * 100), current_user, request.remote_addr
    )
    flash(f"A council meal now counts as £{cost_form.meal_cost.data:.2f}.", "success")
    return redirect(url_for("coordinator.area_figures", slug=slug))


@bp.route("/<slug>/map")
@coordinators_only
def area_map(slug: str) -> str:
    """The map of cooks, diners and pairings, with a district list that needs no script."""
    area = area_or_404(slug)
    return render_template(
        "coordinator/map.html",
        area=area,
        districts=map_service.district_list(area),
        tile_url=current_app.config.get("MAP_TILE_URL", ""),
        tile_attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
    )


@bp.route("/<slug>/map.json")
@coordinators_only
def map_json(slug: str) -> Response:
    """The map's points (coordinators of the area only)."""
    area = area_or_404(slug)
    data = map_service.map_data(area, current_user, request.remote_addr)
    # Where each point's record lives: the id is appended in the browser.
    data["links"] = {
        "cook": url_for("coordinator.cook", slug=slug, cook_id=0)[:-1],
        "diner": url_for("coordinator.diner", slug=slug, diner_id=0)[:-1],
        "pairing": url_for("pairings.show", pairing_id=0)[:-1],
    }
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports")
@coordinators_only
def exports_page(slug: str) -> str:
    """The CSV exports on offer."""
    return render_template(
        "coordinator/exports.html",
        area=area_or_404(slug),
        people_files=people_exports.PEOPLE_FILES,
    )


def _csv_response(chunks: Any, name: str) -> Response:
    response = Response(chunks, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports/pairings-anonymised.csv")
@coordinators_only
def export_anonymised(slug: str) -> Response:
    """Pairings without names, addresses or exact places: districts only."""
    area = area_or_404(slug)
    return _csv_response(
        exports.anonymised_csv(area, current_user, request.remote_addr),
        f"{area.slug}-pairings-anonymised.csv",
    )


@bp.route("/<slug>/exports/pairings-anonymised-readme.txt")
@coordinators_only
def export_anonymised_readme(slug: str) -> Response:
    """The anonymised export's README: its disclosure rule and data dictionary."""
    response = Response(exports.anonymised_readme(area_or_404(slug)), mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/exports/area-full.csv")
@coordinators_only
def export_full(slug: str) -> Response:
    """Every pairing of the area with names and contacts (personal data: keep it safe)."""
    area = area_or_404(slug)
    return _csv_response(
        exports.full_csv(area, current_user, request.remote_addr), f"{area.slug}-full.csv"
    )


@bp.route("/<slug>/exports/people/<people>.csv")
@coordinators_only
def export_people(slug: str, people: str) -> Response:
    """One list of the area's people (waiting diners, cooks not paired, carers, vetting)."""
    area = area_or_404(slug)
    chunks = people_exports.people_csv(area, people, current_user, request.remote_addr)
    if chunks is None:
        abort(404, description="There is no such export.")
    return _csv_response(chunks, f"{area.slug}-{people}.csv")

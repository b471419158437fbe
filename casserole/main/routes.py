"""Home page: a welcome for visitors, a dashboard for each role."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from casserole import clock
from casserole.services import dashboard
from casserole.services.meal_plan import meal_plan, printable_diner

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> str:
    """Welcome visitors; show people their own dashboard."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", areas=dashboard.live_areas())
    return render_template("main/dashboard.html", board=dashboard.for_user(current_user))


@bp.route("/about/data")
def data_sources() -> str:
    """Where our data comes from and its licences."""
    return render_template("main/data_sources.html")


@bp.route("/my-meals")
@bp.route("/my-meals/<int:diner_id>")
@login_required
def my_meals(diner_id: int | None = None) -> str:
    """A printable page for a diner and their carer: the cook, the days, what to do."""
    diner = printable_diner(current_user, diner_id)
    if diner is None:
        abort(404)
    return render_template("main/my_meals.html", plan=meal_plan(diner, clock.today()))

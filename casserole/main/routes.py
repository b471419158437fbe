"""Home page: a welcome for visitors, a dashboard for each role."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from casserole.extensions import db
from casserole.models import DinerProfile
from casserole.services import dashboard
from casserole.services.meal_plan import meal_plan

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
    condition = (
        or_(DinerProfile.user_id == current_user.id, DinerProfile.carer_id == current_user.id)
        if diner_id is not None
        else DinerProfile.user_id == current_user.id
    )
    query = select(DinerProfile).where(condition, DinerProfile.erased_at.is_(None))
    if diner_id is not None:
        query = query.where(DinerProfile.id == diner_id)
    diner = db.session.scalar(query.order_by(DinerProfile.id).limit(1))
    if diner is None:
        abort(404)
    return render_template("main/my_meals.html", plan=meal_plan(diner, date.today()))

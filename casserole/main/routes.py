"""Home page: a welcome for visitors, a dashboard for each role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from casserole.services import dashboard

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

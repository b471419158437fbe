"""Login and logout views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from casserole.auth.forms import LoginForm
from casserole.services.accounts import authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site, so a link cannot bounce users away."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the login form and log the person in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [*form.password.errors, "That e-mail and password do not match."]
        else:
            login_user(user, remember=bool(form.remember.data))
            flash(f"Welcome back, {user.first_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Log out (POST only, so a link or image cannot log someone out)."""
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("main.index"))

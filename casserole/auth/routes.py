"""Login, logout, password reset and e-mail change views."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from casserole.auth.forms import (
    ConfirmForm,
    EmailChangeForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from casserole.forms_common import show_errors
from casserole.models import Role
from casserole.ratelimits import login_limits, remember_device, reset_limits, signup_limits
from casserole.services import accounts
from casserole.services.accounts import FieldError, TokenError, authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None, user: Any = None) -> str:
    """Only follow a `next` that stays on this site, so a link cannot bounce users away.

    Without one, a coordinator lands on their console and everyone else on their dashboard.
    """
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    if user is not None and user.role == Role.COORDINATOR:
        return url_for("coordinator.index")
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@login_limits
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
            # The page's language was chosen before login; now the person's own choice counts.
            refresh()
            flash(gettext("Welcome back, %(name)s.", name=user.first_name), "success")
            return remember_device(redirect(_safe_next(request.args.get("next"), user)), user.email)
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Log out everywhere (POST only, so a link or image cannot log someone out)."""
    # A copied session or remember-me cookie must not outlive the logout.
    accounts.end_sessions(current_user)
    logout_user()
    flash(gettext("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
@reset_limits
def request_reset() -> str | Response | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data or "")
        flash(
            gettext(
                "If an account uses %(email)s, we have sent it a link to reset the password. "
                "The link works once, within an hour.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@signup_limits
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password from an e-mailed link; other sessions end."""
    try:
        user = accounts.user_for_reset(token)
    except TokenError as err:
        return render_template("auth/link_problem.html", problem=str(err)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data or "")
        except TokenError as err:
            return render_template("auth/link_problem.html", problem=str(err)), 400
        except FieldError as err:
            show_errors(form, err)
        else:
            login_user(user)
            flash(gettext("Your password has been changed and you are logged in."), "success")
            return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, user=user), status


@bp.route("/email", methods=["GET", "POST"])
@login_required
def change_email() -> str | Response | tuple[str, int]:
    """Ask to move the account to a new address; it changes only once that address confirms."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(
                current_user, form.email.data or "", form.password.data or ""
            )
        except FieldError as err:
            show_errors(form, err)
        else:
            flash(
                gettext(
                    "We have sent a link to %(email)s. Your address changes when you follow it.",
                    email=form.email.data,
                ),
                "info",
            )
            return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/change_email.html", form=form), status


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> str | Response | tuple[str, int]:
    """Confirm a new e-mail address from the link sent to it."""
    try:
        user, new_email = accounts.pending_email_change(token)
    except TokenError as err:
        return render_template("auth/link_problem.html", problem=str(err), kind="email"), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        was_logged_in = current_user.is_authenticated and current_user.id == user.id
        try:
            user = accounts.confirm_email_change(token)
        except TokenError as err:
            return render_template("auth/link_problem.html", problem=str(err), kind="email"), 400
        if was_logged_in:
            # Every other session has ended; this one proved it holds the new address.
            login_user(user)
        flash(gettext("Your e-mail address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/confirm_email.html", form=form, user=user, new_email=new_email)

"""Sign-up views: each validates its form, calls one sign-up service, then renders or redirects."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from casserole.forms_common import show_errors
from casserole.models import User
from casserole.profiles.forms import diner_details
from casserole.ratelimits import signup_limits
from casserole.services import signup, waiting_list
from casserole.services.accounts import FieldError
from casserole.services.waiting_list import Waitlisted
from casserole.signup.forms import AccountForm, CarerSignupForm, CookSignupForm, DinerSignupForm

bp = Blueprint("signup", __name__, url_prefix="/join")

WAITING_KEY = "waiting_list_entry"


def account_from(form: AccountForm) -> signup.Account:
    """The account fields of a sign-up form."""
    return signup.Account(
        first_name=form.first_name.data or "",
        last_name=form.last_name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        phone=form.phone.data or "",
    )


def show_waiting(result: Waitlisted) -> Response:
    """Show the waiting-list page without putting the entry's id in a URL."""
    session[WAITING_KEY] = [
        result.entry.id,
        result.nearest.id if result.nearest else None,
        result.nearest_km,
    ]
    return redirect(url_for("signup.waiting"))


def _rendered(template: str, form: object) -> tuple[str, int]:
    return render_template(template, form=form), 422 if form.errors else 200  # type: ignore[attr-defined]


@bp.route("/")
def start() -> str:
    """Choose how to join: to cook, for meals, or for someone you look after."""
    return render_template("signup/start.html")


def _join(
    form: AccountForm,
    template: str,
    sign_up: Callable[[], User | Waitlisted],
    welcome: str,
    next_endpoint: str,
) -> str | Response | tuple[str, int]:
    """One sign-up page: a valid form calls the service, then logs in or shows the waiting list."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if form.validate_on_submit():
        try:
            result = sign_up()
        except FieldError as err:
            show_errors(form, err)
        else:
            if isinstance(result, Waitlisted):
                return show_waiting(result)
            login_user(result)
            flash(welcome, "success")
            return redirect(url_for(next_endpoint))
    return _rendered(template, form)


@bp.route("/cook", methods=["GET", "POST"])
@signup_limits
def cook() -> str | Response | tuple[str, int]:
    """A volunteer cook signs up; next they fill in their cooking."""
    form = CookSignupForm()
    return _join(
        form,
        "signup/cook.html",
        lambda: signup.sign_up_cook(
            account_from(form), form.postcode.data or "", form.address_line.data or ""
        ),
        "Welcome to Casserole! Now tell us about your cooking.",
        "profiles.cook",
    )


@bp.route("/diner", methods=["GET", "POST"])
@signup_limits
def diner() -> str | Response | tuple[str, int]:
    """Someone signs up for meals themselves."""
    form = DinerSignupForm()
    return _join(
        form,
        "signup/diner.html",
        lambda: signup.sign_up_diner(account_from(form), diner_details(form)),
        "Welcome to Casserole! We will look for a cook near you.",
        "profiles.diner",
    )


@bp.route("/carer", methods=["GET", "POST"])
@signup_limits
def carer() -> str | Response | tuple[str, int]:
    """A carer makes their own account, then adds the people they look after."""
    form = CarerSignupForm()
    return _join(
        form,
        "signup/carer.html",
        lambda: signup.sign_up_carer(account_from(form)),
        "Your account is ready. Now tell us about the person you look after.",
        "profiles.add_diner",
    )


@bp.route("/waiting-list")
def waiting() -> str | Response:
    """We do not run in the person's district yet: they are on its list; the nearest live area."""
    saved = session.get(WAITING_KEY)
    if not saved:
        return redirect(url_for("signup.start"))
    result = waiting_list.waiting_result(*saved)
    if result is None:
        return redirect(url_for("signup.start"))
    return render_template("signup/waiting.html", result=result)

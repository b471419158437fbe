"""Sign-up views: each validates its form, calls one sign-up service, then renders or redirects."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from casserole.forms_common import ConfirmForm, show_errors
from casserole.models import Role, User
from casserole.profiles.forms import diner_details
from casserole.ratelimits import signup_limits
from casserole.services import joining, signup, waiting_list
from casserole.services.accounts import FieldError, TokenError
from casserole.services.waiting_list import Waitlisted
from casserole.signup.forms import AccountForm, CarerSignupForm, CookSignupForm, DinerSignupForm

bp = Blueprint("signup", __name__, url_prefix="/join")

WAITING_KEY = "waiting_list_entry"
CHECK_KEY = "signup_check_email"

# Where each kind of account goes first, and what it is told, once the link is followed.
NEXT_STEP = {
    Role.COOK: ("profiles.cook", _l("Welcome to Casserole! Now tell us about your cooking.")),
    Role.DINER: ("profiles.diner", _l("Welcome to Casserole! We will look for a cook near you.")),
    Role.CARER: (
        "profiles.add_diner",
        _l("Your account is ready. Now tell us about the person you look after."),
    ),
}


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


def joined(result: User | Waitlisted | signup.AlreadyRegistered, email: str) -> Response:
    """The same answer whether or not the address had an account: "check your e-mail"."""
    if isinstance(result, Waitlisted):
        return show_waiting(result)
    if isinstance(result, signup.AlreadyRegistered):
        joining.tell_owner(result.email)
    else:
        joining.send_finish_link(result)
    session[CHECK_KEY] = email.strip()
    return redirect(url_for("signup.check_email"))


def _rendered(template: str, form: object) -> tuple[str, int]:
    return render_template(template, form=form), 422 if form.errors else 200  # type: ignore[attr-defined]


@bp.route("/")
def start() -> str:
    """Choose how to join: to cook, for meals, or for someone you look after."""
    return render_template("signup/start.html")


def _join(
    form: AccountForm,
    template: str,
    sign_up: Callable[[], User | Waitlisted | signup.AlreadyRegistered],
) -> str | Response | tuple[str, int]:
    """One sign-up page: a valid form calls the service, then asks the person to check e-mail."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if form.validate_on_submit():
        try:
            result = sign_up()
        except FieldError as err:
            show_errors(form, err)
        else:
            return joined(result, form.email.data or "")
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
    )


@bp.route("/carer", methods=["GET", "POST"])
@signup_limits
def carer() -> str | Response | tuple[str, int]:
    """A carer makes their own account, then adds the people they look after."""
    form = CarerSignupForm()
    return _join(form, "signup/carer.html", lambda: signup.sign_up_carer(account_from(form)))


@bp.route("/check-email")
def check_email() -> str | Response:
    """After a sign-up: the link to finish joining is in the person's inbox."""
    email = session.get(CHECK_KEY)
    if not email:
        return redirect(url_for("signup.start"))
    return render_template("signup/check_email.html", email=email)


@bp.route("/finish/<token>", methods=["GET", "POST"])
def finish(token: str) -> str | Response | tuple[str, int]:
    """Finish joining from the e-mailed link: confirm the address and log in."""
    try:
        user = joining.user_to_finish(token)
    except TokenError as err:
        return render_template("auth/link_problem.html", problem=str(err)), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = joining.finish(token)
        except TokenError as err:
            return render_template("auth/link_problem.html", problem=str(err)), 400
        login_user(user)
        refresh()
        session.pop(CHECK_KEY, None)
        endpoint, welcome = NEXT_STEP.get(user.role, ("main.index", _l("Welcome to Casserole!")))
        flash(str(welcome), "success")
        return redirect(url_for(endpoint))
    return render_template("signup/finish.html", form=form, user=user)


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

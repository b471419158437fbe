"""Sign-up views: each validates its form, calls one sign-up service, then renders or redirects."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from casserole.forms_common import ConfirmForm, show_errors
from casserole.models import Role, User
from casserole.profiles.forms import contact_way_value, diner_details
from casserole.ratelimits import signup_limits
from casserole.services import joining, signup, waiting_list
from casserole.services.accounts import FieldError, TokenError
from casserole.services.waiting_list import Waitlisted
from casserole.signup.forms import AccountForm, CarerSignupForm, CookSignupForm, DinerSignupForm

bp = Blueprint("signup", __name__, url_prefix="/join")

WAITING_KEY = "waiting_list_entry"
# What someone typed on a form that ended on the waiting list, so "I typed the postcode wrong"
# takes them back to the form filled in. Kept only in their own (signed, HttpOnly) session
# cookie, never stored on the server; passwords and tokens are never kept.
TYPED_KEY = "typed_before_waiting_list"
_NEVER_KEPT = frozenset({"password", "csrf_token", "submit"})
# Browsers drop cookies over 4 KB: beyond this, long free text is left out (and we say so).
_KEEP_AT_MOST = 2500
_LONG_TEXT = 200
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
        preferred_contact=contact_way_value(form),
    )


def _keep_typed() -> None:
    """Remember the posted form (not the password) for the way back from the waiting list."""
    items = [(k, v) for k, v in request.form.items(multi=True) if k not in _NEVER_KEPT]
    trimmed = len(json.dumps(items)) > _KEEP_AT_MOST
    if trimmed:
        items = [(k, v) for k, v in items if len(v) <= _LONG_TEXT]
    session[TYPED_KEY] = {"endpoint": request.endpoint, "items": items, "trimmed": trimmed}


def typed_back(endpoint: str) -> dict[str, Any]:
    """Form arguments that fill `endpoint`'s form with what was typed, after "go back"."""
    kept = session.get(TYPED_KEY)
    if not request.args.get("back") or not kept or kept.get("endpoint") != endpoint:
        return {}
    return {"formdata": MultiDict([tuple(pair) for pair in kept.get("items", [])])}


def show_waiting(result: Waitlisted) -> Response:
    """Show the waiting-list page without putting the entry's id in a URL."""
    _keep_typed()
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
    session.pop(TYPED_KEY, None)
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
    form = CookSignupForm(**typed_back("signup.cook"))
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
    form = DinerSignupForm(**typed_back("signup.diner"))
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
    kept = session.get(TYPED_KEY) or {}
    back = url_for(kept["endpoint"], back=1) if kept.get("endpoint") else None
    return render_template(
        "signup/waiting.html", result=result, back=back, trimmed=kept.get("trimmed", False)
    )

"""Finishing a sign-up from an e-mailed link, so sign-up answers the same whatever the address.

A sign-up never says whether an address already has an account: a new address gets a link
to finish joining (the account exists but nobody is logged in until it is followed), and
an address that already has an account gets a note telling its owner how to log in or
reset the password. Either way the person sees "we have sent you a link".
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casserole.extensions import db
from casserole.i18n import locale_of
from casserole.links import public_url
from casserole.models import User, utcnow
from casserole.services import mail
from casserole.services.input_rules import normalise_email
from casserole.services.tokens import TokenError, fingerprint, load, serializer

FINISH_MAX_AGE_SECONDS = 7 * 24 * 60 * 60
_SALT = "casserole.signup-finish"


def send_finish_link(user: User) -> None:
    """E-mail a new account its link to finish joining (valid for a week, once)."""
    token = serializer(_SALT).dumps({"u": user.id, "e": fingerprint(user.email)})
    mail.queue_email(
        user.email,
        _l("Finish joining Casserole"),
        "signup_finish",
        kind="signup_finish",
        locale=locale_of(user),
        name=user.first_name,
        link=public_url("signup.finish", token=token),
        days=FINISH_MAX_AGE_SECONDS // (24 * 60 * 60),
    )
    db.session.commit()
    mail.dispatch()


def tell_owner(email: str) -> None:
    """Someone tried to join with an address that has an account: tell its owner, not them."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or not user.is_active or user.erased_at is not None:
        return
    mail.queue_email(
        user.email,
        _l("Someone tried to join Casserole with your e-mail address"),
        "signup_already",
        kind="signup_already",
        locale=locale_of(user),
        name=user.first_name,
        login_link=public_url("auth.login"),
        reset_link=public_url("auth.request_reset"),
    )
    db.session.commit()
    mail.dispatch()


def user_to_finish(token: str) -> User:
    """The new account a finish link belongs to; TokenError when used, expired or broken."""
    data = load(token, _SALT, FINISH_MAX_AGE_SECONDS)
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if (
        user is None
        or not user.is_active
        or user.email_confirmed_at is not None
        or data.get("e") != fingerprint(user.email)
    ):
        raise TokenError(
            gettext("This link has already been used. Log in with your e-mail and password.")
        )
    return user


def finish(token: str) -> User:
    """Mark the address as confirmed; the view then logs the person in."""
    user = user_to_finish(token)
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user

"""Accounts: passwords and their rules, login, the user loader, reset and e-mail change links."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from casserole.extensions import db
from casserole.i18n import locale_of
from casserole.links import public_url
from casserole.models import User, utcnow
from casserole.services import mail

# The typing rules live in input_rules; they are part of this module's interface too.
from casserole.services.input_rules import (  # noqa: F401
    COMMON_PASSWORDS,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    name_problem,
    normalise_email,
    normalise_phone,
    password_problem,
    phone_problem,
    text_problem,
    tidy_text,
)
from casserole.services.tokens import TokenError  # noqa: F401 - views catch it from here
from casserole.services.tokens import fingerprint as _fingerprint
from casserole.services.tokens import load as _load
from casserole.services.tokens import serializer as _serializer

# argon2id with OWASP's baseline (19 MiB, 2 passes): memory-hard, and about a quarter of
# the CPU of werkzeug's scrypt default, which matters when a whole city logs in at once.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# The dummy hash keeps login timing even when the e-mail is unknown, so response times do
# not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Work that must not show in a response's timing (who has an account) runs here.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casserole-accounts")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Check a password against an argon2id hash, or an older werkzeug (scrypt) one."""
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    """True for hashes made with older methods or settings; they are upgraded at login."""
    return not stored.startswith("$argon2") or _hasher.check_needs_rehash(stored)


def find_user_by_email(email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose e-mail and password match, else None."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of this account, on every device."""
    # The version is part of get_id(), which Flask-Login keeps in the session and signs
    # into the remember cookie: once it moves on, every copy of either stops working.
    user.session_version += 1
    db.session.commit()


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id must carry the current session version."""
    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def email_taken(email: str, except_user_id: int | None = None) -> bool:
    """True when another account already uses this e-mail address."""
    user = find_user_by_email(email)
    return user is not None and user.id != except_user_id


class FieldError(ValueError):
    """Problems with fields of a form, found by a service: the view shows each by its field."""

    def __init__(
        self, field_name: str = "", message: str = "", *, errors: dict[str, str] | None = None
    ) -> None:
        self.errors = dict(errors or {})
        if field_name:
            self.errors[field_name] = message
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


# --- Password reset and e-mail change by signed, expiring, single-use links -------------

RESET_MAX_AGE_SECONDS = 60 * 60
# An invitation (new coordinator or admin) is the same set-password link, valid for longer.
INVITE_MAX_AGE_SECONDS = 7 * 24 * 60 * 60
_INVITE_SALT = "casserole.invite"
EMAIL_CHANGE_MAX_AGE_SECONDS = 24 * 60 * 60
_RESET_SALT = "casserole.password-reset"
_EMAIL_SALT = "casserole.email-change"


def _reset_fingerprint(user: User) -> str:
    """What a reset link is bound to: a new password or a new e-mail address voids it."""
    return _fingerprint(f"{user.password_hash}\n{normalise_email(user.email)}")


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an active account; say nothing either way.

    The look-up and the e-mail happen off the request (on a background thread), so the
    request does the same work, and takes the same time, whether or not the address has
    an account. MAIL_SEND_SYNC (tests) does it all at once instead.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    address = normalise_email(email)
    if app.config.get("MAIL_SEND_SYNC"):
        _send_reset_link(address)
        return
    _background.submit(_in_context, app, _send_reset_link, address)


def _in_context(app: Flask, job: Callable[[str], None], argument: str) -> None:
    with app.app_context():
        try:
            job(argument)
        except Exception:  # noqa: BLE001 - a background job must log, not vanish
            app.logger.exception("background account job failed")
        finally:
            db.session.remove()


def _send_reset_link(email: str) -> None:
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.erased_at is not None:
        return
    token = _serializer(_RESET_SALT).dumps({"u": user.id, "h": _reset_fingerprint(user)})
    mail.queue_email(
        user.email,
        _l("Reset your Casserole password"),
        "account_password_reset",
        kind="password_reset",
        person_id=user.id,
        locale=locale_of(user),
        name=user.first_name,
        link=public_url("auth.reset_password", token=token),
        minutes=RESET_MAX_AGE_SECONDS // 60,
    )
    db.session.commit()
    mail.dispatch()


def set_password_link(user: User) -> str:
    """A signed single-use link for an invited account to choose its password (7 days)."""
    token = _serializer(_INVITE_SALT).dumps({"u": user.id, "h": _reset_fingerprint(user)})
    return public_url("auth.reset_password", token=token)


def user_for_reset(token: str) -> User:
    """The account a reset link belongs to; TokenError once used (password changed) or expired.

    An invitation's link is accepted too, with its own salt and longer expiry.
    """
    try:
        data = _load(token, _RESET_SALT, RESET_MAX_AGE_SECONDS)
    except TokenError as err:
        try:
            data = _load(token, _INVITE_SALT, INVITE_MAX_AGE_SECONDS)
        except TokenError as invite_err:
            raise (invite_err if "expired" in str(invite_err) else err) from None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("h") != _reset_fingerprint(user):
        raise TokenError(
            gettext("This link has already been used. Ask for a new one if you need it.")
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every other session and old link stops working."""
    user = user_for_reset(token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise FieldError("password", problem)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.commit()
    return user


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed."""
    new_email = normalise_email(new_email)
    if not verify_password(user.password_hash, password):
        raise FieldError("password", gettext("That is not your current password."))
    if new_email == normalise_email(user.email):
        raise FieldError("email", gettext("That is already your e-mail address."))
    if email_taken(new_email, except_user_id=user.id):
        raise FieldError("email", gettext("Another account already uses that e-mail address."))
    token = _serializer(_EMAIL_SALT).dumps(
        {"u": user.id, "e": new_email, "o": _fingerprint(normalise_email(user.email))}
    )
    mail.queue_email(
        new_email,
        _l("Confirm your new e-mail address for Casserole"),
        "account_email_confirm",
        kind="email_change_confirm",
        person_id=user.id,
        locale=locale_of(user),
        name=user.first_name,
        link=public_url("auth.confirm_email", token=token),
        new_email=new_email,
    )
    db.session.commit()
    mail.dispatch()


def pending_email_change(token: str) -> tuple[User, str]:
    """The account and new address a confirmation link carries; TokenError if used or expired."""
    data = _load(token, _EMAIL_SALT, EMAIL_CHANGE_MAX_AGE_SECONDS)
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    new_email = data.get("e")
    if (
        user is None
        or not isinstance(new_email, str)
        or data.get("o") != _fingerprint(normalise_email(user.email))
    ):
        raise TokenError(
            gettext("This link has already been used. Your e-mail address is up to date.")
        )
    return user, new_email


def confirm_email_change(token: str) -> User:
    """Change the address from a confirmation link and tell the old address it happened."""
    user, new_email = pending_email_change(token)
    if email_taken(new_email, except_user_id=user.id):
        raise TokenError(
            gettext("Another account now uses that e-mail address, so we cannot move to it.")
        )
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    # Whoever knew the old address may hold a session or a reset link: end them all.
    user.session_version += 1
    mail.queue_email(
        old_email,
        _l("Your Casserole e-mail address was changed"),
        "account_email_changed",
        kind="email_changed_notice",
        person_id=user.id,
        locale=locale_of(user),
        name=user.first_name,
        new_email=new_email,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TokenError(
            gettext("Another account now uses that e-mail address, so we cannot move to it.")
        ) from None
    mail.dispatch()
    return user

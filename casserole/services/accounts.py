"""Accounts: passwords and their rules, login, the user loader, reset and e-mail change links."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from casserole.extensions import db
from casserole.links import link_to
from casserole.models import User, utcnow
from casserole.services import mail

# argon2id with OWASP's baseline (19 MiB, 2 passes): memory-hard, and about a quarter of
# the CPU of werkzeug's scrypt default, which matters when a whole city logs in at once.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# The dummy hash keeps login timing even when the e-mail is unknown, so response times do
# not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


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


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address for storage and lookup."""
    return email.strip().lower()


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


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id must carry the current session version."""
    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(version):
        return None
    return user


# --- Rules for what people type: names, free text, phone numbers, passwords -------------

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
# Passwords of ten or more characters that appear near the top of public breach lists;
# shorter ones already fail the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0987654321",
        "12345678910",
        "123456789a",
        "1234567890a",
        "123456789012",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "asdfghjkl1",
        "abcdefghij",
        "abcd123456",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "passw0rd123",
        "iloveyou12",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "welcome1234",
        "football123",
        "sunshine12",
        "sunshine123",
        "princess123",
        "monkey12345",
        "dragon12345",
        "superman123",
        "starwars123",
        "administrator",
        "changeme123",
        "trustno1234",
        "liverpool123",
        "chelsea123",
        "arsenal123",
        "casserole123",
        "correcthorsebatterystaple",
    }
)
_NAME_PUNCTUATION = frozenset(" '’-.")
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")
_PHONE_CHARS = frozenset("0123456789 +()-")


def tidy_text(value: str | None) -> str:
    """Trim surrounding space and normalise to NFC, so "Zoë" is stored one way whoever typed it."""
    return unicodedata.normalize("NFC", (value or "").strip())


def name_problem(name: str) -> str | None:
    """Why a person's name cannot be accepted, or None: letters in any script, spaces, ' - ."""
    if not name:
        return "Enter a name."
    for char in name:
        if unicodedata.category(char)[0] in "LM" or char in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(char)[0] == "C":
            return "Names cannot contain control characters."
        return "Names can contain letters, spaces, hyphens and apostrophes only."
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        return "Enter a name with at least one letter."
    return None


def text_problem(text: str) -> str | None:
    """Why free text cannot be accepted (control characters), or None; emoji are welcome."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _TEXT_CONTROLS_ALLOWED:
            return "This contains a control character; please retype it."
    return None


def phone_problem(phone: str) -> str | None:
    """Why a phone number looks wrong, or None: digits with spaces, +, brackets or dashes."""
    if not phone:
        return None
    if any(char not in _PHONE_CHARS for char in phone):
        return "Enter a phone number using digits, spaces and + only, like 020 7946 0000."
    digits = sum(char.isdigit() for char in phone)
    if not 7 <= digits <= 15:
        return "Enter a phone number of 7 to 15 digits, like 020 7946 0000."
    return None


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is too weak, or None: at least 10 characters and not a common one."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters: a few words together work well."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    folded = password.casefold()
    squashed = "".join(folded.split())
    if folded in COMMON_PASSWORDS or squashed in COMMON_PASSWORDS or len(set(folded)) == 1:
        return "That password is too common and easy to guess; choose another."
    if email and folded == normalise_email(email):
        return "Do not use your e-mail address as your password."
    return None


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


class TokenError(ValueError):
    """An e-mailed link that is broken, expired or already used."""


# --- Password reset and e-mail change by signed, expiring, single-use links -------------

RESET_MAX_AGE_SECONDS = 60 * 60
EMAIL_CHANGE_MAX_AGE_SECONDS = 24 * 60 * 60
_RESET_SALT = "casserole.password-reset"
_EMAIL_SALT = "casserole.email-change"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(value: str) -> str:
    """A short digest that changes when `value` does: it makes a link single-use."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _load(token: str, salt: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("This link has expired. Please ask for a new one.") from None
    except BadSignature:
        raise TokenError("This link is not valid. Please ask for a new one.") from None
    if not isinstance(data, dict):
        raise TokenError("This link is not valid. Please ask for a new one.")
    return data


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an active account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.erased_at is not None:
        return
    token = _serializer(_RESET_SALT).dumps({"u": user.id, "h": _fingerprint(user.password_hash)})
    mail.queue_email(
        user.email,
        "Reset your Casserole password",
        "account_password_reset",
        kind="password_reset",
        name=user.first_name,
        link=link_to("auth.reset_password", token=token),
        minutes=RESET_MAX_AGE_SECONDS // 60,
    )
    db.session.commit()
    mail.dispatch()


def user_for_reset(token: str) -> User:
    """The account a reset link belongs to; TokenError once used (password changed) or expired."""
    data = _load(token, _RESET_SALT, RESET_MAX_AGE_SECONDS)
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("h") != _fingerprint(user.password_hash):
        raise TokenError("This link has already been used. Ask for a new one if you need it.")
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
        raise FieldError("password", "That is not your current password.")
    if new_email == normalise_email(user.email):
        raise FieldError("email", "That is already your e-mail address.")
    if email_taken(new_email, except_user_id=user.id):
        raise FieldError("email", "Another account already uses that e-mail address.")
    token = _serializer(_EMAIL_SALT).dumps(
        {"u": user.id, "e": new_email, "o": _fingerprint(normalise_email(user.email))}
    )
    mail.queue_email(
        new_email,
        "Confirm your new e-mail address for Casserole",
        "account_email_confirm",
        kind="email_change_confirm",
        name=user.first_name,
        link=link_to("auth.confirm_email", token=token),
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
        raise TokenError("This link has already been used. Your e-mail address is up to date.")
    return user, new_email


def confirm_email_change(token: str) -> User:
    """Change the address from a confirmation link and tell the old address it happened."""
    user, new_email = pending_email_change(token)
    if email_taken(new_email, except_user_id=user.id):
        raise TokenError("Another account now uses that e-mail address, so we cannot move to it.")
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    mail.queue_email(
        old_email,
        "Your Casserole e-mail address was changed",
        "account_email_changed",
        kind="email_changed_notice",
        name=user.first_name,
        new_email=new_email,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TokenError(
            "Another account now uses that e-mail address, so we cannot move to it."
        ) from None
    mail.dispatch()
    return user

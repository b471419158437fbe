"""Accounts: password hashing, login checks and the Flask-Login user loader."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from casserole.extensions import db
from casserole.models import User, utcnow

# scrypt is memory-hard (werkzeug's default); the dummy hash keeps login timing even
# when the e-mail is unknown, so response times do not reveal who has an account.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    """Hash a password with scrypt."""
    return generate_password_hash(password, method="scrypt")


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
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
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

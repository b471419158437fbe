"""Signed, expiring tokens for e-mailed links (reset, e-mail change, finishing a sign-up)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(ValueError):
    """An e-mailed link that is broken, expired or already used."""


def serializer(salt: str) -> URLSafeTimedSerializer:
    """The signer for one kind of link (the salt keeps kinds apart)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(value: str) -> str:
    """A short digest that changes when `value` does: it makes a link single-use."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def load(token: str, salt: str, max_age: int) -> dict[str, Any]:
    """The data a link carries; TokenError when it is expired, tampered with or malformed."""
    try:
        data = serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(gettext("This link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise TokenError(gettext("This link is not valid. Please ask for a new one.")) from None
    if not isinstance(data, dict):
        raise TokenError(gettext("This link is not valid. Please ask for a new one."))
    return data

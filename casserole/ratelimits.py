"""Rate limits for the doors people knock on: login, sign-up and password reset.

Each limit is a setting (RATELIMIT_LOGIN_IP, ...), so a deployment can tune it; limits
count POSTs only, per address and, where it helps, per account e-mail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address

from casserole.extensions import limiter

DEFAULTS = {
    "RATELIMIT_LOGIN_IP": "30 per minute;300 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "10 per 15 minutes",
    "RATELIMIT_RESET_IP": "10 per hour",
    "RATELIMIT_RESET_ACCOUNT": "3 per hour",
    "RATELIMIT_SIGNUP_IP": "20 per hour",
}


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config.get(name) or DEFAULTS[name]


def _account_key() -> str:
    """The e-mail being tried, so guessing one person's password is slowed from any address."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def login_limits(view: Any) -> Any:
    """Per address and per account limits on logging in."""
    view = limiter.limit(
        _setting("RATELIMIT_LOGIN_IP"), key_func=get_remote_address, methods=["POST"]
    )(view)
    return limiter.limit(
        _setting("RATELIMIT_LOGIN_ACCOUNT"), key_func=_account_key, methods=["POST"]
    )(view)


def reset_limits(view: Any) -> Any:
    """Per address and per account limits on password-reset e-mails."""
    view = limiter.limit(
        _setting("RATELIMIT_RESET_IP"), key_func=get_remote_address, methods=["POST"]
    )(view)
    return limiter.limit(
        _setting("RATELIMIT_RESET_ACCOUNT"), key_func=_account_key, methods=["POST"]
    )(view)


# One decorator object for every form that creates an account or sets a password, so
# they share one per-address count.
_signup_limit = limiter.shared_limit(
    _setting("RATELIMIT_SIGNUP_IP"),
    scope="signup",
    key_func=get_remote_address,
    methods=["POST"],
)


def signup_limits(view: Any) -> Any:
    """One per-address limit shared by every form that creates an account or sets a password."""
    return _signup_limit(view)

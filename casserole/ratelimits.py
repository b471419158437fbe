"""Rate limits for the doors people knock on: login, sign-up and password reset.

Each limit is a setting (RATELIMIT_LOGIN_IP, ...), so a deployment can tune it; limits
count POSTs only, per client address and, where it helps, per account e-mail.

The per-account login limit counts failures only, and it cannot be turned against the
account's owner: a browser that has logged into the account before carries a signed
"device" cookie and is counted on its own instead (OWASP's device-cookie defence). Ten
wrong passwords sent for a coordinator's address from elsewhere lock out other browsers
for 15 minutes, but not the coordinator's own.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from casserole.extensions import limiter

DEFAULTS = {
    "RATELIMIT_LOGIN_IP": "30 per minute;300 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "10 per 15 minutes",
    "RATELIMIT_RESET_IP": "10 per hour",
    "RATELIMIT_RESET_ACCOUNT": "3 per hour",
    "RATELIMIT_SIGNUP_IP": "20 per hour",
}
DEVICE_COOKIE = "casserole_device"
DEVICE_COOKIE_DAYS = 365
_DEVICE_SALT = "casserole.device"
_MAX_ACCOUNTS_PER_DEVICE = 5


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config.get(name) or DEFAULTS[name]


def _tried_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _account_key() -> str:
    """The e-mail being tried, so guessing one person's password is slowed from any address."""
    return "account:" + _tried_email()


def _account_tag(email: str) -> str:
    """A short digest of an address, so the device cookie does not carry e-mail addresses."""
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _device() -> dict[str, Any] | None:
    """This browser's device cookie, when it is genuine."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None
    if not isinstance(data.get("a"), list):
        return None
    return data


def _trusted_device() -> bool:
    """True when this browser has logged into the account being tried before."""
    data = _device()
    return data is not None and _account_tag(_tried_email()) in data["a"]


def _device_key() -> str:
    data = _device()
    return f"device:{data['d'] if data else '-'}:{_tried_email()}"


def _login_failed(response: Response) -> bool:
    """Only failed logins (the form comes back with errors) count towards account limits."""
    return response.status_code == 422


def remember_device(response: Response, email: str) -> Response:
    """After a successful login, mark this browser as one the account's owner uses."""
    data = _device() or {"d": secrets.token_urlsafe(16), "a": []}
    tag = _account_tag(email.strip().lower())
    accounts = [t for t in data["a"] if t != tag][-(_MAX_ACCOUNTS_PER_DEVICE - 1) :]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"d": data["d"], "a": [*accounts, tag]}),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


def login_limits(view: Any) -> Any:
    """Per address limit on logging in, and per account (or per known device) on failures."""
    view = limiter.limit(
        _setting("RATELIMIT_LOGIN_IP"), key_func=get_remote_address, methods=["POST"]
    )(view)
    view = limiter.limit(
        _setting("RATELIMIT_LOGIN_ACCOUNT"),
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_login_failed,
        exempt_when=_trusted_device,
    )(view)
    # A known browser still cannot guess for ever: it has the same allowance of its own.
    return limiter.limit(
        _setting("RATELIMIT_LOGIN_ACCOUNT"),
        key_func=_device_key,
        methods=["POST"],
        deduct_when=_login_failed,
        exempt_when=lambda: not _trusted_device(),
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

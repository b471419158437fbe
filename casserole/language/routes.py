"""POST /language: choose the language of the pages (and of a person's messages)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from casserole import i18n
from casserole.extensions import csrf
from casserole.services import languages

bp = Blueprint("language", __name__)


def _back_to(target: str | None) -> str:
    """The page the switch was on, if it is a path on this site; else the home page."""
    # Only a plain path on this site: no other host, no control characters or spaces.
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isascii()
        and target.isprintable()
        and " " not in target
        and len(target) <= 2000
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")


@bp.route("/language", methods=["POST"])
@csrf.exempt
def choose() -> Response:
    """Remember the chosen language (on the account, and in a cookie) and go back.

    No CSRF token: the form is on every page, and a per-session token would make each page
    differ (and an anonymous page set a session). The worst a forged post can do is change
    the language; the session cookie is SameSite=Lax, so not a logged-in person's setting.
    """
    code = i18n.known(request.form.get("lang"))
    if code is None:
        abort(400, description="Choose English, Cymraeg or বাংলা.")
    if current_user.is_authenticated:
        # The person's messages follow their pages' language from now on.
        languages.choose_language(current_user, code)
    response = redirect(_back_to(request.form.get("next")))
    response.set_cookie(
        i18n.COOKIE_NAME,
        code,
        max_age=i18n.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response

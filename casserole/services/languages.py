"""A person's chosen language, kept on their account so their messages follow it."""

from __future__ import annotations

from casserole.extensions import db
from casserole.i18n import known
from casserole.models import User


def choose_language(user: User, code: str) -> None:
    """Save `code` (one of i18n.LANGUAGES) as the person's language; ValueError otherwise."""
    chosen = known(code)
    if chosen is None:
        raise ValueError(f"{code!r} is not a language we offer")
    if user.locale != chosen:
        user.locale = chosen
        db.session.commit()

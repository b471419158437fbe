"""The pairings blueprint and what its views share: the `days` filter and refusals as 4xx."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_babel import ngettext

from casserole.formatting import number
from casserole.services import pairings

bp = Blueprint("pairings", __name__, url_prefix="/pairings")

View = Callable[..., Any]


@bp.app_template_filter("days")
def days_filter(value: float | None) -> str:
    """Whole days in words: "1 day", "40 days" (in the page's language)."""
    if value is None or value != value:  # None or NaN: nothing to say
        return ""
    return ngettext("%(count)s day", "%(count)s days", int(value), count=number(int(value)))


def refusals(view: View) -> View:
    """Turn a refused step into a 4xx page that says why (never a 500)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except pairings.PairingError as err:
            abort(err.status, description=err.message)

    return wrapped

"""The pairings blueprint and what its views share: the `days` filter and refusals as 4xx."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort

from casserole.services import pairings, stats

bp = Blueprint("pairings", __name__, url_prefix="/pairings")

View = Callable[..., Any]


@bp.app_template_filter("days")
def days_filter(value: float | None) -> str:
    """Whole days in words: "1 day", "40 days"."""
    return stats.describe_days(value)


def refusals(view: View) -> View:
    """Turn a refused step into a 4xx page that says why (never a 500)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except pairings.PairingError as err:
            abort(err.status, description=err.message)

    return wrapped

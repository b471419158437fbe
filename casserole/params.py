"""One parser for numbers and dates that arrive in URLs and query strings.

Odd but valid text ("²", "１２", "1e309", "-0", a 40-digit number, 2025-02-30, year 10000)
must end as a 400 that says why, or a 404 for a path, never as a 500 from int(), date() or
the database. Views call these instead of int(request.args[...]).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, request
from werkzeug.routing import IntegerConverter, Map

# PostgreSQL's integer: the largest id either engine will be asked about.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date.max
# Nothing Casserole records (checks, figures periods) happened before this.
EARLIEST_PLAUSIBLE = date(1990, 1, 1)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes: ASCII digits within the database's range, else a plain 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_int(raw: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The whole number in `raw` (ASCII digits, optional minus) within bounds, else None."""
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def coerce_id(raw: object) -> int:
    """WTForms `coerce` for record ids: a ValueError (a field error) unless 1 to MAX_ID."""
    value = raw if isinstance(raw, int) else parse_int(str(raw), minimum=1)
    if value is None or not 1 <= value <= MAX_ID:
        raise ValueError("Not a record number we know.")
    return value


def parse_date(
    raw: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE
) -> date | None:
    """The ISO date (YYYY-MM-DD) in `raw` within bounds, else None (2025-02-30 is None)."""
    text = raw.strip()
    if len(text) != 10 or not text.isascii():
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if earliest <= value <= latest else None


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def query_int(
    name: str, default: int | None = None, *, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """A whole-number query parameter; `default` when absent or empty; a 400 when odd."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        abort(400, description=f"“{name}” must be a whole number from {minimum} to {maximum}.")
    return value


def query_page(name: str = "page") -> int:
    """The page number asked for (1 when missing); anything but 1 to MAX_PAGE is a 400."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return 1
    value = parse_int(raw, minimum=1, maximum=MAX_PAGE)
    if value is None:
        abort(400, description=f"The page number must be a whole number from 1 to {MAX_PAGE}.")
    return value


def query_choice(name: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    """One of `choices` (the default when absent); anything else is a 400 naming the choices."""
    value = request.args.get(name, default)
    if value not in choices:
        abort(400, description=f"“{name}” must be one of: {', '.join(choices)}.")
    return value

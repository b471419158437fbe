"""Plain-English formatting for people: long dates and distances in miles."""

from __future__ import annotations

from datetime import date, datetime

from casserole.models.vocab import DAY_NAMES

KM_PER_MILE = 1.609344

__all__ = [
    "DAY_NAMES",
    "KM_PER_MILE",
    "day_list",
    "km_to_miles",
    "long_date",
    "miles",
    "miles_to_km",
    "plural",
]


def long_date(value: date | datetime | None) -> str:
    """Write a date out in full, e.g. "Tuesday 3 December 2024"."""
    if value is None:
        return ""
    return f"{DAY_NAMES[value.weekday()]} {value.day} {value.strftime('%B %Y')}"


def km_to_miles(km: float) -> float:
    """Kilometres to miles."""
    return km / KM_PER_MILE


def miles_to_km(miles_value: float) -> float:
    """Miles to kilometres."""
    return miles_value * KM_PER_MILE


def miles(km: float | None) -> str:
    """A distance stored in km, shown in miles to one decimal place."""
    if km is None:
        return ""
    value = km_to_miles(km)
    return f"{value:.1f} mile" + ("" if round(value, 1) == 1.0 else "s")


def day_list(days: frozenset[int] | set[int]) -> str:
    """Weekday numbers as words in week order: "Monday, Wednesday and Friday"."""
    names = [DAY_NAMES[d] for d in sorted(days)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun agreeing: "1 cook", "2 cooks", "3 pairings are full"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"

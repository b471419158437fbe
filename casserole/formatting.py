"""Formatting for people, in the language of the page: long dates, days, miles, money, counts."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, get_day_names
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from flask_babel import ngettext

from casserole.i18n import format_locale
from casserole.models.vocab import DAY_NAMES

KM_PER_MILE = 1.609344

__all__ = [
    "DAY_NAMES",
    "KM_PER_MILE",
    "day_list",
    "day_name",
    "word_list",
    "km_to_miles",
    "long_date",
    "miles",
    "miles_to_km",
    "money",
    "number",
    "plural",
]


def long_date(value: date | datetime | None) -> str:
    """Write a date out in full, e.g. "Tuesday 3 December 2024" (or in Welsh or Bengali)."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, "EEEE d MMMM y", locale=format_locale())


def day_name(index: int) -> str:
    """A weekday's name (0 is Monday) in the page's language."""
    return str(get_day_names("wide", locale=format_locale())[index])


def number(value: float, pattern: str = "#,##0") -> str:
    """A number grouped and punctuated for the page's language."""
    return format_decimal(value, pattern, locale=format_locale())


def money(pence: int | None) -> str:
    """An amount held in pence, in pounds for the page's language ("£12.50")."""
    if pence is None:
        return ""
    return format_currency(pence / 100, "GBP", locale=format_locale())


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
    value = round(km_to_miles(km), 1)
    # ngettext needs a whole count: exactly one mile is singular, anything else plural.
    count = 1 if value == 1.0 else 2
    return ngettext(
        "%(distance)s mile", "%(distance)s miles", count, distance=number(value, "#,##0.0")
    )


def day_list(days: frozenset[int] | set[int]) -> str:
    """Weekday numbers as words in week order: "Monday, Wednesday and Friday"."""
    names = [day_name(d) for d in sorted(days)]
    if not names:
        return ""
    locale = format_locale()
    text = format_list(names, locale=locale)
    if locale.startswith("cy"):
        # CLDR writes Welsh "and" as ", a(c)"; every Welsh day name starts "Dydd", so it is
        # " a ", and Welsh lists take no comma before it.
        text = text.replace(", a(c) ", " a ").replace(" a(c) ", " a ")
    return text


def word_list(items: list[str] | tuple[str, ...]) -> str:
    """Words joined as the page's language joins a list: "milk, eggs and fish"."""
    words = [str(item) for item in items]
    if not words:
        return ""
    locale = format_locale()
    if locale.startswith("cy") and len(words) > 1:
        # CLDR writes Welsh "and" as "a(c)": it is "ac" before a vowel, "a" otherwise.
        last = words[-1]
        joiner = "ac" if last[:1].lower() in "aeiouwyâêîôûŵŷ" else "a"
        return f"{', '.join(words[:-1])} {joiner} {last}"
    return format_list(words, locale=locale)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its English noun agreeing ("1 cook", "2 cooks"): coordinator pages only.

    Pages people read in Welsh or Bengali use ngettext with whole sentences instead.
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"

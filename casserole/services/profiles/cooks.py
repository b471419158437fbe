"""A cook's own profile: their cooking, how many and how far, and their breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext

from casserole import clock
from casserole.extensions import db
from casserole.formatting import miles_to_km
from casserole.models import CookProfile
from casserole.models.vocab import days_to_mask, tags_to_mask
from casserole.services import places
from casserole.services.accounts import FieldError, text_problem, tidy_text

CAPACITY_RANGE = (1, 12)
MAX_MILES = 30.0
INTRODUCTION_LIMIT = 1000
LONGEST_BREAK_DAYS = 366


@dataclass
class CookDetails:
    """A cook's profile as typed: days and times, what they cook, how many, how far, intro."""

    days: set[int]
    availability_note: str
    can_cook: set[str]
    capacity: int | None
    max_miles: float | None
    introduction: str
    postcode: str
    address_line: str
    birth_year: int | None = None


# A cook's age, for the figures' age ranges: adults, and nobody older than 100.
COOK_AGE_RANGE = (18, 100)


def birth_year_problem(year: int | None, today: date) -> str | None:
    """Why a cook's year of birth is not plausible, or None (an empty year is fine)."""
    youngest, oldest = COOK_AGE_RANGE
    low, high = today.year - oldest, today.year - youngest
    if year is not None and not low <= year <= high:
        return gettext(
            "Enter a year between %(low)s and %(high)s, or leave it empty.", low=low, high=high
        )
    return None


def update_cook(cook: CookProfile, details: CookDetails) -> CookProfile:
    """Check every field, then save the cook's profile in one commit."""
    problems: dict[str, str] = {}
    note = tidy_text(details.availability_note)
    introduction = tidy_text(details.introduction)
    address_line = tidy_text(details.address_line)
    low, high = CAPACITY_RANGE
    if details.capacity is None or not low <= details.capacity <= high:
        problems["capacity"] = gettext(
            "Choose between %(low)s and %(high)s neighbours.", low=low, high=high
        )
    if details.max_miles is None or not 0 < details.max_miles <= MAX_MILES:
        problems["max_miles"] = gettext(
            "Enter a distance more than 0 and up to %(miles)s miles.", miles=f"{MAX_MILES:g}"
        )
    if len(introduction) > INTRODUCTION_LIMIT:
        problems["introduction"] = (
            f"Keep your introduction to {INTRODUCTION_LIMIT} characters "
            f"(it has {len(introduction)})."
        )
    for name, value in (
        ("availability_note", note),
        ("introduction", introduction),
        ("address_line", address_line),
    ):
        if problem := text_problem(value):
            problems[name] = problem
    if problem := birth_year_problem(details.birth_year, clock.today()):
        problems["birth_year"] = problem
    placement = places.moved_to(cook, details.postcode, problems)
    if problems:
        raise FieldError(errors=problems)
    cook.birth_year = details.birth_year
    cook.days_mask = days_to_mask(details.days)
    cook.availability_note = note[:200]
    cook.can_cook_mask = tags_to_mask(details.can_cook)
    cook.capacity = int(details.capacity or 1)
    cook.max_km = round(miles_to_km(float(details.max_miles or 0)), 3)
    cook.introduction = introduction
    cook.address_line = address_line
    places.apply_placement(cook, placement)
    db.session.commit()
    return cook


def pause_cook(cook: CookProfile, until: date | None, today: date | None = None) -> None:
    """Take a break from new introductions (a holiday), optionally until a date."""
    today = today or clock.today()
    if until is not None and not today < until <= today + timedelta(days=LONGEST_BREAK_DAYS):
        raise FieldError("until", gettext("Choose a date after today and within a year."))
    cook.paused = True
    cook.paused_until = until
    db.session.commit()


def resume_cook(cook: CookProfile) -> None:
    """Come back from a break: the cook can be introduced to neighbours again."""
    cook.paused = False
    cook.paused_until = None
    db.session.commit()

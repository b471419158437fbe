"""A cook's own profile: their cooking, how many and how far, and their breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from casserole import clock
from casserole.extensions import db
from casserole.formatting import miles_to_km
from casserole.models import ContactWay, CookProfile
from casserole.models.vocab import ALLERGENS, allergens_to_mask, days_to_mask, tags_to_mask
from casserole.services import places
from casserole.services.accounts import (
    FieldError,
    normalise_phone,
    phone_problem,
    text_problem,
    tidy_text,
)
from casserole.services.channels import contact_way_problem

CAPACITY_RANGE = (1, 12)
MAX_MILES = 30.0
INTRODUCTION_LIMIT = 1000


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
    keeps_out: set[str] | None = None  # None leaves what the cook keeps out as it is
    # None leaves the account's phone and way of contact as they are.
    phone: str | None = None
    preferred_contact: ContactWay | None = None


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
    if not details.days:
        # A cook with no days can never be introduced to anyone: saying "saved" would mislead.
        problems["days"] = (
            "Tick at least one day you can cook. If you need a rest, take a break instead."
        )
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
    if details.keeps_out is not None and set(details.keeps_out) - set(ALLERGENS):
        problems["keeps_out"] = gettext("Choose from the allergens shown.")
    phone = (cook.user.phone or "") if details.phone is None else tidy_text(details.phone)
    if problem := phone_problem(phone):
        problems["phone"] = problem
    elif problem := contact_way_problem(details.preferred_contact, phone, True):
        problems["preferred_contact"] = problem
    placement = places.moved_to(cook, details.postcode, problems)
    if problems:
        raise FieldError(errors=problems)
    cook.birth_year = details.birth_year
    cook.days_mask = days_to_mask(details.days)
    cook.availability_note = note[:200]
    cook.can_cook_mask = tags_to_mask(details.can_cook)
    if details.keeps_out is not None:
        cook.keeps_out_mask = allergens_to_mask(details.keeps_out)
    cook.capacity = int(details.capacity or 1)
    cook.max_km = round(miles_to_km(float(details.max_miles or 0)), 3)
    cook.introduction = introduction
    cook.address_line = address_line
    if details.phone is not None:
        cook.user.phone = normalise_phone(phone) or None
    if details.preferred_contact is not None:
        cook.user.preferred_contact = details.preferred_contact
    places.apply_placement(cook, placement)
    db.session.commit()
    return cook

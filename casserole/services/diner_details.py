"""A diner's details as typed on any form: tidied, checked field by field, turned into columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext

from casserole import clock
from casserole.models.vocab import days_to_mask, tags_to_mask
from casserole.services.accounts import name_problem, phone_problem, text_problem, tidy_text

# Allergies written in words that map onto a dietary tag become hard needs for matching.
ALLERGY_NEEDS = {
    "nut-free": ("nut", "peanut", "almond", "cashew", "hazelnut", "walnut"),
    "dairy-free": ("dairy", "milk", "lactose", "cheese", "cream"),
    "gluten-free": ("gluten", "wheat", "coeliac", "celiac"),
}
OLDEST_AGE_YEARS = 120
_FREE_TEXT = (
    "address_line",
    "allergies",
    "likes",
    "dislikes",
    "access_notes",
    "contact_preference",
)


@dataclass
class DinerDetails:
    """A diner's profile as typed on a form (sign-up, a carer adding someone, or editing)."""

    first_name: str
    last_name: str
    postcode: str
    address_line: str
    days: set[int] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    allergies: str = ""
    likes: str = ""
    dislikes: str = ""
    access_notes: str = ""
    contact_preference: str = ""
    phone: str = ""
    birth_date: date | None = None


def needs_from_allergies(allergies: str) -> set[str]:
    """Dietary tags implied by an allergy note ("nuts, milk" -> nut-free, dairy-free)."""
    words = allergies.casefold()
    return {tag for tag, stems in ALLERGY_NEEDS.items() if any(s in words for s in stems)}


def check_names(holder: Any, problems: dict[str, str]) -> None:
    """Add the problems of a first name (required) and a last name (optional) to `problems`."""
    if problem := name_problem(holder.first_name):
        problems["first_name"] = problem
    if holder.last_name and (problem := name_problem(holder.last_name)):
        problems["last_name"] = problem


def check_diner(details: DinerDetails, problems: dict[str, str]) -> None:
    """Add the problems of a diner's profile fields to `problems`."""
    check_names(details, problems)
    for name in _FREE_TEXT:
        if problem := text_problem(getattr(details, name)):
            problems[name] = problem
    if problem := phone_problem(details.phone):
        problems["phone"] = problem
    if not details.days:
        problems["days"] = gettext("Choose at least one day.")
    if details.birth_date is not None:
        today = clock.today()
        if not date(today.year - OLDEST_AGE_YEARS, 1, 1) <= details.birth_date <= today:
            problems["birth_date"] = gettext("Enter a date of birth in the past, like 14 3 1938.")


def tidy_diner(details: DinerDetails) -> DinerDetails:
    """Trimmed, NFC-normalised copy of a diner's details."""
    tidy = {
        name: tidy_text(getattr(details, name))
        for name in ("first_name", "last_name", "phone", *_FREE_TEXT)
    }
    return DinerDetails(
        postcode=details.postcode,
        days=set(details.days),
        needs=set(details.needs),
        birth_date=details.birth_date,
        **tidy,
    )


def diner_fields(details: DinerDetails) -> dict[str, object]:
    """The profile columns a diner's details set (allergies add their dietary needs)."""
    return {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "days_mask": days_to_mask(details.days),
        "needs_mask": tags_to_mask(details.needs | needs_from_allergies(details.allergies)),
        "allergies": details.allergies,
        "likes": details.likes,
        "dislikes": details.dislikes,
        "access_notes": details.access_notes,
        "contact_preference": details.contact_preference,
        "phone": details.phone or None,
        "birth_date": details.birth_date,
    }

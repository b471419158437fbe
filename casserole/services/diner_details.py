"""A diner's details as typed on any form: tidied, checked field by field, turned into columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext

from casserole import clock
from casserole.formatting import km_to_miles
from casserole.models.vocab import (
    ALLERGENS,
    ContactWay,
    allergen_names,
    allergens_to_mask,
    days_to_mask,
    tags_to_mask,
)
from casserole.services.accounts import name_problem, phone_problem, text_problem, tidy_text
from casserole.services.channels import contact_way_problem
from casserole.services.input_rules import normalise_phone

OLDEST_AGE_YEARS = 120
# How far away a diner's cook may live: the diner, their carer or a coordinator chooses.
RADIUS_KM = (0.5, 10.0)
DEFAULT_RADIUS_KM = 3.0
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
    # The 14 allergens as structured choices; `allergies` is "anything else", in words.
    allergens: set[str] = field(default_factory=set)
    allergies: str = ""
    likes: str = ""
    dislikes: str = ""
    access_notes: str = ""
    contact_preference: str = ""
    phone: str = ""
    birth_date: date | None = None
    # None keeps the diner's radius as it is (3 km for someone new).
    max_km: float | None = None
    # None leaves it as it is (a form without the choice); the column stays None for e-mail.
    preferred_contact: ContactWay | None = None


def radius_problem(km: float | None) -> str | None:
    """Why a diner's radius cannot be kept, in the words the forms use, or None."""
    low, high = RADIUS_KM
    if km is not None and not low <= km <= high:
        return gettext(
            "Choose a distance from %(low_miles)s to %(high_miles)s miles "
            "(%(low_km)s to %(high_km)s km).",
            low_miles=f"{km_to_miles(low):.1f}",
            high_miles=f"{km_to_miles(high):.1f}",
            low_km=f"{low:g}",
            high_km=f"{high:g}",
        )
    return None


def allergen_lines(diner: Any) -> list[str]:
    """A diner's allergens in plain English, one line each (the cook's reminders and pages).

    The 14 named allergens first, then the diner's own note for anything else.
    """
    lines = [gettext("Allergic to %(name)s", name=name) for name in allergen_names(diner.allergens)]
    if (diner.allergies or "").strip():
        lines.append(gettext("Also: %(note)s", note=diner.allergies.strip()))
    return lines


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
    elif problem := contact_way_problem(details.preferred_contact, details.phone, True):
        problems["preferred_contact"] = problem
    if not details.days:
        problems["days"] = gettext("Choose at least one day.")
    if unknown := set(details.allergens) - set(ALLERGENS):
        problems["allergens"] = gettext(
            "Choose from the allergens shown (%(count)s not known).", count=len(unknown)
        )
    if problem := radius_problem(details.max_km):
        problems["radius_miles"] = problem
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
        allergens=set(details.allergens),
        birth_date=details.birth_date,
        max_km=details.max_km,
        preferred_contact=details.preferred_contact,
        **tidy,
    )


def diner_fields(details: DinerDetails) -> dict[str, object]:
    """The profile columns a diner's details set (the radius only when one was given)."""
    fields: dict[str, object] = {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "days_mask": days_to_mask(details.days),
        "needs_mask": tags_to_mask(details.needs),
        "allergen_mask": allergens_to_mask(details.allergens),
        "allergies": details.allergies,
        "likes": details.likes,
        "dislikes": details.dislikes,
        "access_notes": details.access_notes,
        "contact_preference": details.contact_preference,
        "phone": normalise_phone(details.phone) or None,
        "birth_date": details.birth_date,
        **({"preferred_contact": details.preferred_contact} if details.preferred_contact else {}),
    }
    if details.max_km is not None:
        fields["max_km"] = round(details.max_km, 3)
    return fields

"""Diners a person speaks for (themselves, or those a carer looks after), and their details."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from casserole.extensions import db
from casserole.models import DinerProfile, Pairing, Role
from casserole.models.vocab import ALLERGENS, LIVE_STATUSES, allergens_to_mask
from casserole.services import audit, mail, notifications, places
from casserole.services.accounts import FieldError, text_problem, tidy_text
from casserole.services.diner_details import (
    DinerDetails,
    check_diner,
    diner_fields,
    radius_problem,
    tidy_diner,
)


class NotFound(LookupError):
    """A record that does not exist or is outside the person's reach: shown as a 404."""


def diners_of(user: Any) -> list[DinerProfile]:
    """The diners a person speaks for: themselves (a diner) or those they look after (a carer)."""
    if user.role == Role.DINER:
        condition = DinerProfile.user_id == user.id
    elif user.role == Role.CARER:
        condition = DinerProfile.carer_id == user.id
    else:
        return []
    return list(
        db.session.scalars(
            select(DinerProfile)
            .where(condition, DinerProfile.erased_at.is_(None))
            .order_by(DinerProfile.id)
        )
    )


def own_diner(user: Any, diner_id: int) -> DinerProfile:
    """A diner the person speaks for; NotFound for anyone else's."""
    for diner in diners_of(user):
        if diner.id == diner_id:
            return diner
    raise NotFound("We could not find that person.")


def selected_diner(user: Any, chosen_id: Any) -> DinerProfile | None:
    """The diner a carer has chosen (checked against their list every time), else their first."""
    diners = diners_of(user)
    for diner in diners:
        if diner.id == chosen_id:
            return diner
    return diners[0] if diners else None


def update_diner(diner: DinerProfile, details: DinerDetails) -> DinerProfile:
    """Check every field, then save a diner's details in one commit."""
    problems: dict[str, str] = {}
    tidy = tidy_diner(details)
    check_diner(tidy, problems)
    placement = places.moved_to(diner, tidy.postcode, problems)
    if problems:
        raise FieldError(errors=problems)
    before = diner.allergen_mask, diner.allergies
    for name, value in diner_fields(tidy).items():
        setattr(diner, name, value)
    diner.address_line = tidy.address_line
    places.apply_placement(diner, placement)
    tell_cooks_of_allergies(diner, before)
    db.session.commit()
    mail.dispatch()
    return diner


def tell_cooks_of_allergies(diner: DinerProfile, before: tuple[int, str]) -> int:
    """The cook of each live pairing hears at once when the diner's allergies change."""
    if (diner.allergen_mask, diner.allergies) == before:
        return 0
    live = db.session.scalars(
        select(Pairing).where(Pairing.diner_id == diner.id, Pairing.status.in_(LIVE_STATUSES))
    )
    return sum(notifications.allergies_changed_to_cook(p) for p in live)


def change_needs(
    diner: DinerProfile,
    allergens: set[str],
    allergies: str,
    max_km: float | None,
    actor: Any,
    client_address: str | None = None,
) -> DinerProfile:
    """A coordinator changes a diner's allergens, the note and radius; checked, one commit."""
    problems: dict[str, str] = {}
    allergies = tidy_text(allergies or "")
    if set(allergens) - set(ALLERGENS):
        problems["allergens"] = gettext("Choose from the allergens shown.")
    if problem := text_problem(allergies):
        problems["allergies"] = problem
    if len(allergies) > 500:
        problems["allergies"] = gettext("Keep it to 500 characters.")
    if max_km is None:
        problems["radius_miles"] = gettext("Enter how far a cook may come, like 2 or 1.5.")
    elif problem := radius_problem(max_km):
        problems["radius_miles"] = problem
    if problems:
        raise FieldError(errors=problems)
    before = diner.allergen_mask, diner.allergies
    diner.allergen_mask = allergens_to_mask(allergens)
    diner.allergies = allergies
    diner.max_km = round(float(max_km or 0), 3)
    audit.record(
        "diner_needs_changed",
        diner,
        area_id=diner.area_id,
        actor=actor,
        client_address=client_address,
        allergens=diner.allergen_mask,
        max_km=diner.max_km,
    )
    tell_cooks_of_allergies(diner, before)
    db.session.commit()
    mail.dispatch()
    return diner

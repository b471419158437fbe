"""Diners a person speaks for (themselves, or those a carer looks after), and their details."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import DinerProfile, Role
from casserole.services import places
from casserole.services.accounts import FieldError
from casserole.services.diner_details import DinerDetails, check_diner, diner_fields, tidy_diner


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
    for name, value in diner_fields(tidy).items():
        setattr(diner, name, value)
    diner.address_line = tidy.address_line
    places.apply_placement(diner, placement)
    db.session.commit()
    return diner

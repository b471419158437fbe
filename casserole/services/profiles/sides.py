"""What each side of a pairing may see of the other.

Who may see a diner: the diner and their carer, always; the diner's cook, once the
coordinator has put the pairing to them, but the address, phone and notes only while the
pairing is live. Anyone else gets NotFound (a 404), by any URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from casserole.extensions import db
from casserole.geocoding import great_circle_km
from casserole.models import Pairing, PairingStatus, Role
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import audit
from casserole.services.diner_details import allergen_lines
from casserole.services.profiles.diners import NotFound, diners_of


@dataclass
class NeighbourView:
    """A diner as their cook sees them: contact details only while the pairing is live."""

    pairing: Pairing
    first_name: str
    distance_km: float
    days: frozenset[int]
    needs: frozenset[str]
    allergies: str
    live: bool
    # The 14 allergens and the note, one line each (diner_details.allergen_lines).
    allergen_lines: list[str] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)


def _cook_can_see(pairing: Pairing) -> bool:
    """A cook sees a pairing once the coordinator has put it to them, until it ends."""
    visible = (*OPEN_PROPOSAL_STATUSES, *LIVE_STATUSES)
    return pairing.approved_at is not None and pairing.status in visible


def neighbour_for_cook(
    user: Any, diner_id: int, client_address: str | None = None
) -> NeighbourView:
    """A diner as the cook may see them; NotFound unless the cook has a visible pairing."""
    cook = user.cook_profile if user.role == Role.COOK else None
    if cook is None:
        raise NotFound("We could not find that person.")
    pairings = db.session.scalars(
        select(Pairing)
        .where(Pairing.cook_id == cook.id, Pairing.diner_id == diner_id)
        .order_by(Pairing.id.desc())
    )
    pairing = next((p for p in pairings if _cook_can_see(p)), None)
    if pairing is None or pairing.diner.erased_at is not None:
        raise NotFound("We could not find that person.")
    diner = pairing.diner
    live = pairing.status in LIVE_STATUSES
    # The cook sees needs and allergies (and, once live, the address): audited like the
    # pairing page.
    audit.record(
        "diner_details_viewed",
        diner,
        area_id=pairing.area_id,
        actor=user,
        client_address=client_address,
        pairing_id=pairing.id,
        address=live,
    )
    audit.commit_view()
    contact = {}
    if live:
        contact = {
            "name": diner.display_name,
            "address": f"{diner.address_line}, {diner.postcode}".strip(", "),
            "phone": diner.phone or "",
            "access_notes": diner.access_notes,
            "likes": diner.likes,
            "dislikes": diner.dislikes,
            "contact_preference": diner.contact_preference,
            "carer": diner.carer.display_name if diner.carer else "",
            "carer_phone": (diner.carer.phone or "") if diner.carer else "",
        }
    return NeighbourView(
        pairing=pairing,
        first_name=diner.first_name,
        distance_km=pairing.distance_km
        if pairing.distance_km is not None
        else great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude),
        days=diner.days,
        needs=diner.needs,
        allergies=diner.allergies,
        live=live,
        contact=contact,
        allergen_lines=allergen_lines(diner),
    )


@dataclass
class CookView:
    """A cook as the diner's side sees them: first name and introduction, phone once live."""

    first_name: str
    introduction: str
    can_cook: frozenset[str]
    live: bool
    phone: str = ""


def cook_for_diner_side(user: Any, cook_id: int) -> CookView:
    """A cook put to one of the person's diners; NotFound unless the cook has said yes."""
    ids = [d.id for d in diners_of(user)]
    pairing = None
    if ids:
        pairing = db.session.scalar(
            select(Pairing)
            .where(
                Pairing.cook_id == cook_id,
                Pairing.diner_id.in_(ids),
                Pairing.cook_accepted_at.is_not(None),
                Pairing.status.in_([PairingStatus.COOK_ACCEPTED, *LIVE_STATUSES]),
            )
            .order_by(Pairing.id.desc())
            .limit(1)
        )
    if pairing is None:
        raise NotFound("We could not find that cook.")
    cook = pairing.cook
    live = pairing.status in LIVE_STATUSES
    return CookView(
        first_name=cook.user.first_name,
        introduction=cook.introduction,
        can_cook=cook.can_cook,
        live=live,
        phone=(cook.user.phone or "") if live else "",
    )
